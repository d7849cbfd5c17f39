"""SECURITY.md 20–24: one event per critical action, escaping, the hash chain, verify, the Security section."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from staffroom.identity.services import api_token_create, api_token_revoke
from staffroom.security.models import SecurityEvent
from staffroom.security.services import security_event_record
from staffroom.staff.services import employee_block, employee_create, employee_unblock, employee_update
from staffroom.staff.tests.factories import PASSWORD, role_of

from .helpers import new_browser, password_step, reauthenticated


def business_events(business):
    return SecurityEvent.objects.for_business(business)


def types_written(business, action) -> list[str]:
    before = business_events(business).order_by("-sequence").values_list("sequence", flat=True).first() or 0
    action()
    return list(
        business_events(business).filter(sequence__gt=before).order_by("sequence").values_list("event_type", flat=True)
    )


def test_every_critical_action_writes_exactly_one_event(owner, business, administrator):
    viewer_role = role_of(business, "viewer")
    created = []
    assert types_written(
        business,
        lambda: created.append(
            employee_create(actor=owner, full_name="New Person", role=viewer_role, login_email="new@example.test")
        ),
    ) == ["employee.created"]
    employee = created[0]
    assert types_written(business, lambda: employee_update(actor=owner, employee=employee, phone="+100")) == [
        "employee.updated"
    ]
    manager_role = role_of(business, "manager")
    assert types_written(business, lambda: employee_update(actor=owner, employee=employee, role=manager_role)) == [
        "employee.role_changed"
    ]
    assert types_written(business, lambda: employee_block(actor=owner, employee=employee)) == ["employee.blocked"]
    assert types_written(business, lambda: employee_unblock(actor=owner, employee=employee)) == ["employee.unblocked"]
    tokens = []
    assert types_written(business, lambda: tokens.append(api_token_create(actor=owner, name="phone")[0])) == [
        "api_token.created"
    ]
    assert types_written(business, lambda: api_token_revoke(actor=owner, token=tokens[0])) == ["api_token.revoked"]
    client = new_browser()
    assert types_written(business, lambda: password_step(client, administrator)) == ["sign_in.succeeded"]
    assert types_written(business, lambda: client.post("/accounts/logout/")) == ["sign_out"]
    assert types_written(business, lambda: password_step(new_browser(), administrator, "wrong-password-1")) == [
        "sign_in.failed"
    ]


def test_two_factor_added_and_removed_in_allauth_views_are_logged_and_mailed(
    administrator, django_capture_on_commit_callbacks
):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from .helpers import totp_code

    client = new_browser()
    password_step(client, administrator)
    # A sign-in completed a moment ago counts as a recent authentication (test_reauthentication covers the window).
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    from allauth.core import context
    from django.test import RequestFactory

    # In a real request the mail goes out at commit, inside the request; the test replays that moment.
    with context.request_context(RequestFactory().get("/", HTTP_HOST="127.0.0.1")):
        for callback in callbacks:
            callback()
    events = business_events(administrator.business)
    assert events.filter(event_type="two_factor.added").count() == 1
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=administrator.person, type="totp")
    assert secret not in json.dumps(stored.data)  # encrypted at rest with a key outside the database
    from django.core import mail

    assert any(administrator.person.email in message.to for message in mail.outbox)
    # within the re-authentication window new recovery codes can be made
    assert client.post("/security/two-factor/recovery-codes/").status_code == 200
    sent_before = len(mail.outbox)
    client.post("/accounts/2fa/totp/deactivate/")
    assert events.filter(event_type="two_factor.removed").count() == 1
    assert len(mail.outbox) == sent_before + 1  # "a factor was removed" notice
    assert mail.outbox[-1].to == [administrator.person.email]


def test_a_user_agent_with_cr_lf_and_script_is_stored_as_data_and_rendered_inert(owner, administrator, client_for):
    evil = "Evil\r\nX-Injected: 1 <script>alert(1)</script>"
    client = new_browser(HTTP_USER_AGENT=evil)
    password_step(client, administrator, "wrong-password-1")
    event = business_events(owner.business).get(event_type="sign_in.failed")
    assert event.user_agent == evil
    page = client_for(owner).get(f"/security/events/{event.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    export = reauthenticated(client_for(owner)).get("/security/export.csv")
    body = export.content.decode()
    assert "\r\nX-Injected" not in body and "\nX-Injected" not in body


def test_the_log_needs_its_permission_and_shows_only_this_business(owner, administrator, outsider, client_for):
    security_event_record(event_type="test.mine", actor=owner)
    security_event_record(event_type="test.theirs", actor=outsider)
    assert client_for(administrator).get("/security/").status_code == 403
    page = client_for(owner).get("/security/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "test.mine" in text and "test.theirs" not in text
    theirs = SecurityEvent.objects.for_business(outsider.business).get(event_type="test.theirs")
    assert client_for(owner).get(f"/security/events/{theirs.pk}/").status_code == 404


def test_reading_and_exporting_the_log_are_events(owner, client_for):
    client = client_for(owner)
    client.get("/security/?event_type=employee.")
    assert client.get("/security/export.csv")["Location"].startswith("/accounts/reauthenticate/")
    reauthenticated(client)
    viewed = business_events(owner.business).get(event_type="security_log.viewed")
    assert viewed.after == {"event_type": "employee."} and viewed.actor == owner
    response = client.get("/security/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "sequence"
    assert business_events(owner.business).filter(event_type="security_log.exported").count() == 1


def test_export_needs_its_own_permission(owner, business, client_for):
    from staffroom.staff.services import role_create

    role = role_create(actor=owner, name="Auditor", permissions=["security.view_log"])
    from staffroom.staff.tests.factories import make_employee

    auditor = make_employee(business, role=role)
    assert client_for(auditor).get("/security/").status_code == 200
    assert client_for(auditor).get("/security/export.csv").status_code == 403


def test_filters_and_keyset_pages(owner, administrator, client_for, branches):
    north = branches["North"]
    for number in range(60):
        security_event_record(event_type="test.bulk", actor=owner, branch=north if number % 2 else None)
    security_event_record(event_type="test.other", actor=administrator)
    client = client_for(owner)
    page = client.get("/security/?event_type=test.bulk")
    assert page.context["events"][0].event_type == "test.bulk" and len(page.context["events"]) == 50
    older = client.get(f"/security/?event_type=test.bulk&before={page.context['next_before']}")
    assert len(older.context["events"]) == 10 and older.context["next_before"] is None
    by_branch = client.get(f"/security/?branch={north.pk}")
    assert {event.branch_id for event in by_branch.context["events"]} == {north.pk}
    by_employee = client.get(f"/security/?employee={administrator.pk}")
    assert [event.event_type for event in by_employee.context["events"]] == ["test.other"]


def test_times_are_shown_in_the_business_time_zone(owner, client_for):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 2, 21, 30, tzinfo=dt.UTC), tick=False):
        security_event_record(event_type="test.late", actor=owner)
    page = client_for(owner).get("/security/?event_type=test.late").content.decode()
    assert "Mar 3, 2026, 12:30:00\u202fAM" in page  # Europe/Moscow is UTC+3


def test_passwords_and_codes_are_scrubbed_from_before_and_after(owner):
    event = security_event_record(
        event_type="test.secret", actor=owner, after={"password": PASSWORD, "code": "123456", "name": "ok"}
    )
    assert event.after == {"password": "[hidden]", "code": "[hidden]", "name": "ok"}


# --- the chain and verify ------------------------------------------------------------------------------------------


def verify(*args) -> str:
    out = io.StringIO()
    try:
        call_command("security_verify", *args, stdout=out)
    except CommandError:
        out.write("\nFAILED")
    return out.getvalue()


def _tamper(sql: str, params) -> None:
    with connection.cursor() as cursor:
        # The tamperer here is a database superuser, who can switch triggers off (run the app as a plain role).
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def chain(owner):
    events = [security_event_record(event_type=f"test.{n}", actor=owner) for n in range(5)]
    return owner.business, events


def test_an_intact_chain_verifies(chain):
    business, _events = chain
    assert f"chain {business.pk}: OK" in verify("--business", str(business.pk))


def test_an_edited_event_is_named(chain):
    business, events = chain
    _tamper("UPDATE security_securityevent SET object_label = %s WHERE id = %s", ["forged", events[2].pk])
    output = verify("--business", str(business.pk))
    assert f"BROKEN at event #{events[2].sequence} (id {events[2].pk})" in output and "FAILED" in output


def test_a_deleted_event_is_named(chain):
    business, events = chain
    _tamper("DELETE FROM security_securityevent WHERE id = %s", [events[2].pk])
    output = verify("--business", str(business.pk))
    assert f"BROKEN at event #{events[3].sequence}" in output and "missing" in output


def test_reordered_events_are_named(chain):
    business, events = chain
    first, second = events[1], events[2]
    _tamper("UPDATE security_securityevent SET sequence = -1 WHERE id = %s", [first.pk])
    _tamper("UPDATE security_securityevent SET sequence = %s WHERE id = %s", [first.sequence, second.pk])
    _tamper("UPDATE security_securityevent SET sequence = %s WHERE id = %s", [second.sequence, first.pk])
    output = verify("--business", str(business.pk))
    assert f"BROKEN at event #{first.sequence} (id {second.pk})" in output


def test_a_truncated_tail_is_found_against_the_checkpoint(chain, tmp_path):
    business, events = chain
    checkpoint = tmp_path / "checkpoints.json"
    assert "OK" in verify("--business", str(business.pk), "--export-checkpoints", str(checkpoint))
    _tamper("DELETE FROM security_securityevent WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    _tamper(
        "UPDATE security_chainhead SET last_sequence = %s WHERE chain_key = %s", [events[2].sequence, str(business.pk)]
    )
    output = verify("--business", str(business.pk), "--checkpoints", str(checkpoint))
    assert "BROKEN" in output and f"#{events[4].sequence}" in output


def test_a_forged_checkpoint_is_refused(chain, tmp_path):
    _business, _events = chain
    checkpoint = tmp_path / "checkpoints.json"
    verify("--export-checkpoints", str(checkpoint))
    data = json.loads(checkpoint.read_text())
    data[0]["sequence"] = 1
    checkpoint.write_text(json.dumps(data))
    assert "FAILED" in verify("--checkpoints", str(checkpoint))


@pytest.mark.postgres_only
def test_postgresql_refuses_update_and_delete_of_events(chain):
    from django.db import DatabaseError

    _business, events = chain
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.unscoped().filter(pk=events[0].pk).update(object_label="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.unscoped().filter(pk=events[0].pk).delete()


# --- request history ----------------------------------------------------------------------------------------------


def test_requests_are_recorded_browsable_and_purged(owner, administrator, client_for):
    import datetime as dt

    import time_machine

    from staffroom.security.models import RequestRecord

    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        client_for(administrator).get("/employees/?q=old")
    client_for(administrator).get("/employees/")
    records = RequestRecord.objects.for_business(administrator.business).filter(employee=administrator)
    assert records.count() == 2
    latest = records.order_by("-occurred_at").first()
    assert (latest.method, latest.path, latest.status) == ("GET", "/employees/", 200)
    assert client_for(administrator).get(f"/security/employees/{administrator.pk}/").status_code == 403
    page = client_for(owner).get(f"/security/employees/{administrator.pk}/")
    assert page.status_code == 200 and "/employees/" in page.content.decode()
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        call_command("security_purge_requests", stdout=io.StringIO())
    assert list(records.filter(path="/employees/").values_list("occurred_at__month", flat=True)) != [1]
    assert records.filter(path="/employees/").count() == 1


def test_api_requests_are_recorded_too(administrator, api_for):
    from staffroom.security.models import RequestRecord

    api_for(administrator).get("/api/v1/business")
    assert (
        RequestRecord.objects.for_business(administrator.business).filter(path="/api/v1/business", status=200).exists()
    )


def test_request_history_keeps_no_query_strings_or_secrets(administrator, client_for):
    from staffroom.security.models import RequestRecord

    client_for(administrator).get("/employees/?token=sr_secret_value")
    paths = list(RequestRecord.objects.for_business(administrator.business).values_list("path", flat=True))
    assert all("sr_secret_value" not in path for path in paths)


def test_period_filter_uses_business_local_dates(owner, client_for):
    import datetime as dt

    import time_machine

    for moment, name in [
        (dt.datetime(2026, 3, 1, 20, 59, tzinfo=dt.UTC), "test.before"),  # 23:59 on 1 March in Moscow
        (dt.datetime(2026, 3, 1, 21, 0, tzinfo=dt.UTC), "test.inside"),  # 00:00 on 2 March in Moscow
        (dt.datetime(2026, 3, 2, 20, 59, tzinfo=dt.UTC), "test.inside"),
        (dt.datetime(2026, 3, 2, 21, 0, tzinfo=dt.UTC), "test.after"),
    ]:
        with time_machine.travel(moment, tick=False):
            security_event_record(event_type=name, actor=owner)
    page = client_for(owner).get("/security/?date_from=2026-03-02&date_to=2026-03-02")
    assert [event.event_type for event in page.context["events"]] == ["test.inside", "test.inside"]
    empty = client_for(owner).get("/security/?date_from=2030-01-01")
    assert list(empty.context["events"]) == []


def test_recovery_codes_need_a_fresh_re_authentication(administrator):
    import datetime as dt

    import time_machine

    from staffroom.security.models import RecoveryCode

    from .helpers import enrol_totp, totp_code

    secret = enrol_totp(administrator.person)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=True) as clock:
        client = new_browser()
        password_step(client, administrator)
        client.post("/accounts/verify/", {"action": "code", "code": totp_code(secret)})
        clock.shift(dt.timedelta(minutes=10))
        response = client.post("/security/two-factor/recovery-codes/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
        assert not RecoveryCode.objects.filter(person=administrator.person).exists()
