"""URL map: business UI, sign-in (allauth), the REST API and the operator console."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from staffroom.identity import views as identity_views
from staffroom.staff.permissions import PUBLIC, permission_required

from .api import api

# The operator console signs in through allauth like everyone else (failure budget, second factor).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Staffroom operator console")
admin.site.site_title = _("Staffroom operator console")

urlpatterns = [
    path("operator/", admin.site.urls),
    path("", include("staffroom.security.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", identity_views.language_set, name="set_language"),
    path("jsi18n/", permission_required(PUBLIC)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("", include("staffroom.runtime.urls")),
    path("", include("staffroom.tenancy.urls")),
    path("", include("staffroom.identity.urls")),
    path("", include("staffroom.staff.urls")),
    path("", include("staffroom.support.urls")),
    path("", include("staffroom.support.console_urls")),
    path("", include("staffroom.billing.urls")),
    path("", include("staffroom.clients.urls")),
    path("", include("staffroom.catalog.urls")),
    path("", include("staffroom.scheduling.urls")),
    path("", include("staffroom.payments.urls")),
    path("", include("staffroom.reports.urls")),
    path("", include("staffroom.payroll.urls")),
    path("", include("staffroom.orders.urls")),
    path("", include("staffroom.exports.urls")),
    path("", include("staffroom.webhooks.urls")),
    # Last: the public booking pages start with a business's slug.
    path("", include("staffroom.booking.urls")),
]

handler403 = "staffroom.core.views.forbidden"
handler404 = "staffroom.core.views.not_found"
