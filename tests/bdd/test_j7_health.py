"""The living spec: features/j7_health.feature (steps in conftest.py)."""

from pytest_bdd import scenarios

scenarios("j7_health.feature")
