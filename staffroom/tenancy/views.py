"""Pages: home, business picker, business settings, branches."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import EMPLOYEE, PUBLIC, SIGNED_IN, permission_required, support_agent_of
from staffroom.support.selectors import support_card

from . import services
from .forms import BranchForm, BusinessSettingsForm
from .middleware import SESSION_BUSINESS_KEY, active_memberships, membership_reaches_session
from .models import Branch


@permission_required(PUBLIC)
def health(request):
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})


@permission_required(EMPLOYEE)
def home(request):
    from .dashboard import today_dashboard

    return render(
        request,
        "tenancy/home.html",
        {"dash": today_dashboard(request.employee), "support_card": support_card(request.business)},
    )


@permission_required(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def select_business(request):
    memberships = [m for m in active_memberships(request.user) if membership_reaches_session(request, m)]
    if not memberships and support_agent_of(request) is not None:
        # Support agents are platform staff, not employees: their home is the support console.
        return redirect("support_console:queue")
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.business_id) == request.POST.get("business")), None)
        if chosen is not None:
            request.session.cycle_key()
            request.session[SESSION_BUSINESS_KEY] = chosen.business_id
            return redirect("tenancy:home")
        messages.error(request, _("Choose one of your businesses."))
    return render(request, "tenancy/select_business.html", {"memberships": memberships})


@permission_required(Perm.SETTINGS_MANAGE)
@require_http_methods(["GET", "POST"])
def business_settings(request):
    business = request.business
    initial = {name: getattr(business, name) for name in services.BUSINESS_SETTINGS_FIELDS}
    form = BusinessSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_update(actor=request.employee, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("tenancy:settings")
    return render(request, "tenancy/settings.html", {"form": form})


@permission_required(Perm.SETTINGS_MANAGE_BRANCHES)
def branch_list(request):
    branches = Branch.objects.for_business(request.business)
    return render(request, "tenancy/branch_list.html", {"branches": branches})


@permission_required(Perm.SETTINGS_MANAGE_BRANCHES)
@require_http_methods(["GET", "POST"])
def branch_edit(request, branch_id=None):
    branch = get_for_business_or_404(Branch, request.business, pk=branch_id) if branch_id else None
    initial = (
        {"name": branch.name, "address": branch.address, "phone": branch.phone, "is_active": branch.is_active}
        if branch
        else {"is_active": True}
    )
    form = BranchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if branch is None:
                data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
                services.branch_create(actor=request.employee, **data)
            else:
                services.branch_update(actor=request.employee, branch=branch, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Branch saved."))
            return redirect("tenancy:branches")
    return render(request, "tenancy/branch_form.html", {"form": form, "branch": branch})
