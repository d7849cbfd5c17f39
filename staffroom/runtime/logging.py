"""Log records that say which request, business and employee they belong to, with secrets masked (SECURITY.md 21)."""

import logging
import re

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from staffroom.core.context import current_request

# What a secret looks like in a log line: API tokens, key=value pairs of sensitive names, session cookies.
_SECRETS = (
    (re.compile(r"\bsr_[A-Za-z0-9_\-]{8,}"), "sr_[redacted]"),
    (
        re.compile(
            r"(?i)\b(password|passwd|secret|token|code|sessionid|csrftoken|api_key|authorization)(\s*[=:]\s*)([^\s&,;\"']+)"
        ),
        r"\1\2[redacted]",
    ),
    (re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._\-]+"), "Bearer [redacted]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestContextFilter(logging.Filter):
    """Adds request_id, business_id and employee_id (None outside a request) to every record."""

    def filter(self, record):
        # Django logs a response (django.request: 4xx/5xx) after the middleware has left; it passes the request.
        request = current_request() or getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None)
        business = getattr(request, "business", None)
        employee = getattr(request, "employee", None)
        record.business_id = getattr(business, "pk", None)
        record.employee_id = getattr(employee, "pk", None)
        return True


class RedactSecretsFilter(logging.Filter):
    """Masks tokens, passwords and codes in the formatted message (code never logs them; this is the net)."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line. The request object Django attaches to its records is never written: its text holds the
    full URL with its query string (tokens, keys); the ids above say which request it was."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)
