"""URL map: business UI, sign-in (allauth), the REST API and the operator console."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from staffroom.staff.permissions import PUBLIC, permission_required

from .api import api

admin.site.site_header = "Staffroom operator console"
admin.site.site_title = "Staffroom operator console"

urlpatterns = [
    path("operator/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", permission_required(PUBLIC)(set_language), name="set_language"),
    path("jsi18n/", permission_required(PUBLIC)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("", include("staffroom.tenancy.urls")),
    path("", include("staffroom.identity.urls")),
    path("", include("staffroom.staff.urls")),
    path("", include("staffroom.orders.urls")),
]

handler403 = "staffroom.core.views.forbidden"
handler404 = "staffroom.core.views.not_found"
