from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("accounts/verify/", views.sign_in_verify, name="sign_in_verify"),
    path("accounts/verify/approval/", views.sign_in_approval_status, name="sign_in_approval_status"),
    path("security/", views.event_list, name="events"),
    path("security/events/<int:event_id>/", views.event_detail, name="event"),
    path("security/export.csv", views.event_export, name="export"),
    path("security/two-factor/", views.two_factor, name="two_factor"),
    path("security/two-factor/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("accounts/2fa/", views.two_factor_home, name="two_factor_home"),
    path("security/approvals/", views.approvals_pending, name="approvals"),
    path("security/approvals/<int:approval_id>/", views.approval_decide, name="approval_decide"),
    path("security/sessions/", views.sessions, name="sessions"),
    path("security/sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("security/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("security/employees/", views.employee_index, name="employees"),
    path("security/employees/<int:employee_id>/", views.employee_security, name="employee"),
    path("security/employees/<int:employee_id>/end-sessions/", views.employee_sessions_end, name="employee_end"),
    path("security/employees/<int:employee_id>/unlock/", views.employee_unlock, name="employee_unlock"),
    path("security/policy/", views.policy, name="policy"),
]
