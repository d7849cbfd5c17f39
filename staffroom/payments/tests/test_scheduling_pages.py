"""Pages of the calendar, clients, services and payments: they render, they refuse, they act through services."""

import datetime as dt
import re

import pytest

from staffroom.clients import services as client_services
from staffroom.core.testing import database_fingerprint
from staffroom.payments.models import Payment
from staffroom.scheduling import services
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local, make_weekly_schedule


@pytest.fixture
def visit(business, administrator, a_client, working_specialist, branch, haircut, tomorrow):
    return services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )


def test_pages_render_for_the_owner(owner, visit, working_specialist, branch, tomorrow, haircut, client_for):
    browser = client_for(owner)
    for url in (
        f"/calendar/?branch={branch.pk}&date={tomorrow}",
        f"/calendar/specialists/{working_specialist.pk}/week/?date={tomorrow}",
        f"/calendar/book/?specialist={working_specialist.pk}&branch={branch.pk}&date={tomorrow}&time=12:00",
        f"/calendar/free-slots/?service={haircut.pk}&date={tomorrow}",
        f"/calendar/appointments/{visit.pk}/",
        f"/calendar/appointments/{visit.pk}/pay/",
        "/clients/",
        "/clients/?q=carla",
        f"/clients/{visit.client_id}/",
        "/clients/new/",
        "/services/",
        "/services/new/",
        f"/services/{haircut.pk}/",
        "/payments/cash/",
    ):
        response = browser.get(url)
        assert response.status_code == 200, url
    day = browser.get(f"/calendar/?branch={branch.pk}&date={tomorrow}").content.decode()
    assert f'data-appointment="{visit.pk}"' in day


