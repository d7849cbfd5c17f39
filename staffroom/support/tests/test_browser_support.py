"""In Debian's chromium: a business files a bug with a screenshot, a support agent answers, the business reads it."""

import pytest

from conftest import browser_sign_in
from staffroom.security.tests.helpers import current_totp_code
from staffroom.staff.tests.factories import PASSWORD
from staffroom.support.models import SupportPlan, Ticket

pytestmark = pytest.mark.browser


def sign_out(page):
    page.context.clear_cookies()


def test_a_business_files_a_bug_and_an_agent_answers(browser_page, owner, operator, agent, support_calendar, tmp_path):
    from staffroom.support import services

    services.support_account_set(operator=operator, business=owner.business, plan=SupportPlan.FREE)
    page = browser_page
    browser_sign_in(page, owner)
    page.goto("/support/")
    assert "Free" in page.locator(".support-plan").inner_text()
    page.click("text=New ticket")
    page.select_option("#id_ticket_type", "consultation")
    page.fill("#id_subject", "How do I export?")
    page.fill("#id_description", "Question")
    page.click("main button[type=submit]")
    assert "Paid plan" in page.locator(".field-error").first.inner_text()

    screenshot = tmp_path / "what-i-see.txt"
    screenshot.write_text("The calendar is empty since 09:00")
    page.select_option("#id_ticket_type", "bug")
    page.select_option("#id_priority", "high")
    page.fill("#id_subject", "Calendar is empty")
    page.fill("#id_description", "Since this morning the calendar shows nothing.")
    page.set_input_files("#id_attachments", str(screenshot))
    page.click("main button[type=submit]")
    page.wait_for_url("**/support/1/")
    assert page.locator("h1").inner_text() == "#1 Calendar is empty"
    assert page.locator("a.attachment").inner_text() == "what-i-see.txt"
    sign_out(page)

    agent_sign_in(page, agent)
    page.goto("/support-desk/?queue=unassigned")
    page.click("text=#1 Calendar is empty")
    page.fill("#id_body", "Only the staff can see this note")
    page.check("#id_is_internal")
    page.click("form.reply button[type=submit]")
    page.fill("#id_body", "Fixed: please reload the page.")
    page.click("form.reply button[type=submit]")
    page.wait_for_selector("text=Fixed: please reload the page.")
    page.select_option("select[name=status]", "resolved")
    page.click("text=Set status")
    page.wait_for_selector(".badge.status[data-status=resolved]")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="var/screenshot-support-console.png", full_page=True)
    sign_out(page)

    browser_sign_in(page, owner)
    page.goto("/support/1/")
    conversation = page.locator(".conversation").inner_text()
    assert "Fixed: please reload the page." in conversation
    assert "Only the staff can see this note" not in page.content()
    assert page.locator(".badge.status").inner_text() == "Resolved"
    ticket = Ticket.objects.for_business(owner.business).get(number=1)
    assert ticket.sla_met_at is not None and ticket.assignee == agent


def agent_sign_in(page, agent):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", agent.person.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/verify/")  # SECURITY.md 34: platform staff sign in with a second factor
    page.fill("input[name=code]", current_totp_code(agent.person))
    page.click("button[value=code]")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_an_enhancement_is_estimated_accepted_and_due_on_the_dashboard(
    browser_page, owner, operator, agent, support_calendar
):
    import datetime as dt

    from django.utils import timezone

    from staffroom.core.formatting import format_datetime
    from staffroom.support import services

    services.support_account_set(operator=operator, business=owner.business, plan=SupportPlan.PAID)
    page = browser_page
    browser_sign_in(page, owner)
    page.goto("/support/new/")
    page.select_option("#id_ticket_type", "enhancement")
    page.fill("#id_subject", "Export clients to Excel")
    page.fill("#id_description", "We need an .xlsx with phone numbers.")
    page.click("main button[type=submit]")
    page.wait_for_url("**/support/1/")
    assert page.locator(".work-stage").inner_text() == "Requested"
    sign_out(page)

    agent_sign_in(page, agent)
    page.goto("/support-desk/?queue=unassigned")
    page.click("text=#1 Export clients to Excel")
    page.fill("#id_specification", "Clients → Export downloads clients.xlsx: name, phone, e-mail, last visit.")
    page.click("form.specification button[type=submit]")
    page.wait_for_selector(".work[data-stage=specified]")
    due = timezone.now().astimezone(owner.business.zone).date() + dt.timedelta(days=14)
    while due.weekday() >= 5:  # a working day, so the deadline is the end of that very day
        due += dt.timedelta(days=1)
    page.fill("#id_effort_hours", "16")
    page.fill("#id_price", "480.00")
    page.fill("#id_due_date", due.isoformat())
    page.click("form.estimate button[type=submit]")
    page.wait_for_selector(".work[data-stage=estimated]")
    sign_out(page)

    browser_sign_in(page, owner)
    page.goto("/support/1/")
    assert "clients.xlsx" in page.locator(".specification").inner_text()
    assert "480.00" in page.locator(".estimate").inner_text()
    page.click("text=Accept estimate")
    page.wait_for_selector(".work[data-stage=in_progress]")
    ticket = Ticket.objects.for_business(owner.business).get(number=1)
    shown_due = format_datetime(ticket.sla_due_at, "short", tz=owner.business.zone, language="en")
    assert timezone.localtime(ticket.sla_due_at, owner.business.zone).date() == due
    page.goto("/")
    row = page.locator(".support-card tr[data-ticket='1']")
    assert "Export clients to Excel" in row.inner_text()
    assert row.locator(".due").inner_text().strip() == shown_due
