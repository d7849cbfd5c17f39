"""URLs of online booking: the public pages (by slug and token) and the staff pages."""

from django.urls import path

from . import views

app_name = "booking"
urlpatterns = [
    path("settings/online-booking/", views.settings_page, name="settings"),
    path("settings/online-booking/branches/<int:branch_id>/", views.branch_settings_save, name="branch_settings"),
    path("calendar/online-review/", views.review_list_page, name="review"),
    path("calendar/online-review/<int:request_id>/", views.review_decide, name="review_decide"),
    path("reports/sources/", views.source_report_page, name="source_report"),
    path("book/code/<str:token>/", views.booking_code, name="code"),
    path("book/visit/<str:token>/", views.booking_manage, name="manage"),
    path("book/visit/<str:token>/visit.ics", views.booking_ics, name="ics"),
    # Last: a business's slug is the first segment (reserved words cannot be slugs).
    path("<slug:slug>/book/", views.booking_page, name="page"),
    path("<slug:slug>/book/<slug:branch_slug>/", views.booking_page, name="branch_page"),
]
