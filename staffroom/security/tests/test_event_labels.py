"""Security event codes are shown by their names in the reader's language; the codes stay for filters and machines."""

import re
from pathlib import Path

from django.conf import settings

from staffroom.security.labels import EVENT_TYPE_LABELS, event_type_label
from staffroom.security.services import security_event_record

SOURCE = Path(settings.BASE_DIR) / "staffroom"
# `event_type="…"` and the support console's `_platform_event("…", …)`, which records through the same chain.
LITERAL_EVENT = re.compile(r'(?:event_type=|_platform_event\(\s*)"([a-z_]+(?:\.[a-z_]+)?)"')


def test_every_event_type_the_code_records_has_a_name():
    recorded = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        recorded |= set(LITERAL_EVENT.findall(path.read_text(encoding="utf-8")))
    assert recorded and sorted(recorded - set(EVENT_TYPE_LABELS)) == []


def test_an_unknown_code_is_shown_as_it_is():
    assert event_type_label("plugin.did_something") == "plugin.did_something"
    assert event_type_label("sign_in.succeeded") == "Signed in"


def test_the_log_page_names_events_and_keeps_the_code_at_hand(owner, business, client_for):
    security_event_record(event_type="billing.seats_changed", actor=owner, after={"paid": 2})
    page = client_for(owner).get("/security/").content.decode()
    assert '<span title="billing.seats_changed">Paid seats changed</span>' in page
