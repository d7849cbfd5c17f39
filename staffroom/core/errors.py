"""The one family of application errors, mapped once to HTTP JSON (API) and once to form messages (pages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status_code = 400
    default_message = _("The request could not be processed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        self.message = str(message or self.default_message)
        self.errors = {field: [str(m) for m in messages] for field, messages in (errors or {}).items()}
        self.extra = extra or {}
        super().__init__(self.message)

    def as_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"detail": self.message, "errors": self.errors}
        payload.update(self.extra)
        return payload


class ValidationFailed(ApplicationError):
    status_code = 422
    default_message = _("Some fields are not valid.")


class PermissionDenied(ApplicationError):
    status_code = 403
    default_message = _("You do not have permission to do this.")


class NotFound(ApplicationError):
    status_code = 404
    default_message = _("Not found.")


class Conflict(ApplicationError):
    status_code = 409
    default_message = _("The data changed in the meantime; review and try again.")


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]})
