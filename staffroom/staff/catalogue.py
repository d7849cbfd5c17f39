"""The permission catalogue: stable dotted codes in groups, with human labels. Never gated by plan."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PermissionGroup:
    code: str
    label: Promise


@dataclass(frozen=True)
class PermissionInfo:
    code: str
    group: str
    label: Promise


GROUPS = [
    PermissionGroup("calendar", _("Calendar")),
    PermissionGroup("clients", _("Clients")),
    PermissionGroup("services", _("Services")),
    PermissionGroup("payments", _("Payments and finances")),
    PermissionGroup("orders", _("Orders")),
    PermissionGroup("tasks", _("Tasks")),
    PermissionGroup("reports", _("Reports")),
    PermissionGroup("payroll", _("Payroll")),
    PermissionGroup("employees", _("Employees and roles")),
    PermissionGroup("security", _("Security")),
    PermissionGroup("billing", _("Billing")),
    PermissionGroup("settings", _("Settings")),
    PermissionGroup("support", _("Support")),
]


class Perm:
    """Permission codes as constants, so a typo is an AttributeError rather than a silent deny."""

    CALENDAR_VIEW_ALL = "calendar.view_all"
    CALENDAR_VIEW_OWN = "calendar.view_own"
    CALENDAR_CREATE_APPOINTMENT = "calendar.create_appointment"
    CALENDAR_EDIT_APPOINTMENT = "calendar.edit_appointment"
    CALENDAR_CANCEL_APPOINTMENT = "calendar.cancel_appointment"
    CALENDAR_BOOK_OUTSIDE_HOURS = "calendar.book_outside_hours"
    CALENDAR_MANAGE_SCHEDULES = "calendar.manage_schedules"

    CLIENTS_VIEW = "clients.view"
    CLIENTS_VIEW_CONTACTS = "clients.view_contacts"
    CLIENTS_EDIT = "clients.edit"
    CLIENTS_DELETE = "clients.delete"
    CLIENTS_EXPORT = "clients.export"

    SERVICES_MANAGE = "services.manage"

    PAYMENTS_PROCESS = "payments.process"
    PAYMENTS_REFUND = "payments.refund"
    PAYMENTS_VIEW_FINANCES = "payments.view_finances"
    PAYMENTS_GRANT_ALLOWANCE = "payments.grant_allowance"

    ORDERS_CREATE = "orders.create"
    ORDERS_CLAIM = "orders.claim"
    ORDERS_VIEW_ALL = "orders.view_all"
    ORDERS_ASSIGN = "orders.assign"
    ORDERS_EXPORT = "orders.export"

    TASKS_VIEW = "tasks.view"
    TASKS_MANAGE = "tasks.manage"

    REPORTS_VIEW_SALES = "reports.view_sales"
    REPORTS_VIEW_KPI = "reports.view_kpi"
    REPORTS_EXPORT = "reports.export"

    PAYROLL_VIEW_OWN = "payroll.view_own"
    PAYROLL_VIEW_ALL = "payroll.view_all"
    PAYROLL_MANAGE = "payroll.manage"
    PAYROLL_APPROVE = "payroll.approve"

    EMPLOYEES_VIEW = "employees.view"
    EMPLOYEES_MANAGE = "employees.manage"
    EMPLOYEES_BLOCK = "employees.block"
    ROLES_MANAGE = "employees.manage_roles"

    SECURITY_VIEW_LOG = "security.view_log"
    SECURITY_EXPORT_LOG = "security.export_log"
    SECURITY_MANAGE_SESSIONS = "security.manage_sessions"
    SECURITY_VIEW_REQUEST_HISTORY = "security.view_request_history"
    SECURITY_MANAGE_POLICY = "security.manage_policy"

    BILLING_VIEW = "billing.view"
    BILLING_MANAGE = "billing.manage"

    SETTINGS_MANAGE = "settings.manage"
    SETTINGS_MANAGE_BRANCHES = "settings.manage_branches"

    SUPPORT_FILE = "support.file"
    SUPPORT_VIEW = "support.view"


CATALOGUE: list[PermissionInfo] = [
    PermissionInfo(Perm.CALENDAR_VIEW_ALL, "calendar", _("See every specialist's calendar")),
    PermissionInfo(Perm.CALENDAR_VIEW_OWN, "calendar", _("See own calendar")),
    PermissionInfo(Perm.CALENDAR_CREATE_APPOINTMENT, "calendar", _("Create appointments")),
    PermissionInfo(Perm.CALENDAR_EDIT_APPOINTMENT, "calendar", _("Reschedule and edit appointments")),
    PermissionInfo(Perm.CALENDAR_CANCEL_APPOINTMENT, "calendar", _("Cancel appointments")),
    PermissionInfo(Perm.CALENDAR_BOOK_OUTSIDE_HOURS, "calendar", _("Book outside working hours")),
    PermissionInfo(Perm.CALENDAR_MANAGE_SCHEDULES, "calendar", _("Manage working schedules")),
    PermissionInfo(Perm.CLIENTS_VIEW, "clients", _("See clients")),
    PermissionInfo(Perm.CLIENTS_VIEW_CONTACTS, "clients", _("See client phones and e-mails")),
    PermissionInfo(Perm.CLIENTS_EDIT, "clients", _("Create and edit clients")),
    PermissionInfo(Perm.CLIENTS_DELETE, "clients", _("Delete and merge clients")),
    PermissionInfo(Perm.CLIENTS_EXPORT, "clients", _("Export clients")),
    PermissionInfo(Perm.SERVICES_MANAGE, "services", _("Manage the services catalogue")),
    PermissionInfo(Perm.PAYMENTS_PROCESS, "payments", _("Take payments")),
    PermissionInfo(Perm.PAYMENTS_REFUND, "payments", _("Refund payments")),
    PermissionInfo(Perm.PAYMENTS_VIEW_FINANCES, "payments", _("See financial figures")),
    PermissionInfo(Perm.PAYMENTS_GRANT_ALLOWANCE, "payments", _("Grant allowances (a price reduction after the sale)")),
    PermissionInfo(Perm.ORDERS_CREATE, "orders", _("Create orders")),
    PermissionInfo(Perm.ORDERS_CLAIM, "orders", _("Claim unassigned orders and work own orders")),
    PermissionInfo(Perm.ORDERS_VIEW_ALL, "orders", _("See and edit all orders")),
    PermissionInfo(Perm.ORDERS_ASSIGN, "orders", _("Reassign orders")),
    PermissionInfo(Perm.ORDERS_EXPORT, "orders", _("Export orders")),
    PermissionInfo(Perm.TASKS_VIEW, "tasks", _("See tasks")),
    PermissionInfo(Perm.TASKS_MANAGE, "tasks", _("Create and complete tasks")),
    PermissionInfo(Perm.REPORTS_VIEW_SALES, "reports", _("See sales reports")),
    PermissionInfo(Perm.REPORTS_VIEW_KPI, "reports", _("See KPI")),
    PermissionInfo(Perm.REPORTS_EXPORT, "reports", _("Export reports")),
    PermissionInfo(Perm.PAYROLL_VIEW_OWN, "payroll", _("See own payslips")),
    PermissionInfo(Perm.PAYROLL_VIEW_ALL, "payroll", _("See everyone's payslips")),
    PermissionInfo(Perm.PAYROLL_MANAGE, "payroll", _("Manage pay schemes and payroll runs")),
    PermissionInfo(Perm.PAYROLL_APPROVE, "payroll", _("Approve payroll")),
    PermissionInfo(Perm.EMPLOYEES_VIEW, "employees", _("See employees")),
    PermissionInfo(Perm.EMPLOYEES_MANAGE, "employees", _("Create and edit employees")),
    PermissionInfo(Perm.EMPLOYEES_BLOCK, "employees", _("Block and unblock employees")),
    PermissionInfo(Perm.ROLES_MANAGE, "employees", _("Manage roles and permissions")),
    PermissionInfo(Perm.SECURITY_VIEW_LOG, "security", _("See the security log")),
    PermissionInfo(Perm.SECURITY_EXPORT_LOG, "security", _("Export the security log")),
    PermissionInfo(Perm.SECURITY_MANAGE_SESSIONS, "security", _("End other employees' sessions")),
    PermissionInfo(Perm.SECURITY_VIEW_REQUEST_HISTORY, "security", _("See request history")),
    PermissionInfo(Perm.SECURITY_MANAGE_POLICY, "security", _("Set the two-step sign-in policy")),
    PermissionInfo(Perm.BILLING_VIEW, "billing", _("See the subscription and invoices")),
    PermissionInfo(Perm.BILLING_MANAGE, "billing", _("Change the subscription")),
    PermissionInfo(Perm.SETTINGS_MANAGE, "settings", _("Change business settings")),
    PermissionInfo(Perm.SETTINGS_MANAGE_BRANCHES, "settings", _("Manage branches")),
    PermissionInfo(Perm.SUPPORT_FILE, "support", _("File support tickets")),
    PermissionInfo(Perm.SUPPORT_VIEW, "support", _("See the business's support tickets")),
]

ALL_CODES: frozenset[str] = frozenset(info.code for info in CATALOGUE)
BY_CODE: dict[str, PermissionInfo] = {info.code: info for info in CATALOGUE}

# Rights that make a seat billable (PRODUCT.md M1): creating appointments or orders, processing payments.
PAID_RIGHTS: dict[str, str] = {
    Perm.CALENDAR_CREATE_APPOINTMENT: "can_create_appointments",
    Perm.ORDERS_CREATE: "can_create_orders",
    Perm.PAYMENTS_PROCESS: "can_process_payments",
}


def grouped_catalogue() -> list[tuple[PermissionGroup, list[PermissionInfo]]]:
    return [(group, [info for info in CATALOGUE if info.group == group.code]) for group in GROUPS]


def _codes(*codes: str) -> list[str]:
    return sorted(codes)


# Built-in role templates, copied into every new business. "owner" is always every permission.
ROLE_TEMPLATES: dict[str, dict] = {
    "owner": {"name": _("Owner"), "permissions": sorted(ALL_CODES)},
    "administrator": {
        "name": _("Administrator"),
        "permissions": _codes(
            Perm.CALENDAR_VIEW_ALL, Perm.CALENDAR_CREATE_APPOINTMENT, Perm.CALENDAR_EDIT_APPOINTMENT,
            Perm.CALENDAR_CANCEL_APPOINTMENT, Perm.CALENDAR_BOOK_OUTSIDE_HOURS, Perm.CALENDAR_MANAGE_SCHEDULES,
            Perm.CLIENTS_VIEW, Perm.CLIENTS_VIEW_CONTACTS, Perm.CLIENTS_EDIT, Perm.CLIENTS_DELETE,
            Perm.SERVICES_MANAGE, Perm.PAYMENTS_PROCESS, Perm.PAYMENTS_REFUND, Perm.PAYMENTS_VIEW_FINANCES,
            Perm.PAYMENTS_GRANT_ALLOWANCE, Perm.ORDERS_CREATE, Perm.ORDERS_VIEW_ALL, Perm.ORDERS_ASSIGN, Perm.TASKS_VIEW, Perm.TASKS_MANAGE,
            Perm.REPORTS_VIEW_SALES, Perm.EMPLOYEES_VIEW, Perm.SUPPORT_FILE, Perm.SUPPORT_VIEW,
        ),
    },
    "manager": {
        "name": _("Manager"),
        "permissions": _codes(
            Perm.ORDERS_CREATE, Perm.ORDERS_CLAIM, Perm.TASKS_VIEW, Perm.TASKS_MANAGE,
            Perm.CLIENTS_VIEW, Perm.CLIENTS_VIEW_CONTACTS, Perm.CLIENTS_EDIT, Perm.REPORTS_VIEW_SALES,
        ),
    },
    "call_center": {
        "name": _("Call Center"),
        "permissions": _codes(
            Perm.CALENDAR_VIEW_ALL, Perm.CALENDAR_CREATE_APPOINTMENT, Perm.CALENDAR_EDIT_APPOINTMENT,
            Perm.CALENDAR_CANCEL_APPOINTMENT, Perm.CLIENTS_VIEW, Perm.CLIENTS_VIEW_CONTACTS, Perm.CLIENTS_EDIT,
        ),
    },
    "specialist": {
        "name": _("Specialist"),
        "permissions": _codes(Perm.CALENDAR_VIEW_OWN, Perm.CLIENTS_VIEW, Perm.PAYROLL_VIEW_OWN),
    },
    "accountant": {
        "name": _("Accountant"),
        "permissions": _codes(
            Perm.REPORTS_VIEW_SALES, Perm.REPORTS_VIEW_KPI, Perm.REPORTS_EXPORT, Perm.PAYMENTS_VIEW_FINANCES,
            Perm.PAYROLL_VIEW_ALL, Perm.PAYROLL_MANAGE, Perm.BILLING_VIEW,
        ),
    },
    "marketer": {
        "name": _("Marketer"),
        "permissions": _codes(
            Perm.CLIENTS_VIEW, Perm.CLIENTS_VIEW_CONTACTS, Perm.CLIENTS_EXPORT, Perm.REPORTS_VIEW_SALES,
        ),
    },
    "viewer": {
        "name": _("Viewer"),
        "permissions": _codes(
            Perm.CALENDAR_VIEW_ALL, Perm.CLIENTS_VIEW, Perm.REPORTS_VIEW_SALES, Perm.EMPLOYEES_VIEW,
        ),
    },
}  # fmt: skip
