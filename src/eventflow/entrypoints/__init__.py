"""Doors into the house: the Click CLI and the Falcon web app, both built on ``bootstrap()``."""
