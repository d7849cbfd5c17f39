"""Pure helpers for client data: phone normalization to E.164, masking of contacts, the search key."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str, default_region: str) -> str:
    """E.164 form of a phone number typed in any usual way; numbers without +country use the business's country."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, (default_region or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone(str(error)) from error
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """+79161234567 -> +7916•••••67: enough to tell clients apart, not enough to call them."""
    if not phone:
        return ""
    if len(phone) <= 6:
        return "•" * len(phone)
    return phone[:5] + "•" * (len(phone) - 7) + phone[-2:]


def mask_email(email: str) -> str:
    """anna.k@example.com -> a•••@example.com"""
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return (local[:1] + "•••") + ("@" + domain if domain else "")


def phone_digits(value: str) -> str:
    return "".join(character for character in value or "" if character.isdigit())


def search_text(*, full_name: str, phone: str, email: str) -> str:
    return " ".join(part for part in (full_name.lower().strip(), phone_digits(phone), email.lower()) if part)[:500]
