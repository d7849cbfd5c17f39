"""Health, readiness and metrics: what a load balancer and Prometheus see, and what the public does not."""

from unittest import mock

import pytest
from django.test import override_settings

from staffroom.identity.models import Person

pytestmark = pytest.mark.django_db


def test_liveness_and_readiness_answer(client):
    assert client.get("/health/live/").json() == {"status": "ok"}
    ready = client.get("/health/ready/")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"Database": "ok", "Cache": "ok", "Broker": "ok", "MigrationsApplied": "ok"}


def test_readiness_fails_when_a_migration_is_missing(client):
    with mock.patch("staffroom.runtime.health.MigrationExecutor") as executor:
        executor.return_value.migration_plan.return_value = [("app", "0002")]
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert "Migrations are not applied" in response.json()["checks"]["MigrationsApplied"]


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readiness_fails_when_the_broker_is_unreachable(client):
    response = client.get("/health/ready/")
    assert response.status_code == 503 and "Broker unreachable" in response.json()["checks"]["Broker"]


@override_settings(METRICS_TOKEN="scrape-secret")
def test_metrics_are_for_the_scraper_and_platform_staff_only(client, owner, client_for):
    client.get("/health/live/")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client_for(owner).get("/metrics").status_code == 404  # a business owner is not platform staff
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_responses_total_by_status_view_method_total" in body
    assert "staffroom_task_failures_open" in body

    staff = Person.objects.create_user(email="operator@example.com", password="a-long-password-1", is_staff=True)
    client.force_login(staff)
    assert client.get("/metrics").status_code == 200
