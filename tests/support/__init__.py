"""Helpers the tests share across folders: samples, live servers, the S3 and SMTP servers, and fixture modules a
folder's ``conftest.py`` takes its fixtures from (``web`` is a plugin of ``tests/conftest.py``: global fixtures)."""
