"""Exports through the background queue: requested, built by the task after commit, listed, downloaded by the one
who asked (in that business only, while they may still export it), announced by e-mail, purged when expired."""

import dataclasses
import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from staffroom.clients import services as client_services
from staffroom.core.exports import export_kind
from staffroom.core.testing import database_fingerprint
from staffroom.exports import services
from staffroom.exports.models import Export, ExportStatus
from staffroom.exports.tasks import export_build, exports_purge_expired
from staffroom.runtime.models import TaskFailure
from staffroom.security.models import SecurityEvent
from staffroom.security.tests.helpers import reauthenticated
from staffroom.staff.models import Employee, EmployeeStatus
from staffroom.staff.tests.factories import make_business, make_employee, role_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients_of(business, owner):
    for name in ("Anna Client", "Boris Client", "=Formula Client"):
        client_services.client_create(actor=owner, full_name=name, phone="", email="")
    return business


def _exported_events(business, event_type="client.exported"):
    return SecurityEvent.objects.for_business(business).filter(event_type=event_type).count()


def test_a_small_export_is_built_in_the_request_and_a_large_one_in_the_background(
    settings, clients_of, marketer, client_for, django_capture_on_commit_callbacks
):
    page = reauthenticated(client_for(marketer))
    settings.EXPORT_BACKGROUND_ROWS = 100
    inline = page.get(reverse("clients:export"))
    assert inline.status_code == 200 and inline["Content-Type"].startswith("text/csv")
    assert not Export.objects.for_business(marketer.business).exists()

    settings.EXPORT_BACKGROUND_ROWS = 3  # three clients: from this many rows on, the queue
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queued = page.get(reverse("clients:export"))
    assert queued.status_code == 302 and queued.url == reverse("exports:list")
    export = Export.objects.for_business(marketer.business).get()
    assert (export.status, export.requested_by, export.kind, export.rows) == (
        ExportStatus.READY,
        marketer,
        "clients",
        3,
    )
    assert export.expires_at == export.finished_at + dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)

    listing = page.get(reverse("exports:list")).content.decode()
    download_url = reverse("exports:download", args=[export.pk])
    assert f'data-export="{export.pk}"' in listing and download_url in listing
    downloaded = page.get(download_url)
    assert downloaded.status_code == 200 and 'filename="clients.csv"' in downloaded["Content-Disposition"]
    # The same content as the export built in the request (its creation time and masks included).
    assert b"".join(downloaded.streaming_content) == inline.content
    assert _exported_events(marketer.business) == 2
    # The e-mail goes to the person who asked, once, with the way to the file.
    [message] = mail.outbox
    assert message.to == [marketer.person.email] and reverse("exports:list") in message.body


def test_the_api_answers_202_with_the_job_and_serves_the_file_when_ready(
    background_exports, clients_of, marketer, api_for, django_capture_on_commit_callbacks
):
    api = api_for(marketer)
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.get("/api/v1/clients/export.csv?q=client")
    assert queued.status_code == 202
    body = queued.json()
    assert (body["kind"], body["format"]) == ("clients", "csv")
    detail = api.get(f"/api/v1/exports/{body['id']}").json()
    assert detail["status"] == "ready" and detail["rows"] == 3
    assert [row["id"] for row in api.get("/api/v1/exports").json()] == [body["id"]]
    downloaded = api.get(detail["download_url"])
    assert downloaded.status_code == 200
    assert b"Anna Client" in b"".join(downloaded.streaming_content)


def test_only_the_requester_in_that_business_gets_the_file(
    background_exports, clients_of, marketer, client_for, api_for, django_capture_on_commit_callbacks
):
    """One person works for two businesses with the same role; a colleague in the first holds the same rights."""
    other = make_business(name="Second Salon")
    same_person_there = Employee.objects.create(
        business=other, person=marketer.person, full_name=marketer.full_name, role=role_of(other, "marketer")
    )
    colleague = make_employee(marketer.business, "marketer", full_name="Colleague Marketer")
    with django_capture_on_commit_callbacks(execute=True):
        reauthenticated(client_for(marketer)).get(reverse("clients:export"))
    export = Export.objects.for_business(marketer.business).get()
    download_url = reverse("exports:download", args=[export.pk])

    for employee in (same_person_there, colleague):
        page = reauthenticated(client_for(employee))
        assert f'data-export="{export.pk}"' not in page.get(reverse("exports:list")).content.decode()
        assert page.get(download_url).status_code == 404
        api = api_for(employee)
        assert api.get("/api/v1/exports").json() == []
        assert api.get(f"/api/v1/exports/{export.pk}").status_code == 404
        assert api.get(f"/api/v1/exports/{export.pk}/download").status_code == 404
    assert not Export.objects.for_business(other).exists()
    assert reauthenticated(client_for(marketer)).get(download_url).status_code == 200


def test_a_role_without_the_export_permission_is_refused_and_nothing_is_queued(
    background_exports, clients_of, administrator, client_for, api_for
):
    page, api = reauthenticated(client_for(administrator)), api_for(administrator)
    before = database_fingerprint()
    assert page.get(reverse("clients:export")).status_code == 403
    assert api.get("/api/v1/clients/export.csv").status_code == 403
    assert database_fingerprint() == before


