"""Changes to a business's settings and branches."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from staffroom.core.errors import Conflict, ValidationFailed, field_error
from staffroom.core.money import CURRENCY_MINOR_UNITS
from staffroom.core.validators import validate_country_code
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require

from .models import Branch, Business, validate_time_zone

BUSINESS_SETTINGS_FIELDS = ("name", "time_zone", "currency", "locale", "country")


def validate_business_settings(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name in BUSINESS_SETTINGS_FIELDS:
        if name not in values:
            continue
        value = (values[name] or "").strip()
        if name == "name" and not value:
            errors[name] = [_("Enter the business name.")]
        elif name == "time_zone":
            try:
                validate_time_zone(value)
            except ValidationError as error:
                errors[name] = list(error.messages)
        elif name == "currency" and value not in CURRENCY_MINOR_UNITS:
            errors[name] = [_("Choose an ISO 4217 currency.")]
        elif name == "country":
            try:
                validate_country_code(value)
            except ValidationError:
                errors[name] = [_("Enter a two-letter ISO 3166 country code.")]
        elif name == "locale" and value not in dict(settings.LANGUAGES):
            errors[name] = [_("Choose one of the offered languages.")]
        cleaned[name] = value.upper() if name in ("currency", "country") else value
    if errors:
        raise ValidationFailed(errors=errors)
    return cleaned


@transaction.atomic
def business_update(*, actor, **values) -> Business:
    require(actor, Perm.SETTINGS_MANAGE)
    unknown = set(values) - set(BUSINESS_SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    cleaned = validate_business_settings(values)
    business = Business.objects.select_for_update().get(pk=actor.business_id)
    before = {name: getattr(business, name) for name in cleaned}
    for name, value in cleaned.items():
        setattr(business, name, value)
    business.save()
    after = {name: getattr(business, name) for name in cleaned}
    if before != after:
        security_event_record(
            event_type="business.settings_changed", actor=actor, target=business, before=before, after=after
        )
    return business


def _clean_branch(business, *, name: str, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Enter the branch name."))
    duplicates = Branch.objects.for_business(business).filter(name__iexact=name)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise field_error("name", _("A branch with this name exists already."))
    return name


@transaction.atomic
def branch_create(*, actor, name: str, address: str = "", phone: str = "") -> Branch:
    require(actor, Perm.SETTINGS_MANAGE_BRANCHES)
    name = _clean_branch(actor.business, name=name)
    branch = Branch.objects.create(business=actor.business, name=name, address=address, phone=phone)
    security_event_record(
        event_type="branch.created", actor=actor, target=branch, after={"name": name, "address": address}
    )
    return branch


@transaction.atomic
def branch_update(*, actor, branch: Branch, **values) -> Branch:
    require(actor, Perm.SETTINGS_MANAGE_BRANCHES, obj=branch)
    allowed = {"name", "address", "phone", "is_active"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed(errors={name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    branch = Branch.objects.for_business(actor.business).select_for_update().get(pk=branch.pk)
    if "name" in values:
        values["name"] = _clean_branch(actor.business, name=values["name"], exclude_pk=branch.pk)
    if values.get("is_active") is False and branch.is_active:
        others = Branch.objects.for_business(actor.business).filter(is_active=True).exclude(pk=branch.pk)
        if not others.exists():
            raise Conflict(_("A business keeps at least one active branch."))
    before = {name: getattr(branch, name) for name in values}
    for name, value in values.items():
        setattr(branch, name, value)
    branch.save()
    after = {name: getattr(branch, name) for name in values}
    if before != after:
        security_event_record(event_type="branch.updated", actor=actor, target=branch, before=before, after=after)
    return branch