def test_booking_through_the_form_records_the_creator(
    business, call_center_operator, working_specialist, branch, haircut, tomorrow, client_for
):
    browser = client_for(call_center_operator)
    response = browser.post(
        "/calendar/book/",
        {
            "new_client_name": "Walk In",
            "new_client_phone": "+7 916 000 00 01",
            "specialist": working_specialist.pk,
            "branch": branch.pk,
            "date": tomorrow.isoformat(),
            "time": "11:00",
            "services": [haircut.pk],
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.for_business(business).get()
    assert appointment.created_by == call_center_operator and appointment.client.full_name == "Walk In"


def test_clash_in_the_form_shows_a_message_and_creates_nothing(
    business, administrator, visit, working_specialist, branch, haircut, tomorrow, client_for
):
    browser = client_for(administrator)
    before = database_fingerprint()
    response = browser.post(
        "/calendar/book/",
        {
            "client_id": visit.client_id,
            "specialist": working_specialist.pk,
            "branch": branch.pk,
            "date": tomorrow.isoformat(),
            "time": "10:30",
            "services": [haircut.pk],
        },
    )
    assert response.status_code == 200
    assert "is busy at this time" in response.content.decode()
    assert database_fingerprint() == before


def test_payment_form_resubmitted_makes_one_payment(business, administrator, visit, client_for):
    browser = client_for(administrator)
    page = browser.get(f"/calendar/appointments/{visit.pk}/pay/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {"amount": "700.00", "method": "card", "tip_amount": "", "note": "", "idempotency_key": key}
    assert browser.post(f"/calendar/appointments/{visit.pk}/pay/", form).status_code == 302
    assert browser.post(f"/calendar/appointments/{visit.pk}/pay/", form).status_code == 302
    assert Payment.objects.for_business(business).count() == 1


def test_call_center_is_refused_payment_pages_and_sees_no_money(call_center_operator, visit, client_for):
    browser = client_for(call_center_operator)
    before = database_fingerprint()
    assert browser.get(f"/calendar/appointments/{visit.pk}/pay/").status_code == 403
    assert (
        browser.post(
            f"/calendar/appointments/{visit.pk}/pay/", {"amount": "1", "method": "cash", "idempotency_key": "x"}
        ).status_code
        == 403
    )
    assert browser.get("/payments/cash/").status_code == 403
    card = browser.get(f"/calendar/appointments/{visit.pk}/").content.decode()
    assert "1500.00" not in card
    assert database_fingerprint() == before


def test_specialist_sees_own_week_but_not_a_colleagues_appointment(business, specialist, visit, client_for):
    from staffroom.staff.tests.factories import make_employee

    colleague = make_employee(business, "specialist", provides_services=True)
    browser = client_for(colleague)
    assert browser.get(f"/calendar/appointments/{visit.pk}/").status_code == 404
    assert browser.get(f"/calendar/specialists/{colleague.pk}/week/").status_code == 200
    assert browser.get(f"/calendar/specialists/{specialist.pk}/week/").status_code == 404
    own = client_for(specialist).get(f"/calendar/appointments/{visit.pk}/").content.decode()
    assert "+7916•••••" in own or visit.client.phone == ""


def test_masked_contacts_in_the_client_list_card_and_picker(business, administrator, specialist, client_for):
    client = client_services.client_create(actor=administrator, full_name="Masha", phone="+79161234567")
    browser = client_for(specialist)
    for url in ("/clients/", f"/clients/{client.pk}/", "/clients/picker/?q=masha"):
        text = browser.get(url).content.decode()
        assert "+79161234567" not in text and "+7916•••••67" in text, url


def test_other_business_pages_are_404(outsider, visit, client_for):
    browser = client_for(outsider)
    assert browser.get(f"/calendar/appointments/{visit.pk}/").status_code == 404
    assert browser.get(f"/clients/{visit.client_id}/").status_code == 404
    assert browser.get(f"/calendar/appointments/{visit.pk}/pay/").status_code == 404


def test_cancel_and_status_through_pages(business, administrator, visit, client_for):
    browser = client_for(administrator)
    browser.post(f"/calendar/appointments/{visit.pk}/status/", {"status": "arrived"})
    visit.refresh_from_db()
    assert visit.status == "arrived"
    response = browser.post(f"/calendar/appointments/{visit.pk}/cancel/", {"reason": "", "version": visit.version})
    assert response.status_code == 422
    browser.post(f"/calendar/appointments/{visit.pk}/cancel/", {"reason": "Ill", "version": visit.version})
    visit.refresh_from_db()
    assert visit.status == "cancelled"
    assert dt.datetime.now(dt.UTC) >= visit.cancelled_at


def test_schedule_page_sets_weekly_hours_with_a_break_and_a_day_off(business, owner, specialist, branch, client_for):
    from staffroom.scheduling.models import ScheduleException, WorkingHours

    browser = client_for(owner)
    assert browser.get(f"/calendar/specialists/{specialist.pk}/schedule/").status_code == 200
    form = {
        "action": "weekly",
        "branch_0": branch.pk,
        "from1_0": "09:00",
        "to1_0": "13:00",
        "from2_0": "14:00",
        "to2_0": "18:00",
    }
    assert browser.post(f"/calendar/specialists/{specialist.pk}/schedule/", form).status_code == 302
    rows = WorkingHours.objects.for_business(business).filter(specialist=specialist)
    assert sorted((r.weekday, str(r.starts_at), str(r.ends_at)) for r in rows) == [
        (0, "09:00:00", "13:00:00"),
        (0, "14:00:00", "18:00:00"),
    ]
    bad = {"action": "weekly", "from1_1": "10:00", "to1_1": "12:00"}  # no branch: refused, nothing changes
    assert browser.post(f"/calendar/specialists/{specialist.pk}/schedule/", bad).status_code == 200
    assert rows.count() == 2
    day_off = {"action": "exception", "date": "2030-01-07", "day_off": "on"}
    assert browser.post(f"/calendar/specialists/{specialist.pk}/schedule/", day_off).status_code == 302
    assert ScheduleException.objects.for_business(business).filter(specialist=specialist).count() == 1


def test_schedule_page_needs_the_permission(specialist, call_center_operator, client_for):
    assert client_for(call_center_operator).get(f"/calendar/specialists/{specialist.pk}/schedule/").status_code == 403


def test_opening_hours_page(business, owner, branch, call_center_operator, client_for):
    from staffroom.scheduling.models import BranchOpeningHours

    url = f"/calendar/branches/{branch.pk}/hours/"
    assert client_for(call_center_operator).get(url).status_code == 403
    browser = client_for(owner)
    assert browser.get(url).status_code == 200
    assert browser.post(url, {"opens_0": "10:00", "closes_0": "20:00"}).status_code == 302
    assert browser.post(url, {"opens_1": "20:00", "closes_1": "10:00"}).status_code == 200  # refused
    rows = BranchOpeningHours.objects.for_business(business).filter(branch=branch)
    assert [(r.weekday, str(r.opens_at)) for r in rows] == [(0, "10:00:00")]


def test_change_services_on_the_visit_page(business, administrator, visit, working_specialist, client_for):
    from staffroom.scheduling.tests.factories import make_service

    colour = make_service(business, name="Colour", duration=90, price="3000.00", specialists=[working_specialist])
    browser = client_for(administrator)
    assert "Colour" in browser.get(f"/calendar/appointments/{visit.pk}/").content.decode()
    browser.post(f"/calendar/appointments/{visit.pk}/services/", {"services": [colour.pk], "version": visit.version})
    visit.refresh_from_db()
    assert [line.service_name for line in visit.lines.all()] == ["Colour"]
    assert visit.ends_at - visit.starts_at == dt.timedelta(minutes=90)
    browser.post(f"/calendar/appointments/{visit.pk}/services/", {"version": visit.version})  # none: refused
    assert visit.lines.count() == 1


def test_move_to_another_branch_through_the_form(business, owner, visit, working_specialist, tomorrow, client_for):
    from staffroom.tenancy.models import Branch

    other = Branch.objects.for_business(business).exclude(pk=visit.branch_id).first()
    make_weekly_schedule(working_specialist, other, intervals=((dt.time(19), dt.time(21)),))
    browser = client_for(owner)
    form = {
        "date": tomorrow.isoformat(),
        "time": "19:30",
        "specialist": working_specialist.pk,
        "branch": other.pk,
        "version": visit.version,
    }
    assert browser.post(f"/calendar/appointments/{visit.pk}/reschedule/", form).status_code == 302
    visit.refresh_from_db()
    assert visit.branch == other and visit.starts_at == local(business, tomorrow, 19, 30)
