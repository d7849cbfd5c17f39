"""REST API for clients: search, card, create, edit, delete/restore, merge, CSV export (contacts masked alike)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema, Status

from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.exports.api import ExportsExportOut, export_api_response
from staffroom.security.reauthentication import api_reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import api_permission, has_permission

from . import selectors, services
from .hooks import client_card_filled
from .models import Client

router = Router(tags=["clients"])


class ClientOut(Schema):
    id: int
    full_name: str
    phone: str
    email: str
    contacts_masked: bool
    tags: list[str]
    notes: str
    accepts_messages: bool
    is_deleted: bool
    version: int


class VisitOut(Schema):
    id: int
    starts_at: dt.datetime
    status: str
    status_label: str
    specialist: str
    branch: str
    total: Decimal | None


class ClientCardOut(ClientOut):
    visits: list[VisitOut]
    balance_due: Decimal | None
    paid_total: Decimal | None


class ClientIn(Schema):
    full_name: str = Field(..., max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    notes: str = Field("", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    accepts_messages: bool = False


class ClientUpdateIn(Schema):
    full_name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    notes: str | None = Field(None, max_length=5000)
    tags: list[str] | None = Field(None, max_length=50)
    accepts_messages: bool | None = None
    expected_version: int | None = None


class MergeIn(Schema):
    duplicate_id: int


def client_out(actor, client: Client) -> dict:
    return {
        "id": client.pk,
        "full_name": client.full_name,
        **services.client_contacts_for(actor, client),
        "tags": list(client.tags),
        "notes": client.notes,
        "accepts_messages": client.accepts_messages,
        "is_deleted": client.is_deleted,
        "version": client.version,
    }


def client_card(actor, client: Client) -> dict:
    sees_money = has_permission(actor, Perm.PAYMENTS_VIEW_FINANCES)
    card = client_out(actor, client)
    card["visits"] = []
    card["balance_due"] = card["paid_total"] = None
    client_card_filled.call_all(actor, client, card, sees_money)  # scheduling and payments, above clients
    return card


def _load(request, client_id: int, include_deleted: bool = False) -> Client:
    queryset = selectors.clients_for_business(request.business, include_deleted=include_deleted)
    return get_for_business_or_404(queryset, request.business, pk=client_id)


@router.get("/clients/export.csv", response={200: None, 202: ExportsExportOut})
@api_permission(Perm.CLIENTS_EXPORT)
@api_reauthentication_required
def client_export(request, q: str = "", tag: str = ""):
    """The CSV of the clients found (200); a large export is queued instead (202 and the export: GET /exports/{id})."""
    return export_api_response(request, "clients", {"q": q, "tag": tag})


@router.get("/clients", response=list[ClientOut])
@api_permission(Perm.CLIENTS_VIEW)
def client_list(request, q: str = "", tag: str = "", deleted: bool = False, limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    include_deleted = deleted and has_permission(request.employee, Perm.CLIENTS_DELETE)
    queryset = selectors.client_search(request.business, q, tag=tag, include_deleted=include_deleted)
    if include_deleted:
        queryset = queryset.filter(is_deleted=True)
    return [client_out(request.employee, client) for client in queryset[offset : offset + limit]]


@router.get("/clients/{client_id}", response=ClientCardOut)
@api_permission(Perm.CLIENTS_VIEW)
def client_detail(request, client_id: int):
    return client_card(request.employee, _load(request, client_id))


@router.post("/clients", response={201: ClientOut})
@api_permission(Perm.CLIENTS_EDIT)
def client_create(request, payload: ClientIn):
    client = services.client_create(actor=request.employee, **payload.dict())
    return Status(201, client_out(request.employee, client))


@router.patch("/clients/{client_id}", response=ClientOut)
@api_permission(Perm.CLIENTS_EDIT)
def client_update(request, client_id: int, payload: ClientUpdateIn):
    data = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    expected_version = data.pop("expected_version", None)
    client = services.client_update(
        actor=request.employee, client=_load(request, client_id), expected_version=expected_version, **data
    )
    return client_out(request.employee, client)


@router.delete("/clients/{client_id}", response={204: None})
@api_permission(Perm.CLIENTS_DELETE)
def client_delete(request, client_id: int):
    services.client_delete(actor=request.employee, client=_load(request, client_id))
    return Status(204, None)


@router.post("/clients/{client_id}/restore", response=ClientOut)
@api_permission(Perm.CLIENTS_DELETE)
def client_restore(request, client_id: int):
    client = services.client_restore(actor=request.employee, client=_load(request, client_id, include_deleted=True))
    return client_out(request.employee, client)


@router.post("/clients/{client_id}/merge", response=ClientOut)
@api_permission(Perm.CLIENTS_DELETE)
def client_merge(request, client_id: int, payload: MergeIn):
    from staffroom.core.shortcuts import choice_for_business

    keep = _load(request, client_id)
    duplicate = choice_for_business(Client, request.business, payload.duplicate_id, "duplicate_id")
    client = services.client_merge(actor=request.employee, keep=keep, duplicate=duplicate)
    return client_out(request.employee, client)
