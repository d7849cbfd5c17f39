"""Webhooks against a real HTTP receiver on 127.0.0.1: signed, retried, logged, re-sendable, refused where private."""

import json

import pytest
from django.db import transaction
from django.test import override_settings

from staffroom.clients.services import client_create, client_update
from staffroom.webhooks.models import WebhookDelivery, WebhookSubscription
from staffroom.webhooks.secret_box import secret_decrypt
from staffroom.webhooks.signing import SIGNATURE_HEADER, SignatureError, sign, verify_signature


def subscribe(api, url, events=("client.created", "client.changed")):
    response = api.post("/api/v1/webhooks", {"url": url, "events": list(events)}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_delivery_is_signed_and_verifies_with_the_secret_shown_once(
    owner, api_for, receiver, django_capture_on_commit_callbacks
):
    api = api_for(owner)
    created = subscribe(api, receiver.url)
    assert created["secret"].startswith("whsec_")
    assert "secret" not in api.get("/api/v1/webhooks").json()[0]
    stored = WebhookSubscription.objects.for_business(owner.business).get()
    assert created["secret"] not in stored.encrypted_secret

    with django_capture_on_commit_callbacks(execute=True):
        client = client_create(actor=owner, full_name="Nina Petrova")

    [request] = receiver.requests
    header = request["headers"][SIGNATURE_HEADER]
    verify_signature(created["secret"], request["body"], header)
    envelope = json.loads(request["body"])
    assert envelope["type"] == "client.created"
    assert envelope["data"]["id"] == client.pk
    assert request["headers"]["Staffroom-Event-Id"] == envelope["id"]
    with pytest.raises(SignatureError):
        verify_signature("whsec_wrong", request["body"], header)
    with pytest.raises(SignatureError):
        verify_signature(created["secret"], request["body"] + b" ", header)

    [delivery] = api.get(f"/api/v1/webhooks/{created['id']}/deliveries").json()
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 1
    assert delivery["attempt_log"][0]["status_code"] == 200
    assert delivery["attempt_log"][0]["response_milliseconds"] >= 0


def test_a_replayed_delivery_is_detected_by_its_timestamp():
    body = b'{"type":"client.created"}'
    header = sign("whsec_s", body, 1_700_000_000)
    assert verify_signature("whsec_s", body, header, tolerance=300, now=1_700_000_100) == 1_700_000_000
    with pytest.raises(SignatureError, match="tolerance"):
        verify_signature("whsec_s", body, header, tolerance=300, now=1_700_000_301)
    # The timestamp is signed: moving it forward breaks the signature.
    forged = header.replace("t=1700000000", "t=1700000301")
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature("whsec_s", body, forged, tolerance=300, now=1_700_000_301)
    with pytest.raises(SignatureError):
        verify_signature("whsec_s", body, "v1=abc")


def test_a_500_from_the_receiver_is_retried_and_each_attempt_logged(
    owner, api_for, receiver, django_capture_on_commit_callbacks
):
    created = subscribe(api_for(owner), receiver.url)
    receiver.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=owner, full_name="Nina Petrova")

    assert len(receiver.requests) == 3
    assert len({r["headers"]["Staffroom-Event-Id"] for r in receiver.requests}) == 1
    delivery = WebhookDelivery.objects.for_business(owner.business).get(subscription_id=created["id"])
    assert delivery.status == "delivered"
    assert delivery.attempts == 3
    assert [a.status_code for a in delivery.attempt_log.order_by("pk")] == [500, 503, 200]


def test_a_receiver_that_keeps_failing_is_given_up_on_after_the_retries(
    owner, api_for, receiver, django_capture_on_commit_callbacks
):
    subscribe(api_for(owner), receiver.url)
    receiver.statuses = [500] * 20
    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=owner, full_name="Nina Petrova")
    delivery = WebhookDelivery.objects.for_business(owner.business).get()
    assert delivery.status == "failed"
    assert delivery.attempts == 6  # the first attempt and five retries


def test_a_delivery_can_be_resent_by_hand(owner, api_for, receiver, django_capture_on_commit_callbacks):
    api = api_for(owner)
    created = subscribe(api, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        client = client_create(actor=owner, full_name="Nina Petrova")
    with django_capture_on_commit_callbacks(execute=True):
        client_update(actor=owner, client=client, full_name="Nina Ivanova")
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["client.created", "client.changed"]
    delivery = WebhookDelivery.objects.for_business(owner.business).get(event_type="client.changed")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/webhooks/{created['id']}/deliveries/{delivery.pk}/resend")
    assert response.status_code == 202
    assert len(receiver.requests) == 3
    assert receiver.requests[2]["body"] == receiver.requests[1]["body"]
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.status == "delivered"


def test_nothing_is_sent_for_events_not_subscribed(owner, api_for, receiver, django_capture_on_commit_callbacks):
    subscribe(api_for(owner), receiver.url, events=["payment.taken"])
    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=owner, full_name="Nina Petrova")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.for_business(owner.business).exists()


def test_nothing_is_sent_when_the_service_rolls_back(owner, api_for, receiver, django_capture_on_commit_callbacks):
    subscribe(api_for(owner), receiver.url)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        client_create(actor=owner, full_name="Nina Petrova")
        raise RuntimeError("the caller fails after the service")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.for_business(owner.business).exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://0.0.0.0/hooks",
        "https://240.0.0.1/hooks",
        "http://93.184.216.34/hooks",
        "ftp://93.184.216.34/hooks",
        "https://user:pass@93.184.216.34/hooks",
    ],
)
def test_private_loopback_and_plain_http_targets_are_refused_in_production(owner, api_for, url):
    with override_settings(WEBHOOKS_ALLOW_LOOPBACK=False):
        response = api_for(owner).post(
            "/api/v1/webhooks", {"url": url, "events": ["client.created"]}, content_type="application/json"
        )
    assert response.status_code == 422
    assert "url" in response.json()["errors"]
    assert not WebhookSubscription.objects.for_business(owner.business).exists()


