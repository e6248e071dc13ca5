"""The living spec: features/planning.feature (steps in conftest.py)."""

from pytest_bdd import scenarios

scenarios("planning.feature")
