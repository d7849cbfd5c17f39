"""The API refuses what only lax parsing would accept: a one-object list for an object, 0/"0"/"false" for a boolean."""

import pytest

from staffroom.clients.models import Client


@pytest.mark.parametrize("value", [0, 1, "0", "1", "false", "true", "no", None])
def test_a_boolean_field_takes_a_json_boolean_only(owner, api_for, value):
    body = {"full_name": "Nina Petrova", "accepts_messages": value}
    response = api_for(owner).post("/api/v1/clients", body, content_type="application/json")
    assert response.status_code == 422
    assert "accepts_messages" in response.json()["errors"]
    assert not Client.objects.for_business(owner.business).exists()


def test_a_json_boolean_is_accepted(owner, api_for):
    body = {"full_name": "Nina Petrova", "accepts_messages": False}
    assert api_for(owner).post("/api/v1/clients", body, content_type="application/json").status_code == 201


def test_a_one_object_list_is_refused_where_an_object_is_expected(owner, api_for):
    body = [{"full_name": "Nina Petrova"}]
    response = api_for(owner).post("/api/v1/clients", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["Send an object here."]}
    assert not Client.objects.for_business(owner.business).exists()


@pytest.mark.parametrize("value", ["0", "1", "no", "False"])
def test_a_boolean_query_parameter_takes_true_or_false_only(owner, api_for, value):
    response = api_for(owner).get(f"/api/v1/clients?deleted={value}")
    assert response.status_code == 422
    assert "deleted" in response.json()["errors"]


def test_a_boolean_query_parameter_reads_true_and_false(owner, api_for):
    assert api_for(owner).get("/api/v1/clients?deleted=false").status_code == 200
    assert api_for(owner).get("/api/v1/clients?deleted=true").status_code == 200
