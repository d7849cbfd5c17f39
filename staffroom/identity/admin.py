from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from staffroom.core.admin import ReadOnlyAdmin
from staffroom.core.errors import ApplicationError

from .models import ApiToken, OperatorToken, Person


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


class OperatorTokenForm(forms.ModelForm):
    class Meta:
        model = OperatorToken
        fields = ("name",)


@admin.register(OperatorToken)
class OperatorTokenAdmin(admin.ModelAdmin):
    """Platform staff's own operator API tokens: made here (shown once) or through the operator API, revoked here.

    Each operator sees and revokes only their own tokens; making one needs their second factor and, as every change
    in the console, a console session that signed in with it (SECURITY.md 34).
    """

    form = OperatorTokenForm
    list_display = ("name", "key_id", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(person=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a token is revoked (and logged), never deleted

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = OperatorTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            from .services import operator_token_create

            try:
                token, plain = operator_token_create(operator=request.user, name=form.cleaned_data["name"])
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                response = render(
                    request,
                    "identity/operator_token_created.html",
                    {**self.admin_site.each_context(request), "token": token, "plain": plain, "opts": self.opts},
                )
                response["Cache-Control"] = "no-store"  # the only time the token exists in plain text
                return response
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts}
        return render(request, "identity/operator_token_add.html", context)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        from .services import operator_token_revoke

        for token in queryset:
            operator_token_revoke(operator=request.user, token=token)
        count = len(queryset)
        messages.success(
            request, ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", count) % {"count": count}
        )
