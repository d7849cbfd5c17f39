"""A personal API token's last use is written at most once a minute, however often the token is used."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffroom.identity.models import ApiToken


def _token_updates(captured) -> int:
    table = ApiToken._meta.db_table
    return sum(1 for query in captured if query["sql"].lstrip().upper().startswith("UPDATE") and table in query["sql"])


def test_two_reads_in_a_row_write_the_token_row_once_and_again_after_a_minute(administrator, api_for):
    start = dt.datetime(2031, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        api = api_for(administrator)
        token = ApiToken.objects.unscoped().get(employee=administrator)
        assert token.last_used_at is None
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/tokens").status_code == 200
            assert api.get("/api/v1/tokens").status_code == 200
        assert _token_updates(captured) == 1
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/tokens").status_code == 200
        assert _token_updates(captured) == 0
        token.refresh_from_db()
        assert token.last_used_at == start
    later = start + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/tokens").status_code == 200
            assert api.get("/api/v1/tokens").status_code == 200
        assert _token_updates(captured) == 1
        token.refresh_from_db()
        assert token.last_used_at == later
