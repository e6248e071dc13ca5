"""The web fixtures (the app on memory fakes, clients as an admin and a member) for the calendar feed tests."""

from tests.web.conftest import Api, admin, app, as_admin, as_member, client, member  # noqa: F401 (fixtures)
