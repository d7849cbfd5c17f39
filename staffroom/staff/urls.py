from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("employees/", views.employee_list, name="employees"),
    path("employees/new/", views.employee_create, name="employee_create"),
    path("employees/<int:employee_id>/", views.employee_edit, name="employee_edit"),
    path("employees/<int:employee_id>/block/", views.employee_block, name="employee_block"),
    path("employees/<int:employee_id>/unblock/", views.employee_unblock, name="employee_unblock"),
    path("invitations/", views.invitations, name="invitations"),
    path("roles/", views.role_list, name="roles"),
    path("roles/new/", views.role_edit, name="role_create"),
    path("roles/<int:role_id>/", views.role_edit, name="role_edit"),
    path("roles/<int:role_id>/delete/", views.role_delete, name="role_delete"),
]
