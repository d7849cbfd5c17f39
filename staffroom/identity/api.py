"""REST API: the caller's own personal API tokens."""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.security.reauthentication import api_reauthentication_required
from staffroom.staff.permissions import EMPLOYEE, api_permission

from . import selectors, services

router = Router(tags=["api tokens"])


class IdentityTokenOut(Schema):
    id: int
    name: str
    key_id: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(IdentityTokenOut):
    token: str = Field(..., description="Shown once; store it now.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


@router.get("/tokens", response=list[IdentityTokenOut])
@api_permission(EMPLOYEE)
def token_list(request):
    return list(selectors.api_tokens_of(request.employee))


@router.post("/tokens", response={201: TokenCreatedOut})
@api_permission(EMPLOYEE)
@api_reauthentication_required  # SECURITY.md 32: a session cookie must have confirmed recently to mint a token
def token_create(request, payload: TokenIn):
    token, plain = services.api_token_create(actor=request.employee, name=payload.name)
    # The response schema reads the token's attributes once (no schema built here and validated again by ninja).
    token.token = plain
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response=IdentityTokenOut)
@api_permission(EMPLOYEE)
def token_revoke(request, token_id: int):
    token = get_for_business_or_404(selectors.api_tokens_of(request.employee), request.business, pk=token_id)
    return services.api_token_revoke(actor=request.employee, token=token)
