from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/sales/", views.sales, name="sales"),
    path("reports/sales/export.<str:fmt>", views.sales_export, name="sales_export"),
    path("reports/kpi/", views.kpi, name="kpi"),
    path("reports/kpi/export.<str:fmt>", views.kpi_export, name="kpi_export"),
    path("reports/kpi/targets/", views.kpi_target_set, name="kpi_target_set"),
]
