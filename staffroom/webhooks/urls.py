from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("settings/webhooks/", views.subscription_list, name="list"),
    path("settings/webhooks/new/", views.subscription_create, name="create"),
    path("settings/webhooks/<int:subscription_id>/", views.subscription_detail, name="detail"),
    path("settings/webhooks/<int:subscription_id>/active/", views.subscription_set_active, name="set_active"),
    path("settings/webhooks/<int:subscription_id>/secret/", views.subscription_rotate_secret, name="rotate_secret"),
    path("settings/webhooks/<int:subscription_id>/delete/", views.subscription_delete, name="delete"),
    path(
        "settings/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/resend/",
        views.delivery_resend,
        name="resend",
    ),
]
