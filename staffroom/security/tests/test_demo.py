"""The demo gives the Security section something to show, once."""

from staffroom.core.demodata import load_demo
from staffroom.security.models import SecurityEvent
from staffroom.staff.models import EmployeeStatus

SHOWN = ("sign_in.succeeded", "sign_in.failed", "employee.blocked", "employee.unblocked")


def test_demo_security_activity_is_there_once_and_leaves_everyone_active(db):
    context = load_demo()
    business = context["business"]

    def counts():
        events = SecurityEvent.objects.for_business(business)
        return {event_type: events.filter(event_type=event_type).count() for event_type in SHOWN}

    first = counts()
    assert all(first.values()), first
    failed = SecurityEvent.objects.for_business(business).get(event_type="sign_in.failed")
    assert failed.ip_address == "192.0.2.77" and "Firefox" in failed.device
    load_demo()
    assert counts() == first
    context["employees"]["viewer"].refresh_from_db()
    assert context["employees"]["viewer"].status == EmployeeStatus.ACTIVE
