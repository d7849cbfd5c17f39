"""Security event types and outcomes are stored as codes; these are their names in the reader's language.

Pages, exports and e-mails show `event_type_label(code)`; the stored code stays the filter key and the
value in the hash chain. A code missing here is shown as it is (and a test lists the ones the code emits).
"""

from django.utils.translation import pgettext_lazy

from staffroom.core.labels import code_label

# Each label is a literal pgettext_lazy call so that makemessages extracts it.
EVENT_TYPE_LABELS = {
    "api_token.created": pgettext_lazy("security event", "API token created"),
    "api_token.revoked": pgettext_lazy("security event", "API token revoked"),
    "appointment.cancelled": pgettext_lazy("security event", "Appointment cancelled"),
    "appointment.created": pgettext_lazy("security event", "Appointment created"),
    "appointment.discount_changed": pgettext_lazy("security event", "Appointment discount changed"),
    "appointment.rescheduled": pgettext_lazy("security event", "Appointment rescheduled"),
    "appointment.status_changed": pgettext_lazy("security event", "Appointment status changed"),
    "appointment.updated": pgettext_lazy("security event", "Appointment changed"),
    "billing.invoice_issued": pgettext_lazy("security event", "Invoice issued"),
    "billing.invoice_paid": pgettext_lazy("security event", "Invoice paid"),
    "billing.invoice_voided": pgettext_lazy("security event", "Invoice voided"),
    "billing.next_term_changed": pgettext_lazy("security event", "Next billing term changed"),
    "billing.plan_revised": pgettext_lazy("security event", "Plan revised"),
    "billing.saving_realized": pgettext_lazy("security event", "Seat saving realized"),
    "billing.seats_changed": pgettext_lazy("security event", "Paid seats changed"),
    "billing.status_changed": pgettext_lazy("security event", "Subscription status changed"),
    "billing.subscription_started": pgettext_lazy("security event", "Subscription started"),
    "billing.term_opened": pgettext_lazy("security event", "Billing term opened"),
    "branch.created": pgettext_lazy("security event", "Branch created"),
    "branch.opening_hours_changed": pgettext_lazy("security event", "Opening hours changed"),
    "branch.updated": pgettext_lazy("security event", "Branch changed"),
    "business.created": pgettext_lazy("security event", "Business created"),
    "business.settings_changed": pgettext_lazy("security event", "Business settings changed"),
    "client.created": pgettext_lazy("security event", "Client created"),
    "client.deleted": pgettext_lazy("security event", "Client deleted"),
    "client.exported": pgettext_lazy("security event", "Clients exported"),
    "client.merged": pgettext_lazy("security event", "Clients merged"),
    "client.restored": pgettext_lazy("security event", "Client restored"),
    "client.updated": pgettext_lazy("security event", "Client changed"),
    "employee.blocked": pgettext_lazy("security event", "Employee blocked"),
    "employee.created": pgettext_lazy("security event", "Employee created"),
    "employee.role_changed": pgettext_lazy("security event", "Employee's role changed"),
    "employee.unblocked": pgettext_lazy("security event", "Employee unblocked"),
    "employee.updated": pgettext_lazy("security event", "Employee changed"),
    "kpi_target.removed": pgettext_lazy("security event", "KPI target removed"),
    "kpi_target.set": pgettext_lazy("security event", "KPI target set"),
    "order.claimed": pgettext_lazy("security event", "Order claimed"),
    "order.created": pgettext_lazy("security event", "Order created"),
    "order.exported": pgettext_lazy("security event", "Orders exported"),
    "order.reassigned": pgettext_lazy("security event", "Order reassigned"),
    "order.returned": pgettext_lazy("security event", "Order return registered"),
    "order.status_changed": pgettext_lazy("security event", "Order status changed"),
    "order.updated": pgettext_lazy("security event", "Order changed"),
    "pay_scheme.assigned": pgettext_lazy("security event", "Pay scheme assigned"),
    "pay_scheme.created": pgettext_lazy("security event", "Pay scheme created"),
    "pay_scheme.updated": pgettext_lazy("security event", "Pay scheme changed"),
    "payment.refunded": pgettext_lazy("security event", "Payment refunded"),
    "payment.taken": pgettext_lazy("security event", "Payment taken"),
    "payroll_run.approved": pgettext_lazy("security event", "Payroll run approved"),
    "payroll_run.created": pgettext_lazy("security event", "Payroll run created"),
    "payroll_run.deleted": pgettext_lazy("security event", "Payroll run deleted"),
    "payroll_run.exported": pgettext_lazy("security event", "Payroll run exported"),
    "payroll_run.recalculated": pgettext_lazy("security event", "Payroll run recalculated"),
    "report.exported": pgettext_lazy("security event", "Report exported"),
    "role.created": pgettext_lazy("security event", "Role created"),
    "role.deleted": pgettext_lazy("security event", "Role deleted"),
    "role.permissions_changed": pgettext_lazy("security event", "Role permissions changed"),
    "role.updated": pgettext_lazy("security event", "Role changed"),
    "schedule.exception_cleared": pgettext_lazy("security event", "Schedule exception cleared"),
    "schedule.exception_set": pgettext_lazy("security event", "Schedule exception set"),
    "schedule.working_hours_changed": pgettext_lazy("security event", "Working hours changed"),
    "second_factor.approval_approved": pgettext_lazy("security event", "Sign-in approved on a device"),
    "second_factor.approval_cancelled": pgettext_lazy("security event", "Sign-in approval cancelled"),
    "second_factor.approval_denied": pgettext_lazy("security event", "Sign-in denied on a device"),
    "second_factor.approval_expired": pgettext_lazy("security event", "Sign-in approval expired"),
    "second_factor.approval_requested": pgettext_lazy("security event", "Sign-in approval requested"),
    "second_factor.email_code_sent": pgettext_lazy("security event", "Sign-in code e-mailed"),
    "second_factor.failed": pgettext_lazy("security event", "Second factor failed"),
    "second_factor.passed": pgettext_lazy("security event", "Second factor passed"),
    "security.two_factor_policy_changed": pgettext_lazy("security event", "Two-step policy changed"),
    "security_log.exported": pgettext_lazy("security event", "Security log exported"),
    "security_log.viewed": pgettext_lazy("security event", "Security log viewed"),
    "service.created": pgettext_lazy("security event", "Service created"),
    "service.specialists_changed": pgettext_lazy("security event", "Service specialists changed"),
    "service.updated": pgettext_lazy("security event", "Service changed"),
    "service_category.created": pgettext_lazy("security event", "Service category created"),
    "service_category.updated": pgettext_lazy("security event", "Service category changed"),
    "session.ended": pgettext_lazy("security event", "Session ended"),
    "session.ended_by_owner": pgettext_lazy("security event", "Session ended by the owner"),
    "session.others_ended": pgettext_lazy("security event", "Other sessions ended"),
    "sign_in.failed": pgettext_lazy("security event", "Sign-in failed"),
    "sign_in.locked": pgettext_lazy("security event", "Sign-in locked"),
    "sign_in.succeeded": pgettext_lazy("security event", "Signed in"),
    "sign_in.unlocked": pgettext_lazy("security event", "Sign-in unlocked"),
    "sign_out": pgettext_lazy("security event", "Signed out"),
    "support_estimate.accepted": pgettext_lazy("security event", "Support estimate accepted"),
    "support_plan.changed": pgettext_lazy("security event", "Support plan changed"),
    "support_ticket.closed": pgettext_lazy("security event", "Support ticket closed"),
    "support_ticket.filed": pgettext_lazy("security event", "Support ticket filed"),
    "support_ticket.reopened": pgettext_lazy("security event", "Support ticket reopened"),
    "support_ticket.replied": pgettext_lazy("security event", "Support ticket answered"),
    "two_factor.added": pgettext_lazy("security event", "Two-step method added"),
    "two_factor.recovery_code_used": pgettext_lazy("security event", "Recovery code used"),
    "two_factor.recovery_codes_generated": pgettext_lazy("security event", "Recovery codes generated"),
    "two_factor.removed": pgettext_lazy("security event", "Two-step method removed"),
}

OUTCOME_LABELS = {
    "success": pgettext_lazy("security event outcome", "success"),
    "failure": pgettext_lazy("security event outcome", "failure"),
    "denied": pgettext_lazy("security event outcome", "denied"),
}


def event_type_label(code: str) -> str:
    return code_label(code, EVENT_TYPE_LABELS)


def outcome_label(code: str) -> str:
    return code_label(code, OUTCOME_LABELS)
