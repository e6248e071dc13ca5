"""The web entrypoint: ``create_app(services)`` builds the Falcon WSGI app (JSON API and pages)."""
