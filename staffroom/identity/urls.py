from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("me/tokens/", views.token_list, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
