"""Operator API: a platform operator's own operator tokens, and the password confirmation that minting one needs."""

from datetime import datetime

from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema, Status

from staffroom.core.api import OperatorSessionAuth, OperatorTokenAuth
from staffroom.security.reauthentication import api_reauthenticate, api_reauthentication_required
from staffroom.staff.permissions import OPERATOR, api_permission

from . import selectors, services

operator_token_router = Router(tags=["operator console"], auth=[OperatorTokenAuth(), OperatorSessionAuth(csrf=True)])


class IdentityOperatorTokenOut(Schema):
    id: int
    name: str
    key_id: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IdentityOperatorTokenCreatedOut(IdentityOperatorTokenOut):
    token: str = Field(..., description="Shown once; send it as `Authorization: Bearer <token>` to /operator/ routes.")


class IdentityOperatorTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class IdentityOperatorReauthenticateIn(Schema):
    password: str = Field(..., max_length=512)


@operator_token_router.post("/operator/reauthenticate", response={204: None})
@api_permission(OPERATOR)
def operator_reauthenticate(request, payload: IdentityOperatorReauthenticateIn):
    """Confirm your password: for a few minutes this token (or session) may mint another operator token."""
    api_reauthenticate(request, person=request.operator, password=payload.password)
    return Status(204, None)


@operator_token_router.get("/operator/tokens", response=list[IdentityOperatorTokenOut])
@api_permission(OPERATOR)
def operator_token_list(request):
    return list(selectors.operator_tokens_of(request.operator))


@operator_token_router.post("/operator/tokens", response={201: IdentityOperatorTokenCreatedOut})
@api_permission(OPERATOR)
@api_reauthentication_required(tokens_confirm=True)
def operator_token_create(request, payload: IdentityOperatorTokenIn, response: HttpResponse):
    """A new operator token for yourself (shown once): needs your second factor and a recent password confirmation."""
    response["Cache-Control"] = "no-store"
    token, plain = services.operator_token_create(operator=request.operator, name=payload.name)
    return Status(201, {**IdentityOperatorTokenOut.from_orm(token).dict(), "token": plain})


@operator_token_router.post("/operator/tokens/{token_id}/revoke", response=IdentityOperatorTokenOut)
@api_permission(OPERATOR)
def operator_token_revoke(request, token_id: int):
    token = selectors.operator_tokens_of(request.operator).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return services.operator_token_revoke(operator=request.operator, token=token)
