"""Operator console helpers: platform staff see every business, so admin querysets are explicitly unscoped."""

from django.contrib import admin

from .models import BusinessScopedQuerySet


class PlatformAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if isinstance(queryset, BusinessScopedQuerySet):
            queryset = queryset.unscoped()
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = db_field.remote_field.model._default_manager.all()
        if isinstance(queryset, BusinessScopedQuerySet):
            kwargs.setdefault("queryset", queryset.unscoped())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = db_field.remote_field.model._default_manager.all()
        if isinstance(queryset, BusinessScopedQuerySet):
            kwargs.setdefault("queryset", queryset.unscoped())
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdmin(PlatformAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
