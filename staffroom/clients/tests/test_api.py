"""Clients API: masked contacts in list, card, search and export alike; export needs its permission."""

import json

import pytest

from staffroom.clients import services
from staffroom.core.testing import database_fingerprint


@pytest.fixture
def nina(administrator):
    return services.client_create(
        actor=administrator, full_name="Nina Client", phone="+79161234567", email="nina@example.com"
    )


def test_masked_alike_in_list_card_search_and_export(business, nina, specialist, api_for):
    from staffroom.staff.models import Role

    # A role that may export but not see contacts: the export must mask too.
    role = Role.objects.create(business=business, name="Exporter", permissions=["clients.view", "clients.export"])
    specialist.role = role
    specialist.save()
    api = api_for(specialist)
    listed = api.get("/api/v1/clients").json()
    searched = api.get("/api/v1/clients?q=916123").json()
    card = api.get(f"/api/v1/clients/{nina.pk}").json()
    exported = api.get("/api/v1/clients/export.csv").content.decode()
    for row in (listed[0], searched[0], card):
        assert row["phone"] == "+7916•••••67" and row["email"] == "n•••@example.com"
    assert "+79161234567" not in exported and "+7916•••••67" in exported
    assert card["balance_due"] is None


def test_contacts_shown_with_the_permission(nina, administrator, api_for):
    assert api_for(administrator).get(f"/api/v1/clients/{nina.pk}").json()["phone"] == "+79161234567"


def test_writes_to_hidden_contacts_are_refused(business, nina, specialist, api_for):
    from staffroom.staff.models import Role

    role = Role.objects.create(business=business, name="Editor", permissions=["clients.view", "clients.edit"])
    specialist.role = role
    specialist.save()
    api = api_for(specialist)
    before = database_fingerprint()
    response = api.patch(
        f"/api/v1/clients/{nina.pk}", data=json.dumps({"phone": "+79990000000"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert database_fingerprint() == before


def test_export_without_permission_is_403(nina, administrator, api_for):
    api = api_for(administrator)
    before = database_fingerprint()
    assert api.get("/api/v1/clients/export.csv").status_code == 403
    assert database_fingerprint() == before


def test_create_edit_delete_restore_over_the_api(business, owner, api_for):
    api = api_for(owner)
    created = api.post(
        "/api/v1/clients",
        data=json.dumps({"full_name": "Zoe", "phone": "8 916 111 22 33"}),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["phone"] == "+79161112233"
    client_id = created.json()["id"]
    bad = api.patch(f"/api/v1/clients/{client_id}", data=json.dumps({"email": "nope"}), content_type="application/json")
    assert bad.status_code == 422 and "email" in bad.json()["errors"]
    assert api.delete(f"/api/v1/clients/{client_id}").status_code == 204
    assert api.get(f"/api/v1/clients/{client_id}").status_code == 404
    assert api.post(f"/api/v1/clients/{client_id}/restore").status_code == 200
