from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from staffroom.core.admin import ReadOnlyAdmin

from .models import ApiToken, Person


@admin.register(Person)
class PersonAdmin(UserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "last_login")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Platform", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["lift_sign_in_lock"]

    @admin.action(description=_("Lift the sign-in lock (support case)"))
    def lift_sign_in_lock(self, request, queryset):
        """SECURITY.md 30: platform support may lift a person's lock; each lift is logged with the operator."""
        from staffroom.security.authentication import sign_in_lock_lift

        lifted = 0
        for person in queryset:
            with transaction.atomic():
                lifted += sign_in_lock_lift(person=person, reason="platform_support", operator=request.user)
        messages.success(request, _("Sign-in lock lifted for %(count)s people.") % {"count": lifted})


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "employee", "business", "created_at", "last_used_at", "revoked_at")
    exclude = ("secret_hash",)
