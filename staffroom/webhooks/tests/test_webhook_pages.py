"""The webhook settings pages: who may use them, one business never reaching another's, bad input refused with the
API's messages and nothing changed, every change through the services (security log included)."""

import pytest
from django.test import override_settings

from staffroom.clients.services import client_create
from staffroom.security.models import SecurityEvent
from staffroom.staff.models import Role
from staffroom.staff.services import employee_create, invitation_accept
from staffroom.staff.tests.factories import PASSWORD
from staffroom.webhooks.models import WebhookDelivery, WebhookSubscription
from staffroom.webhooks.secret_box import secret_decrypt
from staffroom.webhooks.signing import SIGNATURE_HEADER, verify_signature


def _keeper_role(business):
    """The least a role needs to manage webhooks: changing business settings, nothing else."""
    return Role.objects.create(business=business, name="Webhook keeper", permissions=["settings.manage"])


@pytest.fixture
def keeper(business, other_business, owner, outsider):
    """One person with the least privileged role that may manage webhooks, in business A and (invited) in B."""
    in_a = employee_create(
        actor=owner,
        full_name="Kit Keeper",
        role=_keeper_role(business),
        login_email="kit@example.test",
        password=PASSWORD,
    )
    in_b = employee_create(
        actor=outsider, full_name="Kit in B", role=_keeper_role(other_business), login_email="kit@example.test"
    )
    in_b = invitation_accept(person=in_a.person, invitation_id=in_b.invitation.pk)
    return in_a, in_b


def _create(browser, url, events=("client.created",), description=""):
    return browser.post("/settings/webhooks/new/", {"url": url, "events": list(events), "description": description})


def _events(business, event_type):
    return list(SecurityEvent.objects.for_business(business).filter(event_type=event_type))


