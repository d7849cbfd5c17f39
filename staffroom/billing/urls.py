from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/", views.overview, name="overview"),
    path("billing/next-term/", views.next_term_change, name="next_term"),
    path("billing/purchase/", views.purchase, name="purchase"),
    path("billing/invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("billing/invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("billing/savings/", views.savings_center, name="savings"),
    path("billing/details/", views.billing_details_change, name="details"),
    path("billing/preview/employee/", views.preview_employee, name="preview_employee"),
    path("billing/preview/role/<int:role_id>/", views.preview_role, name="preview_role"),
    path("billing/savings/<int:employee_id>/make-free/", views.make_free, name="make_free"),
]
