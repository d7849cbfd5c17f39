"""Client pages: search list, picker for booking, create, card (edit, history, balance), delete/restore, merge, export."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.exports.views import export_page_response
from staffroom.security.reauthentication import reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission, permission_required

from . import selectors, services
from .api import client_card
from .forms import ClientForm, MergeForm
from .models import Client


@permission_required(Perm.CLIENTS_VIEW)
def client_list(request):
    query = request.GET.get("q", "")
    tag = request.GET.get("tag", "")
    show_deleted = request.GET.get("deleted") == "1" and has_permission(request.employee, Perm.CLIENTS_DELETE)
    queryset = selectors.client_search(request.business, query, tag=tag, include_deleted=show_deleted)
    if show_deleted:
        queryset = queryset.filter(is_deleted=True)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    rows = [(client, services.client_contacts_for(request.employee, client)) for client in page.object_list]
    return render(
        request,
        "clients/list.html",
        {"rows": rows, "page": page, "query": query, "tag": tag, "show_deleted": show_deleted},
    )


PICKER_FIELDS = ("client_id", "client")


@permission_required(Perm.CLIENTS_VIEW)
def client_picker(request):
    """htmx: radio options for the booking and order forms' client search (contacts masked as elsewhere); `field`
    names the radio input (`client_id` for the booking form, `client` for the order form)."""
    query = request.GET.get("q", "").strip()
    field = request.GET.get("field", "")
    field = field if field in PICKER_FIELDS else PICKER_FIELDS[0]
    rows = []
    if len(query) >= 2:
        clients = selectors.client_search(request.business, query)[:15]
        rows = [(client, services.client_contacts_for(request.employee, client)) for client in clients]
    return render(request, "clients/_picker.html", {"rows": rows, "query": query, "field": field})


@permission_required(Perm.CLIENTS_EDIT)
@require_http_methods(["GET", "POST"])
def client_create(request):
    can_contacts = has_permission(request.employee, Perm.CLIENTS_VIEW_CONTACTS)
    form = ClientForm(request.POST or None, can_edit_contacts=can_contacts)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            client = services.client_create(actor=request.employee, **data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Client added."))
            return redirect("clients:card", client.pk)
    return render(request, "clients/form.html", {"form": form, "client": None})


def _load(request, client_id, include_deleted=False) -> Client:
    return get_for_business_or_404(
        selectors.clients_for_business(request.business, include_deleted=include_deleted),
        request.business,
        pk=client_id,
    )


@permission_required(Perm.CLIENTS_VIEW)
@require_http_methods(["GET", "POST"])
def client_detail(request, client_id):
    deleted_ok = has_permission(request.employee, Perm.CLIENTS_DELETE)
    client = _load(request, client_id, include_deleted=deleted_ok)
    can_contacts = has_permission(request.employee, Perm.CLIENTS_VIEW_CONTACTS)
    can_edit = has_permission(request.employee, Perm.CLIENTS_EDIT) and not client.is_deleted
    initial = {
        "full_name": client.full_name,
        "phone": client.phone,
        "email": client.email,
        "tags": ", ".join(client.tags),
        "notes": client.notes,
        "accepts_messages": client.accepts_messages,
        "version": client.version,
    }
    form = ClientForm(request.POST or None, initial=initial, can_edit_contacts=can_contacts)
    if request.method == "POST":
        if not can_edit:
            return render(request, "403.html", status=403)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            try:
                services.client_update(actor=request.employee, client=client, expected_version=version, **data)
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("clients:card", client.pk)
    card = client_card(request.employee, client)
    return render(
        request,
        "clients/card.html",
        {"client": client, "card": card, "form": form, "can_edit": can_edit, "merge_form": MergeForm()},
    )


@permission_required(Perm.CLIENTS_DELETE)
@require_POST
def client_delete(request, client_id):
    client = _load(request, client_id)
    services.client_delete(actor=request.employee, client=client)
    messages.success(request, _("Client deleted. The owner can restore it."))
    return redirect("clients:list")


@permission_required(Perm.CLIENTS_DELETE)
@require_POST
def client_restore(request, client_id):
    client = _load(request, client_id, include_deleted=True)
    try:
        services.client_restore(actor=request.employee, client=client)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Client restored."))
    return redirect("clients:card", client.pk)


@permission_required(Perm.CLIENTS_DELETE)
@require_POST
def client_merge(request, client_id):
    keep = _load(request, client_id)
    form = MergeForm(request.POST)
    if form.is_valid():
        duplicate = (
            selectors.clients_for_business(request.business).filter(pk=form.cleaned_data["duplicate_id"]).first()
        )
        if duplicate is None:
            messages.error(request, _("No such client."))
        else:
            try:
                services.client_merge(actor=request.employee, keep=keep, duplicate=duplicate)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Clients merged."))
    return redirect("clients:card", keep.pk)


@permission_required(Perm.CLIENTS_EXPORT)
@reauthentication_required
def client_export(request):
    """The CSV of the clients found; a large one is built in the background (listed under Exports)."""
    return export_page_response(request, "clients", {"q": request.GET.get("q", ""), "tag": request.GET.get("tag", "")})
