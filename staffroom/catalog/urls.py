from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("services/", views.service_list, name="list"),
    path("services/new/", views.service_edit, name="create"),
    path("services/<int:service_id>/", views.service_edit, name="edit"),
]