def test_the_least_role_that_may_subscribes_sees_the_secret_once_and_it_signs(
    keeper, client_for, receiver, django_capture_on_commit_callbacks
):
    in_a, _in_b = keeper
    browser = client_for(in_a)
    assert "/settings/webhooks/" in browser.get("/").content.decode()  # in the menu
    response = _create(browser, receiver.url, events=["client.created", "client.changed"], description="CRM")
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.for_business(in_a.business).get()
    secret = secret_decrypt(subscription.encrypted_secret)
    page = response.content.decode()
    assert secret in page and 'data-testid="webhook-secret"' in page
    assert subscription.events == ["client.changed", "client.created"]
    assert subscription.description == "CRM"
    assert [e.actor_id for e in _events(in_a.business, "webhook.subscribed")] == [in_a.pk]
    # Shown once: neither the list nor the webhook's page shows it again.
    assert secret not in browser.get("/settings/webhooks/").content.decode()
    assert secret not in browser.get(f"/settings/webhooks/{subscription.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=in_a.business.owner, full_name="Nina Petrova")
    [request] = receiver.requests
    verify_signature(secret, request["body"], request["headers"][SIGNATURE_HEADER])


def test_a_role_without_the_permission_gets_the_refusal_page_and_changes_nothing(
    business, owner, administrator, client_for, receiver
):
    subscription = _subscribed(owner, receiver.url)
    browser = client_for(administrator)  # the broadest built-in role short of the owner: no settings.manage
    assert "/settings/webhooks/" not in browser.get("/").content.decode()
    for url in ("/settings/webhooks/", "/settings/webhooks/new/", f"/settings/webhooks/{subscription.pk}/"):
        assert browser.get(url).status_code == 403
    assert _create(browser, receiver.url).status_code == 403
    for action in ("active", "secret", "delete"):
        assert (
            browser.post(f"/settings/webhooks/{subscription.pk}/{action}/", {"is_active": "false"}).status_code == 403
        )
    assert WebhookSubscription.objects.for_business(business).get().is_active
    assert WebhookSubscription.objects.for_business(business).get().encrypted_secret == subscription.encrypted_secret


def _subscribed(actor, url, events=("client.created",)):
    from staffroom.webhooks.services import webhook_subscription_create

    subscription, _secret = webhook_subscription_create(actor=actor, url=url, events=list(events))
    return subscription


def test_the_same_person_in_another_business_sees_none_of_the_first_ones_webhooks(
    keeper, client_for, receiver, django_capture_on_commit_callbacks
):
    in_a, in_b = keeper
    subscription = _subscribed(in_a, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=in_a.business.owner, full_name="Nina Petrova")
    delivery = WebhookDelivery.objects.for_business(in_a.business).get()
    browser = client_for(in_b)  # signed in, business B chosen
    assert receiver.url not in browser.get("/settings/webhooks/").content.decode()
    base = f"/settings/webhooks/{subscription.pk}"
    assert browser.get(f"{base}/").status_code == 404
    assert browser.post(f"{base}/", {"url": "https://93.184.216.34/", "events": ["client.created"]}).status_code == 404
    assert browser.post(f"{base}/active/", {"is_active": "false"}).status_code == 404
    assert browser.post(f"{base}/secret/").status_code == 404
    assert browser.post(f"{base}/delete/").status_code == 404
    assert browser.post(f"{base}/deliveries/{delivery.pk}/resend/").status_code == 404
    unchanged = WebhookSubscription.objects.for_business(in_a.business).get()
    assert (unchanged.url, unchanged.is_active, unchanged.encrypted_secret) == (
        receiver.url,
        True,
        subscription.encrypted_secret,
    )
    assert len(receiver.requests) == 1
    assert not SecurityEvent.objects.for_business(in_b.business).filter(event_type__startswith="webhook.").exists()
    # And in business A the same person reaches it.
    assert client_for(in_a).get(f"{base}/").status_code == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://10.1.2.3/hooks", "Webhooks cannot be sent to private, loopback or reserved addresses."),
        ("https://localhost/hooks", "Webhooks cannot be sent to private, loopback or reserved addresses."),
        ("http://93.184.216.34/hooks", "A webhook URL must start with https://."),
    ],
)
def test_a_refused_address_shows_the_apis_message_and_changes_nothing(owner, client_for, api_for, url, message):
    data = {"url": url, "events": ["client.created"]}
    with override_settings(WEBHOOKS_ALLOW_LOOPBACK=False):
        page = client_for(owner).post("/settings/webhooks/new/", data)
        api = api_for(owner).post("/api/v1/webhooks", data, content_type="application/json")
    assert page.status_code == 200
    assert message in page.content.decode()
    assert api.status_code == 422 and api.json()["errors"]["url"] == [message]
    assert not WebhookSubscription.objects.for_business(owner.business).exists()
    assert not _events(owner.business, "webhook.subscribed")


@pytest.mark.parametrize(
    ("events", "message"), [([], "Choose at least one event."), (["client.deleted"], "Unknown events: client.deleted.")]
)
def test_bad_events_show_a_message_and_change_nothing(owner, client_for, events, message):
    page = client_for(owner).post("/settings/webhooks/new/", {"url": "https://93.184.216.34/hooks", "events": events})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not WebhookSubscription.objects.for_business(owner.business).exists()


def test_a_bad_edit_changes_nothing(owner, client_for, receiver):
    subscription = _subscribed(owner, receiver.url)
    with override_settings(WEBHOOKS_ALLOW_LOOPBACK=False):
        page = client_for(owner).post(
            f"/settings/webhooks/{subscription.pk}/",
            {"url": "https://192.168.0.10/", "events": ["payment.taken"], "description": "changed"},
        )
    assert page.status_code == 200
    assert "private, loopback or reserved" in page.content.decode()
    subscription.refresh_from_db()
    assert (subscription.url, subscription.events, subscription.description) == (receiver.url, ["client.created"], "")
    assert not _events(owner.business, "webhook.changed")


