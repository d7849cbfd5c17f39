from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("calendar/appointments/<int:appointment_id>/pay/", views.payment_take, name="take"),
    path("calendar/appointments/<int:appointment_id>/discount/", views.discount_set, name="discount"),
    path("calendar/appointments/<int:appointment_id>/allowance/", views.allowance_grant, name="allowance"),
    path("payments/<int:payment_id>/refund/", views.refund, name="refund"),
    path("payments/cash/", views.cash_summary, name="cash"),
]
