"""Client services: E.164 phones, soft delete and owner-only restore, merge, masking, one event per edit."""

import pytest

from staffroom.clients import services
from staffroom.clients.calculations import mask_email, mask_phone, normalize_phone
from staffroom.clients.models import Client
from staffroom.clients.selectors import client_search
from staffroom.core.errors import PermissionDenied, ValidationFailed
from staffroom.security.models import SecurityEvent
from staffroom.security.tests.helpers import reauthenticated


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("8 (916) 123-45-67", "RU", "+79161234567"),
        ("+7 916 123 45 67", "HU", "+79161234567"),
        ("06 30 123 4567", "HU", "+36301234567"),
        ("", "RU", ""),
    ],
)
def test_phones_are_normalized_to_e164_with_the_business_country(raw, region, expected):
    assert normalize_phone(raw, region) == expected


def test_masking():
    assert mask_phone("+79161234567") == "+7916•••••67"
    assert mask_email("anna@example.com") == "a•••@example.com"


def events(business, event_type):
    return SecurityEvent.objects.for_business(business).filter(event_type=event_type).count()


def test_create_update_delete_restore_each_write_one_event(business, administrator, owner):
    client = services.client_create(actor=administrator, full_name="Vera", phone="8 916 000 11 22", tags=["vip", "VIP"])
    assert client.phone == "+79160001122" and client.tags == ["vip"]
    services.client_update(actor=administrator, client=client, notes="Likes tea")
    services.client_update(actor=administrator, client=client, notes="Likes tea")  # no change, no event
    services.client_delete(actor=administrator, client=client)
    assert list(client_search(business, "vera")) == []
    with pytest.raises(PermissionDenied):
        services.client_restore(actor=administrator, client=client)
    services.client_restore(actor=owner, client=client)
    assert [c.pk for c in client_search(business, "vera")] == [client.pk]
    assert [events(business, t) for t in ("client.created", "client.updated", "client.deleted", "client.restored")] == [
        1,
        1,
        1,
        1,
    ]


def test_bad_phone_is_a_field_error_and_changes_nothing(business, administrator):
    with pytest.raises(ValidationFailed) as caught:
        services.client_create(actor=administrator, full_name="X", phone="12")
    assert "phone" in caught.value.errors
    assert Client.objects.for_business(business).count() == 0


def test_search_by_name_phone_and_email(business, administrator):
    client = services.client_create(
        actor=administrator, full_name="Olga Petrova", phone="+7 916 555 44 33", email="Olga@Example.com"
    )
    for query in ("petro", "555 44", "916555", "olga@exa"):
        assert [c.pk for c in client_search(business, query)] == [client.pk], query


def test_merge_moves_history_and_retires_the_duplicate(business, administrator):
    keep = services.client_create(actor=administrator, full_name="Ivan", phone="+79160000001")
    duplicate = services.client_create(actor=administrator, full_name="Ivan I.", email="ivan@example.com", tags=["new"])
    services.client_merge(actor=administrator, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.email == "ivan@example.com" and keep.tags == ["new"]
    assert duplicate.is_deleted and duplicate.merged_into_id == keep.pk


def test_contacts_are_masked_and_cannot_be_written_without_view_contacts(business, administrator, specialist):
    client = services.client_create(actor=administrator, full_name="Nina", phone="+79161234567")
    assert services.client_contacts_for(specialist, client)["phone"] == "+7916•••••67"
    assert services.client_contacts_for(administrator, client)["phone"] == "+79161234567"


def test_export_needs_the_permission_and_is_logged(business, administrator, marketer):
    services.client_create(actor=administrator, full_name="Eva", phone="+79161234567")
    with pytest.raises(PermissionDenied):
        services.clients_export_csv(actor=administrator, clients=Client.objects.for_business(business))
    text = services.clients_export_csv(actor=marketer, clients=Client.objects.for_business(business))
    assert "+79161234567" in text
    assert events(business, "client.exported") == 1


def test_search_by_tag_and_deleted_clients_stay_out(business, administrator):
    vip = services.client_create(actor=administrator, full_name="Vip Person", tags=["VIP", "regular"])
    services.client_create(actor=administrator, full_name="Vipa Nottagged", tags=["vipish"])
    assert [c.pk for c in client_search(business, tag="vip")] == [vip.pk]
    services.client_delete(actor=administrator, client=vip)
    assert list(client_search(business, tag="vip")) == []
    assert [c.pk for c in client_search(business, tag="vip", include_deleted=True)] == [vip.pk]


def test_export_page_masks_like_the_api_and_is_logged(business, administrator, specialist, client_for):
    from staffroom.staff.models import Role

    services.client_create(actor=administrator, full_name="Eva", phone="+79161234567")
    specialist.role = Role.objects.create(
        business=business, name="Exporter", permissions=["clients.view", "clients.export"]
    )
    specialist.save()
    response = reauthenticated(client_for(specialist)).get("/clients/export.csv")
    text = response.content.decode()
    assert response.status_code == 200 and "+7916•••••67" in text and "+79161234567" not in text
    assert events(business, "client.exported") == 1
    assert reauthenticated(client_for(administrator)).get("/clients/export.csv").status_code == 403
