"""Every date, time and datetime field of every form in Staffroom renders an ISO value (the class of the Russian
reschedule bug: a localised value that the browser's date input rejects and shows as blank)."""

import importlib
import pkgutil

from django import forms

import staffroom
from staffroom.core.widgets import DateInput, DateTimeInput, TimeInput

EXPECTED = {forms.DateField: DateInput, forms.TimeField: TimeInput, forms.DateTimeField: DateTimeInput}


def _all_form_classes():
    for module in pkgutil.walk_packages(staffroom.__path__, "staffroom."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
    pending, seen = [forms.BaseForm], set()
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                pending.append(sub)
    return [cls for cls in seen if cls.__module__.startswith("staffroom.") and ".tests" not in cls.__module__]


def test_the_walk_finds_our_forms():
    names = {cls.__name__ for cls in _all_form_classes()}
    assert {"PeriodForm", "EmployeeForm"} <= names


def test_every_date_and_time_field_uses_an_iso_widget():
    wrong = []
    for cls in _all_form_classes():
        for name, field in getattr(cls, "base_fields", {}).items():
            for field_type, widget_type in EXPECTED.items():
                if type(field) is field_type and not isinstance(field.widget, widget_type | forms.HiddenInput):
                    wrong.append(f"{cls.__module__}.{cls.__name__}.{name}: {type(field.widget).__name__}")
    assert wrong == []
