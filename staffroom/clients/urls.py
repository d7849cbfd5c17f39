from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("clients/", views.client_list, name="list"),
    path("clients/new/", views.client_create, name="create"),
    path("clients/picker/", views.client_picker, name="picker"),
    path("clients/export.csv", views.client_export, name="export"),
    path("clients/<int:client_id>/", views.client_detail, name="card"),
    path("clients/<int:client_id>/delete/", views.client_delete, name="delete"),
    path("clients/<int:client_id>/restore/", views.client_restore, name="restore"),
    path("clients/<int:client_id>/merge/", views.client_merge, name="merge"),
]
