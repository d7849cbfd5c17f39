"""The one authorization function, and the view/API decorators that declare and enforce it."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from staffroom.core.cache import business_scope, cached
from staffroom.core.errors import NotFound, PermissionDenied

from .catalogue import ALL_CODES, Perm

# Access rules a view or API route can declare besides a permission code.
PUBLIC = "public"  # no sign-in (sign-in pages, health check)
SIGNED_IN = "signed_in"  # any signed-in person, before a business is chosen (business picker)
EMPLOYEE = "employee"  # any active employee of the current business (dashboard, own profile)
SUPPORT_AGENT = "support_agent"  # platform staff with an active support agent profile (support console)
# Operator routes declare `operator_rule("<app_label>.<codename>")`: the operator console's own Django permission;
# OPERATOR alone: any platform operator (their own operator tokens). Both need `request.operator`, which only the
# operator authentications set.
OPERATOR = "operator"
OPERATOR_PREFIX = "operator:"


def operator_rule(perm: str) -> str:
    """The access rule of an operator route: the platform operator holds the console permission `perm`."""
    return f"{OPERATOR_PREFIX}{perm}"


def is_operator_rule(rule: str) -> bool:
    perm = rule[len(OPERATOR_PREFIX) :] if rule.startswith(OPERATOR_PREFIX) else ""
    app_label, _dot, codename = perm.partition(".")
    return bool(app_label and codename)


def support_agent_of(request):
    """The active support agent signed in on this request (platform staff only), cached on the request."""
    if not hasattr(request, "support_agent"):
        user = getattr(request, "user", None)
        agent = None
        if user is not None and user.is_authenticated and user.is_active and user.is_staff:
            # The reverse one-to-one of support.SupportAgent; a missing one is an AttributeError, hence None.
            agent = getattr(user, "support_agent", None)
        request.support_agent = agent if agent is not None and agent.is_active else None
    return request.support_agent


def role_branch_ids(employee) -> frozenset[int]:
    """The branches the employee's role is limited to (empty: every branch); cached per business across requests,
    a change of the limit bumps the business (staffroom.core.cache)."""
    found = getattr(employee, "_role_branch_ids", None)
    if found is None:
        found = cached(
            f"role-branches:{employee.pk}",
            [business_scope(employee.business_id)],
            lambda: frozenset(employee.role_branches.values_list("id", flat=True)),
        )
        employee._role_branch_ids = found
    return found


def has_permission(employee, perm: str, *, branch=None) -> bool:
    if perm not in ALL_CODES:
        raise ValueError(f"unknown permission code {perm!r}")
    if employee is None or not employee.is_active:
        return False
    if perm not in employee.role.effective_permissions:
        return False
    if branch is None:
        return True
    limited_to = role_branch_ids(employee)
    return not limited_to or getattr(branch, "pk", branch) in limited_to


def require(employee, perm: str, *, branch=None, obj=None) -> None:
    """Raise unless `employee` holds `perm` (in `branch`, if given). An object of another business is 404."""
    if obj is not None and employee is not None and getattr(obj, "business_id", None) != employee.business_id:
        raise NotFound()
    if not has_permission(employee, perm, branch=branch):
        raise PermissionDenied()


def granters_of(business, *, limit: int = 5) -> list:
    """Active employees who can give someone a right: they edit roles or assign them (for the "not allowed" page)."""
    from .models import Employee, EmployeeStatus, Role

    granting = (Perm.ROLES_MANAGE, Perm.EMPLOYEES_MANAGE)
    role_ids = [
        role.pk
        for role in Role.objects.for_business(business)
        if any(code in role.effective_permissions for code in granting)
    ]
    return list(
        Employee.objects.for_business(business)
        .filter(role_id__in=role_ids, status=EmployeeStatus.ACTIVE)
        .order_by("full_name", "id")[:limit]
    )


def _safe_back_url(request) -> str | None:
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def forbidden_response(request, perm: str | None = None):
    """The "not allowed" page: which right is missing, who in the business can grant it, and the way back."""
    from .catalogue import BY_CODE

    context = {"back_url": _safe_back_url(request)}
    info = BY_CODE.get(perm) if perm else None
    if info is not None:
        context["missing_permission"] = info
    business = getattr(request, "business", None)
    if business is not None and getattr(request, "employee", None) is not None:
        context["granters"] = [e for e in granters_of(business) if e.pk != request.employee.pk]
    return render(request, "403.html", context, status=403)


def permission_required(rule: str):
    """Declare and enforce a page's access rule: a permission code, EMPLOYEE, SIGNED_IN, SUPPORT_AGENT or PUBLIC."""
    if rule not in (PUBLIC, SIGNED_IN, EMPLOYEE, SUPPORT_AGENT) and rule not in ALL_CODES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if rule != PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if rule == SUPPORT_AGENT:
                    if support_agent_of(request) is None:
                        return render(request, "403.html", status=403)
                elif rule != SIGNED_IN:
                    if getattr(request, "employee", None) is None:
                        return redirect("tenancy:select_business")
                    if rule != EMPLOYEE and not has_permission(request.employee, rule):
                        return forbidden_response(request, rule)
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


def api_permission(rule: str):
    """Declare and enforce an API route's access rule (the API's auth has already resolved the employee)."""
    if rule not in (PUBLIC, EMPLOYEE, SUPPORT_AGENT, OPERATOR) and rule not in ALL_CODES and not is_operator_rule(rule):
        raise ValueError(f"unknown access rule {rule!r}")

    def decorator(handler):
        @wraps(handler)
        def wrapped(request, *args, **kwargs):
            if rule == OPERATOR or is_operator_rule(rule):
                # Only the operator authentications set `request.operator`: a business token never gets here.
                operator = getattr(request, "operator", None)
                if operator is None or (rule != OPERATOR and not operator.has_perm(rule[len(OPERATOR_PREFIX) :])):
                    raise PermissionDenied()
            elif rule == SUPPORT_AGENT:
                if support_agent_of(request) is None:
                    raise PermissionDenied()
            elif rule not in (PUBLIC, EMPLOYEE):
                require(request.employee, rule)
            return handler(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


class PermissionView:
    """Templates ask `can.calendar.create_appointment`; buttons and pages use the same function."""

    def __init__(self, employee, group: str | None = None):
        self._employee = employee
        self._group = group

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._group is None:
            return PermissionView(self._employee, name)
        code = f"{self._group}.{name}"
        return code in ALL_CODES and has_permission(self._employee, code)

    def __getitem__(self, name: str):
        return self.__getattr__(name)

    def __bool__(self) -> bool:
        return self._employee is not None
