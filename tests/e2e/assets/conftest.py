"""The asset fixtures (real disk, recording notifier, small quota) for the files API over HTTP."""

from tests.support.assets import notifier, services, settings, slot  # noqa: F401 (fixtures)
