from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("calendar/", views.day_view, name="day"),
    path("calendar/week/", views.branch_week_view, name="branch_week"),
    path("calendar/month/", views.month_view, name="month"),
    path("calendar/specialists/<int:specialist_id>/week/", views.week_view, name="week"),
    path("calendar/specialists/<int:specialist_id>/schedule/", views.schedule_edit, name="schedule"),
    path("calendar/book/", views.appointment_book, name="book"),
    path("calendar/branches/<int:branch_id>/hours/", views.opening_hours_edit, name="opening_hours"),
    path("calendar/free-slots/", views.free_slots_page, name="free_slots"),
    path("calendar/appointments/<int:appointment_id>/", views.appointment_detail, name="appointment"),
    path("calendar/appointments/<int:appointment_id>/status/", views.appointment_status, name="appointment_status"),
    path(
        "calendar/appointments/<int:appointment_id>/reschedule/",
        views.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path("calendar/appointments/<int:appointment_id>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path(
        "calendar/appointments/<int:appointment_id>/services/",
        views.appointment_services,
        name="appointment_services",
    ),
]
