"""SECURITY.md 38: every operator console form refuses an invalid setting before anything is saved.

The walk covers every model registered in the operator console (add and change forms alike) and every form field
that holds a setting: time zones, countries and holiday regions, currencies, languages, prices, rates, coefficients,
discounts and weekday lists. Each invalid value must come back as an error on that very field, with nothing saved.
The rule lives in the models' `clean()` (with `staffroom.core.validators`), so the same check holds wherever the
model is saved through a form, the console's or the support desk's.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.forms import DecimalField
from django.test import Client, RequestFactory
from django.urls import reverse

from staffroom.security.tests.helpers import enrol_totp
from staffroom.staff.tests.factories import PersonFactory

# Field name (or name ending) -> values an operator might type that must never be saved.
BAD_TEXT = {
    "time_zone": ["Mars/Olympus", "utc+3", "Europe"],
    "country": ["ZZ", "XX", "12"],
    "subdivision": ["NOPE"],
    "currency": ["QQQ", "EURO"],
    "locale": ["xx"],
    "working_weekdays": ["[7]", '["monday"]', "{}"],
    "implementation_type_weights": ['{"new": "-1"}', '{"new": "lots"}', "[1]"],
}
MONEY_WORDS = ("price", "rate", "coefficient", "discount", "amount", "fee")
BAD_NUMBERS = ["-1"]
BAD_PERCENT = ["-5", "150"]
# Context a field's bad value needs to be judged (a region belongs to a country).
COMPANIONS = {"subdivision": {"country": "DE"}}


def _bad_values(name: str, form_field) -> list[str]:
    for key, values in BAD_TEXT.items():
        if name == key or name.endswith(f"_{key}"):
            return values
    if isinstance(form_field, DecimalField) and any(word in name for word in MONEY_WORDS):
        return BAD_PERCENT if "discount" in name else BAD_NUMBERS
    return []


def _setting_fields():
    """(model admin, field name, bad value) for every setting field of every console form."""
    request = RequestFactory().get("/operator/")
    request.user = PersonFactory.build(is_staff=True, is_superuser=True)
    cases = []
    for _model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        if not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request):
            continue
        form_class = model_admin.get_form(request, obj=None)
        for name, form_field in form_class.base_fields.items():
            cases.extend((model_admin, name, value) for value in _bad_values(name, form_field))
    return cases


def _label(case) -> str:
    model_admin, name, value = case
    return f"{model_admin.model._meta.label}.{name}={value!r}"


@pytest.fixture
def operator_client(db):
    operator = PersonFactory(is_staff=True, is_superuser=True)
    enrol_totp(operator)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)
    return client


def test_the_walk_finds_the_settings_that_matter(db):
    found = {(model_admin.model._meta.label, name) for model_admin, name, _value in _setting_fields()}
    expected = {
        ("tenancy.Business", "time_zone"),
        ("tenancy.Business", "country"),
        ("tenancy.Business", "currency"),
        ("billing.Plan", "base_price"),
        ("billing.Plan", "seat_price"),
        ("billing.Plan", "discount_12"),
        ("support.SupportCalendar", "country"),
        ("support.SupportCalendar", "time_zone"),
        ("support.ManagerPricing", "rate"),
        ("support.ManagerPricing", "currency"),
    }
    assert expected <= found, expected - found


def _row_count(model) -> int:
    manager = model._default_manager
    queryset = manager.all()
    return queryset.unscoped().count() if hasattr(queryset, "unscoped") else queryset.count()


def test_every_operator_console_form_refuses_an_invalid_setting_and_saves_nothing(operator_client):
    refused_nothing = []
    for model_admin, name, value in _setting_fields():
        model = model_admin.model
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        before = _row_count(model)
        data = {name: value, **COMPANIONS.get(name, {})}
        response = operator_client.post(url, data)
        if response.status_code >= 500 or response.status_code == 302 or _row_count(model) != before:
            refused_nothing.append(f"{_label((model_admin, name, value))}: {response.status_code}")
            continue
        form = response.context["adminform"].form
        if name not in form.errors:
            refused_nothing.append(f"{_label((model_admin, name, value))}: accepted")
    assert refused_nothing == [], "\n".join(refused_nothing)


def test_the_models_refuse_them_too_whatever_form_saves_them(db):
    """The support desk's own forms and any service go through the same `clean()`."""
    from django.core.exceptions import ValidationError

    from staffroom.support.models import ManagerPricing, SupportCalendar

    calendar = SupportCalendar(name="Bad", time_zone="Europe/Berlin", country="ZZ")
    with pytest.raises(ValidationError) as refused:
        calendar.full_clean()
    assert "country" in refused.value.message_dict
    SupportCalendar(name="Good", time_zone="Europe/Berlin", country="DE", subdivision="BY").full_clean()
    pricing = ManagerPricing(
        hour_coefficient=-1, enhancement_coefficient=1, user_coefficient=1, rate=10, currency="QQQ"
    )
    with pytest.raises(ValidationError) as refused:
        pricing.full_clean()
    assert {"hour_coefficient", "currency"} <= set(refused.value.message_dict)


def test_changing_an_existing_business_also_refuses_an_invalid_setting(operator_client, business):
    url = reverse("admin:tenancy_business_change", args=[business.pk])
    for name, value in (("country", "ZZ"), ("time_zone", "Mars/Olympus"), ("currency", "QQQ")):
        data = {
            "name": business.name,
            "time_zone": business.time_zone,
            "currency": business.currency,
            "locale": business.locale,
            "country": business.country,
            "is_active": "on",
            name: value,
        }
        response = operator_client.post(url, data)
        assert response.status_code == 200 and name in response.context["adminform"].form.errors
        business.refresh_from_db()
        assert getattr(business, name) != value


def test_a_model_field_of_a_setting_kind_is_never_left_unchecked():
    """A new setting field (by its name) in any model must come with a console form check or be non-editable."""
    from django.apps import apps

    unchecked = []
    for model in apps.get_models():
        if not model.__module__.startswith("staffroom."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or not field.editable:
                continue
            has_clean = model.clean is not models.Model.clean
            if field.name in ("time_zone", "country", "subdivision") and not (field.validators or has_clean):
                unchecked.append(f"{model._meta.label}.{field.name}")
    assert unchecked == []
