"""Security event types and outcomes are stored as codes; these are their names in the reader's language.

Pages, exports and e-mails show `event_type_label(code)`; the stored code stays the filter key and the
value in the hash chain. A code missing here is shown as it is (and a test lists the ones the code emits).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staffroom.core.labels import code_label

# Each label is a literal gettext_lazy call so that makemessages extracts it; many share the msgids of the pages.
EVENT_TYPE_LABELS = {
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "appointment.cancelled": _("Appointment cancelled"),
    "appointment.created": _("Appointment created"),
    "appointment.discount_changed": _("Appointment discount changed"),
    "appointment.rescheduled": _("Appointment rescheduled"),
    "appointment.status_changed": _("Appointment status changed"),
    "appointment.updated": _("Appointment changed"),
    "billing.invoice_issued": _("Invoice issued"),
    "billing.invoice_paid": _("Invoice paid"),
    "billing.invoice_voided": _("Invoice voided"),
    "billing.next_term_changed": _("Next billing term changed"),
    "billing.plan_revised": _("Plan revised"),
    "billing.saving_realized": _("Seat saving realized"),
    "billing.seats_changed": _("Paid seats changed"),
    "billing.status_changed": _("Subscription status changed"),
    "billing.subscription_started": _("Subscription started"),
    "billing.term_opened": _("Billing term opened"),
    "branch.created": _("Branch created"),
    "branch.opening_hours_changed": _("Opening hours changed"),
    "branch.updated": _("Branch changed"),
    "business.created": _("Business created"),
    "business.settings_changed": _("Business settings changed"),
    "client.created": _("Client created"),
    "client.deleted": _("Client deleted"),
    "client.exported": _("Clients exported"),
    "client.merged": _("Clients merged"),
    "client.restored": _("Client restored"),
    "client.updated": _("Client changed"),
    "employee.blocked": _("Employee blocked"),
    "employee.created": _("Employee created"),
    "employee.role_changed": _("Employee's role changed"),
    "employee.unblocked": _("Employee unblocked"),
    "employee.updated": _("Employee changed"),
    "kpi_target.removed": _("KPI target removed"),
    "kpi_target.set": _("KPI target set"),
    "order.claimed": _("Order claimed"),
    "order.created": _("Order created"),
    "order.exported": _("Orders exported"),
    "order.reassigned": _("Order reassigned"),
    "order.returned": _("Order return registered"),
    "order.status_changed": _("Order status changed"),
    "order.updated": _("Order changed"),
    "pay_scheme.assigned": _("Pay scheme assigned"),
    "pay_scheme.created": _("Pay scheme created"),
    "pay_scheme.updated": _("Pay scheme changed"),
    "payment.refunded": _("Payment refunded"),
    "payment.taken": _("Payment taken"),
    "payroll_run.approved": _("Payroll run approved"),
    "payroll_run.created": _("Payroll run created"),
    "payroll_run.deleted": _("Payroll run deleted"),
    "payroll_run.exported": _("Payroll run exported"),
    "payroll_run.recalculated": _("Payroll run recalculated"),
    "report.exported": _("Report exported"),
    "role.created": _("Role created"),
    "role.deleted": _("Role deleted"),
    "role.permissions_changed": _("Role permissions changed"),
    "role.updated": _("Role changed"),
    "schedule.exception_cleared": _("Schedule exception cleared"),
    "schedule.exception_set": _("Schedule exception set"),
    "schedule.working_hours_changed": _("Working hours changed"),
    "second_factor.approval_approved": _("Sign-in approved on a device"),
    "second_factor.approval_cancelled": _("Sign-in approval cancelled"),
    "second_factor.approval_denied": _("Sign-in denied on a device"),
    "second_factor.approval_expired": _("Sign-in approval expired"),
    "second_factor.approval_requested": _("Sign-in approval requested"),
    "second_factor.email_code_sent": _("Sign-in code e-mailed"),
    "second_factor.failed": _("Second factor failed"),
    "second_factor.passed": _("Second factor passed"),
    "security.two_factor_policy_changed": _("Two-step policy changed"),
    "security_log.exported": _("Security log exported"),
    "security_log.viewed": _("Security log viewed"),
    "service.created": _("Service created"),
    "service.specialists_changed": _("Service specialists changed"),
    "service.updated": _("Service changed"),
    "service_category.created": _("Service category created"),
    "service_category.updated": _("Service category changed"),
    "session.ended": _("Session ended"),
    "session.ended_by_owner": _("Session ended by the owner"),
    "session.others_ended": _("Other sessions ended"),
    "sign_in.failed": _("Sign-in failed"),
    "sign_in.locked": _("Sign-in locked"),
    "sign_in.succeeded": _("Signed in"),
    "sign_in.unlocked": _("Sign-in unlocked"),
    "sign_out": _("Signed out"),
    "support_estimate.accepted": _("Support estimate accepted"),
    "support_plan.changed": _("Support plan changed"),
    "support_ticket.closed": _("Support ticket closed"),
    "support_ticket.filed": _("Support ticket filed"),
    "support_ticket.reopened": _("Support ticket reopened"),
    "support_ticket.replied": _("Support ticket answered"),
    "two_factor.added": _("Two-step method added"),
    "two_factor.recovery_code_used": _("Recovery code used"),
    "two_factor.recovery_codes_generated": _("Recovery codes generated"),
    "two_factor.removed": _("Two-step method removed"),
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
