"""WSGI entry for production servers: ``gunicorn eventflow.entrypoints.web.wsgi:application`` (or uWSGI)."""

from eventflow.bootstrap import bootstrap
from eventflow.entrypoints.web.app import create_app

application = create_app(bootstrap())
