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


def phone_search_keys(query: str, region: str) -> list[str]:
    """The digit strings to look for in the stored E.164 digits, however the number was typed.

    A whole number typed nationally ("8 916 131 67 60", "06 30 123 4567") is found by its national
    significant number; a fragment by its digits, and also without the country's trunk prefix
    (the leading 8 in Russia, 06 in Hungary, 0 in Ukraine) when it starts with one.
    """
    digits = phone_digits(query)
    if len(digits) < 3:
        return []
    keys = [digits]
    region = (region or "").upper()
    try:
        parsed = phonenumbers.parse(query, region or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        keys.append(f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}")
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region) if region else None
    trunk_prefix = getattr(metadata, "national_prefix", None) or ""
    if trunk_prefix and digits.startswith(trunk_prefix) and len(digits) - len(trunk_prefix) >= 3:
        keys.append(digits[len(trunk_prefix) :])
    return list(dict.fromkeys(keys))


def search_text(*, full_name: str, phone: str, email: str) -> str:
    return " ".join(part for part in (full_name.lower().strip(), phone_digits(phone), email.lower()) if part)[:500]
