"""Every change to clients: create, edit, soft delete and restore, merge, export — each with its security event."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed, field_error
from staffroom.core.exports import ExportFile
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import BY_CODE, Perm
from staffroom.staff.permissions import has_permission, require
from staffroom.webhooks.services import webhook_event_emit

from .calculations import InvalidPhone, mask_email, mask_phone, normalize_phone, search_text
from .hooks import client_merged
from .models import Client

EDITABLE_CLIENT_FIELDS = ("full_name", "phone", "email", "notes", "tags", "accepts_messages")


def client_snapshot(client: Client) -> dict:
    return {
        "full_name": client.full_name,
        "phone": client.phone,
        "email": client.email,
        "notes": client.notes,
        "tags": list(client.tags),
        "accepts_messages": client.accepts_messages,
        "is_deleted": client.is_deleted,
    }


def _clean_tags(tags: Iterable[str] | None) -> list[str]:
    cleaned = []
    for tag in tags or ():
        tag = str(tag).strip()[:50]
        if tag and tag.lower() not in {existing.lower() for existing in cleaned}:
            cleaned.append(tag)
    return cleaned


def _clean_client_fields(business, values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    if "full_name" in values:
        cleaned["full_name"] = (values["full_name"] or "").strip()
        if not cleaned["full_name"]:
            errors["full_name"] = [_("Enter the client's name.")]
        elif len(cleaned["full_name"]) > 200:
            errors["full_name"] = [_("The name is too long.")]
    if "phone" in values:
        try:
            cleaned["phone"] = normalize_phone(values["phone"] or "", business.country)
        except InvalidPhone:
            errors["phone"] = [_("Enter a valid phone number.")]
    if "email" in values:
        cleaned["email"] = (values["email"] or "").strip().lower()
        if cleaned["email"]:
            try:
                validate_email(cleaned["email"])
            except ValidationError:
                errors["email"] = [_("Enter a valid e-mail address.")]
    if "tags" in values:
        cleaned["tags"] = _clean_tags(values["tags"])
    if "notes" in values:
        cleaned["notes"] = (values["notes"] or "").strip()
    if "accepts_messages" in values:
        cleaned["accepts_messages"] = bool(values["accepts_messages"])
    if errors:
        raise ValidationFailed(errors=errors)
    return cleaned


def _refuse_hidden_contact_writes(actor, values: dict) -> None:
    """Someone who sees masked contacts cannot overwrite them either (SECURITY.md 16)."""
    if has_permission(actor, Perm.CLIENTS_VIEW_CONTACTS):
        return
    for name in ("phone", "email"):
        if values.get(name):
            raise PermissionDenied(errors={name: [_("You cannot change client contacts.")]})


def _refresh_search_text(client: Client) -> None:
    client.search_text = search_text(full_name=client.full_name, phone=client.phone, email=client.email)


@transaction.atomic
def client_create(
    *,
    actor,
    full_name: str,
    phone: str = "",
    email: str = "",
    notes: str = "",
    tags: Iterable[str] | None = None,
    accepts_messages: bool = False,
) -> Client:
    require(actor, Perm.CLIENTS_EDIT)
    values = {"full_name": full_name, "phone": phone, "email": email, "notes": notes, "tags": tags}
    values["accepts_messages"] = accepts_messages
    _refuse_hidden_contact_writes(actor, values)
    cleaned = _clean_client_fields(actor.business, values)
    client = Client(business=actor.business, created_by=actor, **cleaned)
    _refresh_search_text(client)
    client.save()
    security_event_record(event_type="client.created", actor=actor, target=client, after=client_snapshot(client))
    webhook_event_emit(client.business, "client.created", {"id": client.pk, **client_snapshot(client)})
    return client


Made = TypeVar("Made")


@transaction.atomic
def with_new_client(make: Callable[..., Made], *, actor, client_fields: dict, **arguments) -> Made:
    """A client created inline (booking form, new-order page) and what is made for them (`make(actor=, client=,
    ...)`: a booking, an order) in one transaction, so a refusal of either leaves neither. The client goes through
    `client_create`: the same checks, phone normalisation and event as the client form."""
    if not has_permission(actor, Perm.CLIENTS_EDIT):
        message = _(
            "Adding a new client needs the right “%(right)s”: pick an existing client, or ask who can grant it."
        )
        message %= {"right": BY_CODE[Perm.CLIENTS_EDIT].label}
        raise PermissionDenied(message, errors={"full_name": [message]})
    client = client_create(actor=actor, **client_fields)
    return make(actor=actor, client=client, **arguments)


@transaction.atomic
def client_find_or_create_online(
    *, business, full_name: str, phone: str = "", email: str = "", accepts_messages: bool = False
) -> Client:
    """The client of a confirmed online booking: found by the confirmed phone (else e-mail), or created.

    An existing client's name and contacts stay as the business keeps them; consent given online is recorded.
    """
    cleaned = _clean_client_fields(business, {"full_name": full_name, "phone": phone, "email": email})
    clients = Client.objects.for_business(business).filter(is_deleted=False)
    found = None
    if cleaned["phone"]:
        found = clients.filter(phone=cleaned["phone"]).order_by("id").first()
    if found is None and cleaned["email"]:
        found = clients.filter(email=cleaned["email"]).order_by("id").first()
    if found is not None:
        if accepts_messages and not found.accepts_messages:
            before = client_snapshot(found)
            found.accepts_messages = True
            found.version += 1
            found.save(update_fields=["accepts_messages", "version", "updated_at"])
            security_event_record(
                event_type="client.updated",
                business=business,
                target=found,
                before=before,
                after=client_snapshot(found),
            )
        return found
    client = Client(business=business, created_by=None, accepts_messages=bool(accepts_messages), **cleaned)
    _refresh_search_text(client)
    client.save()
    security_event_record(event_type="client.created", business=business, target=client, after=client_snapshot(client))
    return client


def _locked(actor, client: Client) -> Client:
    return Client.objects.for_business(actor.business).select_for_update().get(pk=client.pk)


@transaction.atomic
def client_update(*, actor, client: Client, expected_version: int | None = None, **values) -> Client:
    require(actor, Perm.CLIENTS_EDIT, obj=client)
    unknown = set(values) - set(EDITABLE_CLIENT_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    client = _locked(actor, client)
    if client.is_deleted:
        raise Conflict(_("This client was deleted."))
    if expected_version is not None and expected_version != client.version:
        raise Conflict(_("Someone else changed this client in the meantime; review and try again."))
    _refuse_hidden_contact_writes(actor, values)
    cleaned = _clean_client_fields(actor.business, values)
    before = client_snapshot(client)
    for name, value in cleaned.items():
        setattr(client, name, value)
    after = client_snapshot(client)
    if after == before:
        return client
    _refresh_search_text(client)
    client.version += 1
    client.save()
    security_event_record(event_type="client.updated", actor=actor, target=client, before=before, after=after)
    webhook_event_emit(client.business, "client.changed", {"id": client.pk, **after})
    return client


@transaction.atomic
def client_delete(*, actor, client: Client) -> Client:
    """Soft delete: the client leaves lists and search; history stays and the owner can restore it."""
    require(actor, Perm.CLIENTS_DELETE, obj=client)
    client = _locked(actor, client)
    if client.is_deleted:
        return client
    before = client_snapshot(client)
    client.is_deleted = True
    client.deleted_at = timezone.now()
    client.deleted_by = actor
    client.version += 1
    client.save()
    security_event_record(
        event_type="client.deleted", actor=actor, target=client, before=before, after=client_snapshot(client)
    )
    return client


@transaction.atomic
def client_restore(*, actor, client: Client) -> Client:
    require(actor, Perm.CLIENTS_DELETE, obj=client)
    if not actor.is_designated_owner:
        raise PermissionDenied(_("Only the owner can restore deleted clients."))
    client = _locked(actor, client)
    if not client.is_deleted:
        return client
    if client.merged_into_id:
        raise Conflict(_("This client was merged into another one and cannot be restored."))
    before = client_snapshot(client)
    client.is_deleted = False
    client.deleted_at = None
    client.deleted_by = None
    client.version += 1
    client.save()
    security_event_record(
        event_type="client.restored", actor=actor, target=client, before=before, after=client_snapshot(client)
    )
    return client


@transaction.atomic
def client_merge(*, actor, keep: Client, duplicate: Client) -> Client:
    """Move the duplicate's appointments and payments to `keep`, fill its empty fields, and retire the duplicate."""
    require(actor, Perm.CLIENTS_DELETE, obj=keep)
    require(actor, Perm.CLIENTS_DELETE, obj=duplicate)
    if keep.pk == duplicate.pk:
        raise field_error("duplicate_id", _("Choose two different clients."))
    first, second = sorted([keep.pk, duplicate.pk])
    locked = {
        c.pk: c for c in Client.objects.for_business(actor.business).select_for_update().filter(pk__in=[first, second])
    }
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.is_deleted or duplicate.is_deleted:
        raise Conflict(_("A deleted client cannot be merged."))
    before = {"keep": client_snapshot(keep), "duplicate": client_snapshot(duplicate)}
    for name in ("phone", "email"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    keep.tags = _clean_tags([*keep.tags, *duplicate.tags])
    if duplicate.notes:
        keep.notes = "\n".join(part for part in (keep.notes, duplicate.notes) if part)
    keep.accepts_messages = keep.accepts_messages or duplicate.accepts_messages
    _refresh_search_text(keep)
    keep.version += 1
    keep.save()
    moved = {}
    for counts in client_merged.call_all(actor.business, duplicate, keep):  # scheduling and payments, above clients
        moved.update(counts)
    duplicate.is_deleted = True
    duplicate.deleted_at = timezone.now()
    duplicate.deleted_by = actor
    duplicate.merged_into = keep
    duplicate.version += 1
    duplicate.save()
    security_event_record(
        event_type="client.merged",
        actor=actor,
        target=keep,
        before=before,
        after={
            "keep": client_snapshot(keep),
            "merged_client_id": duplicate.pk,
            **moved,
        },
    )
    return keep


def client_contacts_for(actor, client: Client) -> dict:
    """The contacts as this employee may see them: masked without `clients.view_contacts` (pages, API, export)."""
    if has_permission(actor, Perm.CLIENTS_VIEW_CONTACTS):
        return {"phone": client.phone, "email": client.email, "contacts_masked": False}
    return {"phone": mask_phone(client.phone), "email": mask_email(client.email), "contacts_masked": True}


EXPORT_COLUMNS = ("id", "full_name", "phone", "email", "tags", "accepts_messages", "notes", "created_at")


@transaction.atomic
def clients_export_csv(*, actor, clients: Iterable[Client], filters: dict | None = None) -> str:
    """CSV of the given clients, with contacts masked as for this employee; the export is a security event."""
    require(actor, Perm.CLIENTS_EXPORT)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for client in clients:
        if client.business_id != actor.business_id:
            continue
        contacts = client_contacts_for(actor, client)
        writer.writerow(
            [
                client.pk,
                _csv_safe(client.full_name),
                contacts["phone"],
                _csv_safe(contacts["email"]),
                _csv_safe(", ".join(client.tags)),
                "yes" if client.accepts_messages else "no",
                _csv_safe(client.notes),
                client.created_at.isoformat(),
            ]
        )
        count += 1
    security_event_record(
        event_type="client.exported", actor=actor, after={"rows": count, "filters": filters or {}}, target=None
    )
    return buffer.getvalue()


def _export_filters(params: dict) -> dict:
    return {"q": str(params.get("q") or "")[:100], "tag": str(params.get("tag") or "")[:100]}


def clients_export_count(actor, params: dict) -> int:
    from .selectors import client_search

    filters = _export_filters(params)
    return client_search(actor.business, filters["q"], tag=filters["tag"]).count()


def clients_export_build(actor, params: dict) -> ExportFile:
    """The "clients" export kind (staffroom.core.exports): the CSV of the clients found by the search."""
    from .selectors import client_search

    filters = _export_filters(params)
    clients = client_search(actor.business, filters["q"], tag=filters["tag"])
    text = clients_export_csv(actor=actor, clients=clients.iterator(chunk_size=500), filters=filters)
    return ExportFile(text.encode("utf-8"), "csv", "clients", rows=clients.count())


def _csv_safe(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ would be executed when opened.
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