def test_edit_pause_resume_rotate_and_delete_are_logged(
    owner, client_for, receiver, django_capture_on_commit_callbacks
):
    subscription = _subscribed(owner, receiver.url)
    browser = client_for(owner)
    base = f"/settings/webhooks/{subscription.pk}"
    response = browser.post(f"{base}/", {"url": receiver.url, "events": ["client.changed"], "description": "CRM"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.events, subscription.description) == (["client.changed"], "CRM")
    [changed] = _events(owner.business, "webhook.changed")
    assert changed.after == {"events": ["client.changed"]}

    assert browser.post(f"{base}/active/", {"is_active": "false"}).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    with django_capture_on_commit_callbacks(execute=True):
        client = client_create(actor=owner, full_name="Nina Petrova")
        from staffroom.clients.services import client_update

        client_update(actor=owner, client=client, full_name="Nina Ivanova")
    assert receiver.requests == []  # paused: nothing sent
    assert browser.post(f"{base}/active/", {"is_active": "true"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active
    assert len(_events(owner.business, "webhook.paused")) == len(_events(owner.business, "webhook.resumed")) == 1

    old_secret = secret_decrypt(subscription.encrypted_secret)
    response = browser.post(f"{base}/secret/")
    subscription.refresh_from_db()
    new_secret = secret_decrypt(subscription.encrypted_secret)
    assert new_secret != old_secret and new_secret in response.content.decode()
    assert len(_events(owner.business, "webhook.secret_rotated")) == 1

    assert browser.post(f"{base}/delete/").status_code == 302
    assert not WebhookSubscription.objects.for_business(owner.business).exists()
    assert len(_events(owner.business, "webhook.unsubscribed")) == 1


def test_the_delivery_log_shows_status_time_attempts_next_retry_and_resends(
    owner, client_for, receiver, django_capture_on_commit_callbacks
):
    subscription = _subscribed(owner, receiver.url)
    receiver.statuses = [500] * 6
    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=owner, full_name="Nina Petrova")
    delivery = WebhookDelivery.objects.for_business(owner.business).get()
    assert delivery.attempts == 6 and delivery.status == "failed"
    assert delivery.next_attempt_at is None  # given up after the last retry
    browser = client_for(owner)
    page = browser.get(f"/settings/webhooks/{subscription.pk}/").content.decode()
    assert f'data-delivery="{delivery.pk}"' in page and ">500<" in page and " ms<" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/settings/webhooks/{subscription.pk}/deliveries/{delivery.pk}/resend/", HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    row = response.content.decode().lstrip()
    assert row.startswith(f'<tr data-delivery="{delivery.pk}"')  # htmx swaps the row, shown pending
    assert "Pending" in row
    assert len(_events(owner.business, "webhook.resent")) == 1
    assert len(receiver.requests) == 7  # six failed, then the re-send after the request's commit
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 7)
    page = browser.get(f"/settings/webhooks/{subscription.pk}/").content.decode()
    assert ">200<" in page


def test_retries_back_off_exponentially_up_to_an_hour():
    from staffroom.webhooks.tasks import retry_countdown

    assert [retry_countdown(n) for n in range(5)] == [30, 60, 120, 240, 480]
    assert retry_countdown(10) == 3600


def test_a_failed_attempt_keeps_when_the_next_one_is_due(owner, receiver, django_capture_on_commit_callbacks):
    from staffroom.webhooks.services import webhook_delivery_attempt

    _subscribed(owner, receiver.url)
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=False):
        client_create(actor=owner, full_name="Nina Petrova")
    delivery = WebhookDelivery.objects.for_business(owner.business).get()
    assert webhook_delivery_attempt(delivery=delivery, retry_in=120) is False
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.next_attempt_at is not None
    last = delivery.attempt_log.get()
    assert 119 <= (delivery.next_attempt_at - last.attempted_at).total_seconds() <= 121
    assert webhook_delivery_attempt(delivery=delivery, retry_in=240) is True
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.next_attempt_at is None
