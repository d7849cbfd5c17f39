"""Who and where the current request comes from, for audit records written deep inside services."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    ip_address: str | None = None
    user_agent: str = ""
    session_key: str | None = None


_EMPTY = RequestMeta()
_current: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar("staffroom_request", default=None)
# The request itself, for log records (request id, business, employee); None outside a request.
_current_request: contextvars.ContextVar = contextvars.ContextVar("staffroom_current_request", default=None)


def current_request_meta() -> RequestMeta:
    return _current.get() or _EMPTY


def current_request():
    return _current_request.get()


@contextmanager
def request_meta(meta: RequestMeta, request=None):
    token = _current.set(meta)
    request_token = _current_request.set(request)
    try:
        yield meta
    finally:
        _current_request.reset(request_token)
        _current.reset(token)


def client_ip(request) -> str | None:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. uvicorn --proxy-headers); never trust raw headers.
    return request.META.get("REMOTE_ADDR") or None
