"""SECURITY.md 34: platform staff (operator console, support desk) enrol a second factor first; actions are logged."""

from django.test import Client

from staffroom.security.models import SecurityEvent
from staffroom.staff.tests.factories import PersonFactory
from staffroom.support.models import AgentRole, SupportAgent
from staffroom.tenancy.models import Business

from .helpers import enrol_totp

TWO_FACTOR = "/security/two-factor/"


def _signed_in(person) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(person)
    return client


def test_an_operator_without_a_second_factor_is_sent_to_enrolment_first(db):
    operator = PersonFactory(is_staff=True, is_superuser=True)
    client = _signed_in(operator)
    for path in ("/operator/", "/operator/tenancy/business/", "/operator/tenancy/business/add/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR, path
    before = Business.objects.count()
    client.post("/operator/tenancy/business/add/", {"name": "Sneaky"})
    assert Business.objects.count() == before
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200  # enrolment itself is open to platform staff
    assert client.get("/accounts/2fa/totp/activate/").status_code in (200, 302)
    enrol_totp(operator)
    assert client.get("/operator/").status_code == 200


def test_a_support_agent_without_a_second_factor_gets_nothing_from_the_desk(db):
    person = PersonFactory(is_staff=True)
    SupportAgent.objects.create(person=person, role=AgentRole.SUPERVISOR)
    client = _signed_in(person)
    for path in ("/support-desk/", "/support-desk/report/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR, path
    assert client.get("/api/v1/support-desk/tickets").status_code == 403
    enrol_totp(person)
    assert client.get("/support-desk/").status_code == 200
    assert client.get("/api/v1/support-desk/tickets").status_code == 200


def test_operator_console_actions_are_security_events_in_the_business_they_touch(db):
    operator = PersonFactory(is_staff=True, is_superuser=True)
    enrol_totp(operator)
    client = _signed_in(operator)
    response = client.post(
        "/operator/tenancy/business/add/",
        {
            "name": "Lisbon Nails",
            "time_zone": "Europe/Lisbon",
            "currency": "EUR",
            "locale": "en",
            "country": "PT",
            "owner_name": "Ana Silva",
            "owner_email": "ana@example.test",
            "branch_names": "Baixa",
        },
    )
    assert response.status_code == 302, response.content
    business = Business.objects.get(name="Lisbon Nails")
    added = SecurityEvent.objects.for_business(business).get(event_type="operator.added")
    assert added.person_id == operator.pk and added.after["operator"] == operator.email
    response = client.post(
        f"/operator/tenancy/business/{business.pk}/change/",
        {
            "name": "Lisbon Nails & Spa",
            "time_zone": "Europe/Lisbon",
            "currency": "EUR",
            "locale": "en",
            "country": "PT",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    changed = SecurityEvent.objects.for_business(business).get(event_type="operator.changed")
    assert changed.person_id == operator.pk
    from staffroom.security.chain import chain_verify

    assert chain_verify(str(business.pk)).is_intact


def test_platform_support_lifts_a_persons_sign_in_lock_and_it_is_logged(owner):
    from staffroom.security.models import SignInGuard

    operator = PersonFactory(is_staff=True, is_superuser=True)
    enrol_totp(operator)
    SignInGuard.objects.create(person=owner.person, consecutive_failures=50, locked_at="2026-03-01T10:00:00Z")
    response = _signed_in(operator).post(
        "/operator/identity/person/", {"action": "lift_sign_in_lock", "_selected_action": [owner.person.pk]}
    )
    assert response.status_code == 302
    assert SignInGuard.objects.get(person=owner.person).locked_at is None
    event = SecurityEvent.objects.for_business(owner.business).get(event_type="sign_in.unlocked")
    assert event.after["operator"] == operator.email and event.after["reason"] == "platform_support"
