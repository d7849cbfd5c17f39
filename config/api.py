"""The REST API under /api/v1/: one NinjaAPI, one router per app, one error mapping."""

from ninja import NinjaAPI

from staffroom.core.api import SessionEmployeeAuth, TokenAuth, install_error_handlers
from staffroom.identity.api import router as identity_router
from staffroom.orders.api import router as orders_router
from staffroom.staff.api import router as staff_router
from staffroom.tenancy.api import router as tenancy_router

api = NinjaAPI(
    title="Staffroom API",
    version="1",
    description="Everything the Staffroom web UI does. Authenticate with `Authorization: Bearer <personal token>`.",
    auth=[TokenAuth(), SessionEmployeeAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/", tenancy_router)
api.add_router("/", staff_router)
api.add_router("/", identity_router)
api.add_router("/", orders_router)
