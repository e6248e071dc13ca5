"""WSGI entry for production servers: ``gunicorn eventflow.entrypoints.web.wsgi:application`` (or uWSGI).

Each process that loads it first reclaims what killed processes left behind, then starts the outbox sender thread,
so e-mails leave within seconds.
"""

from eventflow.bootstrap import bootstrap
from eventflow.entrypoints.outbox_worker import start_outbox_worker
from eventflow.entrypoints.startup import reclaim_leftovers
from eventflow.entrypoints.web.app import create_app

services = bootstrap()
reclaim_leftovers(services)
application = create_app(services)
outbox = start_outbox_worker(services)
