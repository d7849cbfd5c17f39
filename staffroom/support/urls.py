from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("support/", views.ticket_list, name="tickets"),
    path("support/manager-price/", views.manager_price, name="manager_price"),
    path("support/new/", views.ticket_create, name="ticket_create"),
    path("support/<int:number>/", views.ticket_detail, name="ticket"),
    path("support/<int:number>/reply/", views.ticket_reply, name="ticket_reply"),
    path("support/<int:number>/reopen/", views.ticket_reopen, name="ticket_reopen"),
    path("support/<int:number>/close/", views.ticket_close, name="ticket_close"),
    path("support/<int:number>/estimates/<int:estimate_id>/accept/", views.estimate_accept, name="estimate_accept"),
    path("support/<int:number>/estimates/<int:estimate_id>/decline/", views.estimate_decline, name="estimate_decline"),
    path("support/<int:number>/delivery/accept/", views.delivery_accept, name="delivery_accept"),
    path("support/<int:number>/send-back/", views.send_back, name="send_back"),
    path("support/<int:number>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
