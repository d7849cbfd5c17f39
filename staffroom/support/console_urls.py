from django.urls import path

from . import console, console_settings

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
    path("support-desk/settings/sla-rules/", console_settings.sla_rules, name="sla_rules"),
    path("support-desk/settings/sla-rules/<int:rule_id>/", console_settings.sla_rules, name="sla_rule"),
    path(
        "support-desk/settings/sla-rules/<int:rule_id>/delete/",
        console_settings.sla_rule_delete,
        name="sla_rule_delete",
    ),
    path("support-desk/settings/calendars/", console_settings.calendars, name="calendars"),
    path("support-desk/settings/calendars/<int:calendar_id>/", console_settings.calendars, name="calendar"),
    path(
        "support-desk/settings/calendars/<int:calendar_id>/days/",
        console_settings.calendar_day_add,
        name="calendar_day_add",
    ),
    path(
        "support-desk/settings/calendars/<int:calendar_id>/days/<int:day_id>/remove/",
        console_settings.calendar_day_remove,
        name="calendar_day_remove",
    ),
    path("support-desk/settings/canned-replies/", console_settings.canned_replies, name="canned_replies"),
    path("support-desk/settings/canned-replies/<int:reply_id>/", console_settings.canned_replies, name="canned_reply"),
    path("support-desk/businesses/<int:business_id>/manager-price/", console.manager_price, name="manager_price"),
]
