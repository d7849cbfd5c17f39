from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("orders/", views.order_list, name="list"),
    path("orders/new/", views.order_create, name="create"),
    path("orders/export.csv", views.order_export, name="export"),
    path("orders/<int:order_id>/", views.order_detail, name="detail"),
    path("orders/<int:order_id>/edit/", views.order_edit, name="edit"),
    path("orders/<int:order_id>/claim/", views.order_claim, name="claim"),
    path("orders/<int:order_id>/status/", views.order_status, name="status"),
    path("orders/<int:order_id>/reassign/", views.order_reassign, name="reassign"),
    path("orders/<int:order_id>/payments/", views.order_payment, name="payment"),
    path("orders/<int:order_id>/returns/", views.order_return, name="return"),
    path("orders/<int:order_id>/allowances/", views.order_allowance, name="allowance"),
    path("orders/<int:order_id>/tasks/", views.order_task_create, name="task_create"),
    path("orders/products/", views.product_list, name="products"),
    path("orders/products/<int:product_id>/", views.product_list, name="product_edit"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/done/", views.task_set_done, name="task_done"),
    path("reports/sales-by-manager/", views.sales_by_manager, name="sales_by_manager"),
]
