"""Date, time and datetime inputs whose value is ISO in every language: the browser shows it in the user's locale.

Django's DateInput renders its value in the active locale's first input format ("02.12.2026" in Russian),
which an <input type="date"> rejects and shows as blank. These widgets always write the form the HTML
standard requires; the form fields parse it in any language because Django appends the ISO formats to
every locale's input formats (and DateTimeField tries ISO 8601 first).
"""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_TIME)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME_LOCAL)
