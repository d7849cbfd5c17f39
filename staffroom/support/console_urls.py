from django.urls import path

from . import console

app_name = "support_console"
urlpatterns = [
    path("support-desk/", console.queue, name="queue"),
    path("support-desk/tickets/<int:ticket_id>/", console.ticket, name="ticket"),
    path("support-desk/tickets/<int:ticket_id>/reply/", console.reply, name="reply"),
    path("support-desk/tickets/<int:ticket_id>/assign/", console.assign, name="assign"),
    path("support-desk/tickets/<int:ticket_id>/status/", console.change_status, name="status"),
    path("support-desk/tickets/<int:ticket_id>/estimate/", console.estimate, name="estimate"),
    path("support-desk/tickets/<int:ticket_id>/specification/", console.specify, name="specify"),
    path("support-desk/tickets/<int:ticket_id>/progress/", console.progress, name="progress"),
    path("support-desk/tickets/<int:ticket_id>/deliver/", console.deliver, name="deliver"),
    path("support-desk/tickets/<int:ticket_id>/strike/", console.strike, name="strike"),
    path("support-desk/tickets/<int:ticket_id>/strikes/<int:strike_id>/lift/", console.strike_lift, name="strike_lift"),
    path("support-desk/tickets/<int:ticket_id>/files/<int:attachment_id>/", console.attachment, name="attachment"),
    path("support-desk/report/", console.report, name="report"),
    path("support-desk/abuse-reports/", console.abuse_reports, name="abuse_reports"),
    path("support-desk/abuse-reports/<int:report_id>/review/", console.abuse_report_review, name="abuse_report_review"),
    path("support-desk/abuse-reports/<int:report_id>/decide/", console.abuse_report_decide, name="abuse_report_decide"),
    path("support-desk/businesses/<int:business_id>/manager-price/", console.manager_price, name="manager_price"),
]
