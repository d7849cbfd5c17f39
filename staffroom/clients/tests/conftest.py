"""Calendar fixtures shared with the client tests."""

from staffroom.scheduling.tests.conftest import a_client, branch, haircut, tomorrow, working_specialist  # noqa: F401
