"""Pages show service errors on the form they came from: the one mapping of ApplicationError to a form."""

from django import forms

from .errors import ApplicationError


def add_service_error(form: forms.Form, error: ApplicationError, field_aliases: dict[str, str] | None = None) -> None:
    aliases = field_aliases or {}
    placed = False
    for field, messages in error.errors.items():
        name = aliases.get(field, field)
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
                placed = True
    if not placed or not error.errors:
        form.add_error(None, error.message)
