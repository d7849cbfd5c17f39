"""The calendar fixtures, shared with the payments tests."""

from staffroom.scheduling.tests.conftest import a_client, branch, haircut, tomorrow, working_specialist  # noqa: F401
