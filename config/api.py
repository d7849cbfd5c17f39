"""The REST API under /api/v1/: one NinjaAPI, one router per app, one error mapping."""

from staffroom.billing.api import router as billing_router
from staffroom.billing.operator_api import operator_router as billing_operator_router
from staffroom.booking.api import public_router as booking_public_router
from staffroom.booking.api import router as booking_router
from staffroom.catalog.api import router as catalog_router
from staffroom.clients.api import router as clients_router
from staffroom.core.api import (
    SessionEmployeeAuth,
    StaffroomAPI,
    StrictParser,
    TokenAuth,
    install_error_handlers,
    install_strict_input,
)
from staffroom.exports.api import router as exports_router
from staffroom.identity.api import router as identity_router
from staffroom.identity.operator_api import operator_token_router
from staffroom.orders.api import router as orders_router
from staffroom.payments.api import router as payments_router
from staffroom.payroll.api import router as payroll_router
from staffroom.reports.api import router as reports_router
from staffroom.scheduling.api import router as scheduling_router
from staffroom.security.api import router as security_router
from staffroom.staff.api import router as staff_router
from staffroom.support.api import agent_router as support_agent_router
from staffroom.support.api import router as support_router
from staffroom.tenancy.api import router as tenancy_router
from staffroom.webhooks.api import router as webhooks_router

api = StaffroomAPI(
    title="Staffroom API",
    version="1",
    description="Everything the Staffroom web UI does. Authenticate with `Authorization: Bearer <personal token>`.",
    auth=[TokenAuth(), SessionEmployeeAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StrictParser(),
)
install_error_handlers(api)

api.add_router("/", tenancy_router)
api.add_router("/", staff_router)
api.add_router("/", identity_router)
api.add_router("/", support_router)
api.add_router("/", support_agent_router)
api.add_router("/", security_router)
api.add_router("/", billing_router)
api.add_router("/", clients_router)
api.add_router("/", catalog_router)
api.add_router("/", scheduling_router)
api.add_router("/", payments_router)
api.add_router("/", reports_router)
api.add_router("/", payroll_router)
api.add_router("/", orders_router)
api.add_router("/", booking_router)
api.add_router("/", booking_public_router)
api.add_router("/", webhooks_router)
# Platform operators (operator tokens or the console's session); no business route takes their credentials.
api.add_router("/", operator_token_router)
api.add_router("/", billing_operator_router)
api.add_router("/", exports_router)
install_strict_input(api)