@pytest.mark.parametrize("ending", ["blocked", "permission removed", "login deactivated"])
def test_access_that_ended_before_the_task_runs_gets_nothing(
    background_exports, ending, business, clients_of, marketer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = services.export_start(actor=marketer, kind="clients", params={"q": ""})
    assert isinstance(export, Export) and export.status == ExportStatus.PENDING
    if ending == "blocked":
        Employee.objects.for_business(business).filter(pk=marketer.pk).update(status=EmployeeStatus.BLOCKED)
    elif ending == "permission removed":
        role = role_of(business, "marketer")
        role.permissions = [code for code in role.permissions if code != "clients.export"]
        role.save()
    else:
        marketer.person.is_active = False
        marketer.person.save()
    mail.outbox.clear()
    for callback in callbacks:
        callback()
    export.refresh_from_db()
    assert (export.status, bool(export.file), export.finished_at is not None) == (ExportStatus.FAILED, False, True)
    assert _exported_events(business) == 0 and mail.outbox == []


def test_a_file_is_no_longer_served_once_the_permission_is_gone(
    background_exports, business, clients_of, marketer, client_for, django_capture_on_commit_callbacks
):
    page = reauthenticated(client_for(marketer))
    with django_capture_on_commit_callbacks(execute=True):
        page.get(reverse("clients:export"))
    export = Export.objects.for_business(business).get(status=ExportStatus.READY)
    role = role_of(business, "marketer")
    role.permissions = [code for code in role.permissions if code != "clients.export"]
    role.save()
    assert page.get(reverse("exports:download", args=[export.pk])).status_code == 404
    assert f'data-export="{export.pk}"' not in page.get(reverse("exports:list")).content.decode()


def test_the_task_builds_once_however_often_it_runs(
    background_exports, business, clients_of, marketer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_start(actor=marketer, kind="clients", params={})
    mail.outbox.clear()
    assert export_build.apply(args=[export.pk]).get() == "already ready"
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.attempts == 1
    assert _exported_events(business) == 1 and mail.outbox == []


def test_a_build_that_keeps_failing_is_retried_then_marked_failed_and_kept_for_platform_staff(
    background_exports, business, clients_of, marketer, django_capture_on_commit_callbacks
):
    kind = export_kind("clients")
    calls = []

    def broken(actor, params):
        calls.append(params)
        raise OSError("disk full")

    with (
        mock.patch.dict("staffroom.core.exports._KINDS", {"clients": dataclasses.replace(kind, build=broken)}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        export = services.export_start(actor=marketer, kind="clients", params={})
    export.refresh_from_db()
    assert len(calls) == export_build.max_retries + 1
    assert (export.status, export.attempts, export.error) == (ExportStatus.FAILED, len(calls), "OSError")
    failure = TaskFailure.objects.get(task_name="exports.build")
    assert "OSError: disk full" in failure.exception
    assert _exported_events(business) == 0


def test_a_build_that_fails_once_is_retried_and_succeeds(
    background_exports, business, clients_of, marketer, django_capture_on_commit_callbacks
):
    kind = export_kind("clients")
    real_build, calls = kind.build, []

    def flaky(actor, params):
        calls.append(params)
        if len(calls) == 1:
            raise OSError("storage went away")
        return real_build(actor, params)

    with (
        mock.patch.dict("staffroom.core.exports._KINDS", {"clients": dataclasses.replace(kind, build=flaky)}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        export = services.export_start(actor=marketer, kind="clients", params={})
    export.refresh_from_db()
    assert (export.status, export.attempts, len(calls)) == (ExportStatus.READY, 2, 2)
    assert not TaskFailure.objects.exists() and _exported_events(business) == 1


def test_expired_files_are_purged_and_fresh_ones_kept(
    background_exports, business, clients_of, marketer, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = services.export_start(actor=marketer, kind="clients", params={})
        fresh = services.export_start(actor=marketer, kind="clients", params={"q": "anna"})
    old.refresh_from_db()
    fresh.refresh_from_db()
    old_path = Path(old.file.path)
    Export.objects.for_business(business).filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert exports_purge_expired.apply().get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.file.name, old_path.exists()) == (ExportStatus.EXPIRED, "", False)
    assert fresh.status == ExportStatus.READY and Path(fresh.file.path).exists()
    page = reauthenticated(client_for(marketer))
    assert page.get(reverse("exports:download", args=[old.pk])).status_code == 404
    assert page.get(reverse("exports:download", args=[fresh.pk])).status_code == 200


def test_an_invalid_format_is_refused_before_anything_is_queued(background_exports, business, owner, api_for):
    api = api_for(owner)
    before = database_fingerprint()
    response = api.get("/api/v1/reports/kpi/export?start=2026-03-01&end=2026-03-31&format=pdf")
    assert response.status_code == 422 and "format" in response.json()["errors"]
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("url", "kind", "fmt"),
    [
        ("/api/v1/orders/export.csv?scope=all", "orders", "csv"),
        ("/api/v1/security/events/export?event_type=client.", "security_log", "csv"),
        ("/api/v1/reports/sales/export?start=2026-03-01&end=2026-03-31&format=xlsx", "sales_report", "xlsx"),
        ("/api/v1/reports/kpi/export?start=2026-03-01&end=2026-03-31", "kpi", "csv"),
        ("/api/v1/reports/sales-by-manager.csv?date_from=2026-03-01&date_to=2026-03-31", "sales_by_manager", "csv"),
    ],
)
def test_every_export_route_queues_through_the_same_mechanism(
    background_exports, url, kind, fmt, business, clients_of, owner, api_for, django_capture_on_commit_callbacks
):
    api = api_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.get(url)
    assert queued.status_code == 202, queued.content[:300]
    export = Export.objects.for_business(business).get(pk=queued.json()["id"])
    assert (export.kind, export.fmt, export.status, export.requested_by) == (kind, fmt, ExportStatus.READY, owner)
    content = b"".join(api.get(api.get(f"/api/v1/exports/{export.pk}").json()["download_url"]).streaming_content)
    assert content[:2] == b"PK" if fmt == "xlsx" else content.strip()
