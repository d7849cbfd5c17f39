"""SMS through a provider adapter: a logging backend for development and tests, and SMS.ru for the first markets.

`SMS_BACKEND` names the class. Every backend's `send` returns a `SmsResult` and never raises for a refused
message, so the caller records the delivery status either way.
"""

from __future__ import annotations

import abc
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("staffroom.sms")


@dataclass(frozen=True)
class SmsResult:
    delivered: bool
    provider: str
    message_id: str = ""
    error: str = ""


class SmsBackend(abc.ABC):
    name = "base"

    @abc.abstractmethod
    def send(self, *, to: str, text: str) -> SmsResult:
        """Send one message; report a refusal in the result instead of raising."""


class LoggingSmsBackend(SmsBackend):
    """Writes the message to the log and keeps it in `outbox` (the development and test "phone")."""

    name = "log"
    outbox: list[dict] = []

    def send(self, *, to: str, text: str) -> SmsResult:
        LoggingSmsBackend.outbox.append({"to": to, "text": text})
        logger.info("SMS to %s: %s", to, text)
        return SmsResult(delivered=True, provider=self.name, message_id=f"log-{len(LoggingSmsBackend.outbox)}")


class SmsRuBackend(SmsBackend):
    """SMS.ru over HTTPS (https://sms.ru/api/send): `api_id` from SMS_RU_API_ID, optional sender name."""

    name = "sms.ru"
    url = "https://sms.ru/sms/send"

    def __init__(self, api_id: str | None = None, sender: str | None = None, timeout: float | None = None):
        self.api_id = api_id if api_id is not None else settings.SMS_RU_API_ID
        self.sender = sender if sender is not None else settings.SMS_SENDER
        self.timeout = timeout if timeout is not None else settings.SMS_TIMEOUT_SECONDS

    def _post(self, fields: dict) -> dict:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.url, data=data, method="POST")  # noqa: S310 - a fixed https URL
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            return json.loads(response.read().decode())

    def send(self, *, to: str, text: str) -> SmsResult:
        if not self.api_id:
            return SmsResult(delivered=False, provider=self.name, error="SMS_RU_API_ID is not set")
        number = to.lstrip("+")
        fields = {"api_id": self.api_id, "to": number, "msg": text, "json": 1}
        if self.sender:
            fields["from"] = self.sender
        try:
            body = self._post(fields)
        except (urllib.error.URLError, TimeoutError, ValueError, OSError) as error:
            return SmsResult(delivered=False, provider=self.name, error=str(error)[:300])
        if body.get("status") != "OK":
            return SmsResult(delivered=False, provider=self.name, error=str(body.get("status_text", ""))[:300])
        entry = (body.get("sms") or {}).get(number) or {}
        if entry.get("status") != "OK":
            return SmsResult(delivered=False, provider=self.name, error=str(entry.get("status_text", ""))[:300])
        return SmsResult(delivered=True, provider=self.name, message_id=str(entry.get("sms_id", "")))


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
