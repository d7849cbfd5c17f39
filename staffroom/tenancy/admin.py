"""Operator console: businesses (created through the same onboarding service as everywhere) and branches."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from staffroom.core.admin import PlatformAdmin

from .models import Branch, Business


class BusinessOnboardForm(forms.ModelForm):
    owner_name = forms.CharField(max_length=200)
    owner_email = forms.EmailField(help_text=_("The owner sets a password through 'Forgot your password?'"))
    branch_names = forms.CharField(initial="Main", help_text=_("Comma-separated branch names"))

    class Meta:
        model = Business
        fields = ("name", "time_zone", "currency", "locale", "country")


@admin.register(Business)
class BusinessAdmin(PlatformAdmin):
    list_display = ("name", "time_zone", "currency", "owner", "is_active", "created_at")
    list_filter = ("is_active", "currency")
    search_fields = ("name",)
    raw_id_fields = ("owner",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "locale":
            # Only a language the UI is translated into can be the business's default.
            return forms.ChoiceField(
                label=capfirst(db_field.verbose_name), choices=settings.LANGUAGES, initial=db_field.default
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = BusinessOnboardForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*BusinessOnboardForm.Meta.fields, "owner_name", "owner_email", "branch_names"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        from staffroom.staff.services import business_onboard

        data = form.cleaned_data
        created = business_onboard(
            name=data["name"],
            time_zone=data["time_zone"],
            currency=data["currency"],
            locale=data["locale"],
            country=data["country"],
            owner_email=data["owner_email"],
            owner_name=data["owner_name"],
            branch_names=[name.strip() for name in data["branch_names"].split(",") if name.strip()] or ["Main"],
        )
        obj.pk = created.pk

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:tenancy_business_change", args=[obj.pk]))


@admin.register(Branch)
class BranchAdmin(PlatformAdmin):
    list_display = ("name", "business", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "business__name")
    raw_id_fields = ("business",)