def test_a_public_https_address_is_accepted_in_production(owner, api_for):
    with override_settings(WEBHOOKS_ALLOW_LOOPBACK=False):
        response = api_for(owner).post(
            "/api/v1/webhooks",
            {"url": "https://93.184.216.34/hooks", "events": ["client.created"]},
            content_type="application/json",
        )
    assert response.status_code == 201


def test_a_target_that_became_private_is_refused_at_delivery_time(
    owner, api_for, receiver, django_capture_on_commit_callbacks
):
    subscribe(api_for(owner), receiver.url)
    with override_settings(WEBHOOKS_ALLOW_LOOPBACK=False), django_capture_on_commit_callbacks(execute=True):
        client_create(actor=owner, full_name="Nina Petrova")
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.for_business(owner.business).get()
    assert delivery.status == "failed"
    assert delivery.attempt_log.first().status_code is None
    assert delivery.attempt_log.first().error  # the reason it was refused (here: plain http in production)


@pytest.mark.parametrize(
    "payload",
    [
        {"url": "https://93.184.216.34/", "events": []},
        {"url": "https://93.184.216.34/", "events": ["client.deleted"]},
        {"url": "https://93.184.216.34/"},
    ],
)
def test_bad_subscriptions_answer_422_with_field_errors(owner, api_for, payload):
    response = api_for(owner).post("/api/v1/webhooks", payload, content_type="application/json")
    assert response.status_code == 422
    assert any(field.startswith("events") for field in response.json()["errors"])
    assert not WebhookSubscription.objects.for_business(owner.business).exists()


def test_permission_matrix(owner, administrator, api_for, anonymous, receiver):
    body = {"url": receiver.url, "events": ["client.created"]}
    assert anonymous.post("/api/v1/webhooks", body, content_type="application/json").status_code == 401
    assert anonymous.get("/api/v1/webhooks").status_code == 401
    assert api_for(administrator).post("/api/v1/webhooks", body, content_type="application/json").status_code == 403
    assert api_for(administrator).get("/api/v1/webhooks").status_code == 403
    assert not WebhookSubscription.objects.for_business(owner.business).exists()
    created = subscribe(api_for(owner), receiver.url)
    assert api_for(administrator).delete(f"/api/v1/webhooks/{created['id']}").status_code == 403
    assert WebhookSubscription.objects.for_business(owner.business).count() == 1
    assert api_for(owner).delete(f"/api/v1/webhooks/{created['id']}").status_code == 204
    assert not WebhookSubscription.objects.for_business(owner.business).exists()


def test_another_business_sees_none_of_it(owner, outsider, api_for, receiver, django_capture_on_commit_callbacks):
    created = subscribe(api_for(owner), receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=owner, full_name="Nina Petrova")
    delivery = WebhookDelivery.objects.for_business(owner.business).get()
    foreign = api_for(outsider.business.owner)
    assert foreign.get("/api/v1/webhooks").json() == []
    assert foreign.get(f"/api/v1/webhooks/{created['id']}/deliveries").status_code == 404
    assert foreign.post(f"/api/v1/webhooks/{created['id']}/deliveries/{delivery.pk}/resend").status_code == 404
    assert foreign.delete(f"/api/v1/webhooks/{created['id']}").status_code == 404
    assert foreign.get(f"/api/v1/webhooks/{created['id']}").status_code == 404
    assert foreign.patch(f"/api/v1/webhooks/{created['id']}", {}, content_type="application/json").status_code == 404
    assert foreign.post(f"/api/v1/webhooks/{created['id']}/secret").status_code == 404
    assert WebhookSubscription.objects.for_business(owner.business).count() == 1
    assert len(receiver.requests) == 1
    # Events of the other business do not reach this one's receiver.
    with django_capture_on_commit_callbacks(execute=True):
        client_create(actor=outsider.business.owner, full_name="Olga Other")
    assert len(receiver.requests) == 1


def test_read_change_pause_and_rotate_through_the_api(owner, administrator, api_for, receiver):
    api = api_for(owner)
    created = subscribe(api, receiver.url)
    path = f"/api/v1/webhooks/{created['id']}"
    assert api.get(path).json()["events"] == ["client.changed", "client.created"]
    response = api.patch(path, {"events": ["payment.taken"], "is_active": False}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["events"], response.json()["is_active"]) == (["payment.taken"], False)
    with override_settings(WEBHOOKS_ALLOW_LOOPBACK=False):
        refused = api.patch(path, {"url": "https://10.0.0.1/"}, content_type="application/json")
    assert refused.status_code == 422 and "url" in refused.json()["errors"]
    assert api.get(path).json()["url"] == receiver.url
    assert api_for(administrator).patch(path, {"is_active": True}, content_type="application/json").status_code == 403
    assert api.get(path).json()["is_active"] is False

    rotated = api.post(f"{path}/secret")
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_") and rotated.json()["secret"] != created["secret"]
    assert "secret" not in api.get(path).json()
    stored = WebhookSubscription.objects.for_business(owner.business).get()
    assert secret_decrypt(stored.encrypted_secret) == rotated.json()["secret"]
