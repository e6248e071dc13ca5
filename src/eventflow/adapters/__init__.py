"""Adapters: one module per technology, each implementing ports of ``eventflow.core.ports``."""
