"""The living spec: features/bars_slots.feature (steps in conftest.py)."""

from pytest_bdd import scenarios

scenarios("bars_slots.feature")
