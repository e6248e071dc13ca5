"""The asset fixtures (real disk, recording notifier, small quota) for the adapters' asset tests."""

from tests.support.assets import notifier, services, settings, slot  # noqa: F401 (fixtures)
