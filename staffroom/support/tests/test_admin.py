"""The operator sets a business's support plan in the operator console, through the audited service."""

from django.contrib.auth import get_user_model
from django.test import Client

from staffroom.security.models import SecurityEvent
from staffroom.security.tests.helpers import enrol_totp
from staffroom.staff.tests.factories import PASSWORD
from staffroom.support.models import SupportAccount, SupportPlan


def test_the_operator_sets_a_plan_in_the_console(business, agent, support_calendar):
    operator = get_user_model().objects.create_superuser(email="root@example.test", password=PASSWORD)
    enrol_totp(operator)  # SECURITY.md 34: the operator console needs a second factor
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(email=operator.email, password=PASSWORD)
    response = client.post(
        "/operator/support/supportaccount/add/",
        {
            "business": business.pk,
            "plan": SupportPlan.INDIVIDUAL,
            "calendar": support_calendar.pk,
            "manager": agent.pk,
            "implementation_type": "standard",
            "implementation_hours": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = SupportAccount.objects.for_business(business).get()
    assert account.plan == SupportPlan.INDIVIDUAL and account.manager == agent
    assert SecurityEvent.objects.for_business(business).filter(event_type="support_plan.changed").exists()
    assert client.get("/operator/support/ticket/").status_code == 200
    assert client.get("/operator/support/supportcalendar/add/").status_code == 200
