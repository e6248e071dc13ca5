"""The CLI on the memory fakes: ``run("bar", "list")`` is ``eventflow bar list`` with the ``services`` fixture."""

from tests.support.cli import planned, run  # noqa: F401 (fixtures)
