"""Demo security activity: sign-ins from several devices, a failed attempt, a block and unblock, through the real code."""

from staffroom.core.context import RequestMeta, request_meta
from staffroom.staff.services import employee_block, employee_unblock

from .authentication import record_for_person
from .models import SecurityEvent

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


def load(context: dict) -> None:
    business, employees = context["business"], context["employees"]
    if SecurityEvent.objects.for_business(business).filter(event_type="sign_in.failed").exists():
        return
    owner, administrator, viewer = employees["owner"], employees["administrator"], employees["viewer"]
    # Addresses from the documentation ranges (RFC 5737): the demo names no real network.
    with request_meta(RequestMeta(ip_address="203.0.113.10", user_agent=CHROME_WINDOWS)):
        record_for_person(
            person=owner.person, event_type="sign_in.succeeded", as_actor=True, after={"new_device": False}
        )
    with request_meta(RequestMeta(ip_address="198.51.100.24", user_agent=SAFARI_IPHONE)):
        record_for_person(
            person=administrator.person, event_type="sign_in.succeeded", as_actor=True, after={"new_device": True}
        )
    with request_meta(RequestMeta(ip_address="192.0.2.77", user_agent=FIREFOX_LINUX)):
        record_for_person(
            person=administrator.person,
            event_type="sign_in.failed",
            outcome="failure",
            after={"step": "password", "failures": 1},
        )
    with request_meta(RequestMeta(ip_address="203.0.113.10", user_agent=CHROME_WINDOWS)):
        employee_block(actor=owner, employee=viewer)
        employee_unblock(actor=owner, employee=viewer)
