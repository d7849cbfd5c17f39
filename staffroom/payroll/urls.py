from django.urls import path

from . import views

app_name = "payroll"
urlpatterns = [
    path("payroll/", views.run_list, name="runs"),
    path("payroll/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("payroll/runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("payroll/runs/<int:run_id>/recalculate/", views.run_recalculate, name="run_recalculate"),
    path("payroll/runs/<int:run_id>/delete/", views.run_delete, name="run_delete"),
    path("payroll/runs/<int:run_id>/export.<str:fmt>", views.run_export, name="run_export"),
    path("payroll/payslips/", views.payslip_list, name="payslips"),
    path("payroll/payslips/<int:payslip_id>/", views.payslip_detail, name="payslip_detail"),
    path("payroll/lines/<int:line_id>/", views.line_facts, name="line_facts"),
    path("payroll/schemes/", views.scheme_list, name="schemes"),
    path("payroll/schemes/<int:scheme_id>/", views.scheme_edit, name="scheme_edit"),
]
