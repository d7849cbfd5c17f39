"""The calendar fixtures, shared with the payments tests (and the calendar tests that take payments, here)."""

from staffroom.scheduling.tests.conftest import a_client, branch, haircut, tomorrow, working_specialist  # noqa: F401
