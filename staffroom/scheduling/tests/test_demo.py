"""The demo loaders for clients, services, schedules, appointments and payments are idempotent."""

from staffroom.clients.models import Client
from staffroom.core.demodata import load_demo
from staffroom.payments.models import Payment
from staffroom.scheduling.models import Appointment, WorkingHours


def test_demo_is_alive_and_loading_twice_duplicates_nothing(db):
    business = load_demo()["business"]

    def counts():
        return [model.objects.for_business(business).count() for model in (Client, Appointment, Payment, WorkingHours)]

    first = counts()
    assert all(first), first
    load_demo()
    assert counts() == first
