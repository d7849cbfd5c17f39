from django.urls import path

from . import views

app_name = "tenancy"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("business/select/", views.select_business, name="select_business"),
    path("settings/", views.business_settings, name="settings"),
    path("settings/branches/", views.branch_list, name="branches"),
    path("settings/branches/new/", views.branch_edit, name="branch_create"),
    path("settings/branches/<int:branch_id>/", views.branch_edit, name="branch_edit"),
]
