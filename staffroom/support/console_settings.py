"""Supervisor pages of the support console: SLA rules, support calendars (with their custom days), canned replies."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.staff.permissions import SUPPORT_AGENT, permission_required

from . import services
from .forms import CalendarDayForm, CalendarForm, CannedReplyForm, SlaRuleForm
from .models import CannedReply, SlaRule, SupportCalendar, SupportCalendarDay


def _supervisor_or_403(request):
    agent = request.support_agent
    if not agent.is_supervisor:
        return None
    return agent


def _forbidden(request):
    return render(request, "403.html", status=403)


def _load(model, object_id):
    found = model.objects.filter(pk=object_id).first() if object_id is not None else None
    if object_id is not None and found is None:
        raise Http404
    return found


@permission_required(SUPPORT_AGENT)
@require_http_methods(["GET", "POST"])
def sla_rules(request, rule_id=None):
    agent = _supervisor_or_403(request)
    if agent is None:
        return _forbidden(request)
    rule = _load(SlaRule, rule_id)
    initial = {name: getattr(rule, name) for name in services.SLA_RULE_FIELDS} if rule else {}
    form = SlaRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sla_rule_save(agent=agent, rule=rule, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("SLA rule saved."))
            return redirect("support_console:sla_rules")
    status = 422 if request.method == "POST" else 200
    context = {"agent": agent, "rules": SlaRule.objects.order_by("plan", "ticket_type"), "form": form, "rule": rule}
    return render(request, "support/console/sla_rules.html", context, status=status)


@permission_required(SUPPORT_AGENT)
@require_POST
def sla_rule_delete(request, rule_id):
    agent = _supervisor_or_403(request)
    if agent is None:
        return _forbidden(request)
    services.sla_rule_delete(agent=agent, rule=_load(SlaRule, rule_id))
    messages.success(request, _("SLA rule removed: the plan now refuses that type of ticket."))
    return redirect("support_console:sla_rules")


@permission_required(SUPPORT_AGENT)
@require_http_methods(["GET", "POST"])
def calendars(request, calendar_id=None):
    agent = _supervisor_or_403(request)
    if agent is None:
        return _forbidden(request)
    calendar = _load(SupportCalendar, calendar_id)
    initial = (
        {name: getattr(calendar, name) for name in services.CALENDAR_FIELDS}
        if calendar
        else {"working_weekdays": [0, 1, 2, 3, 4], "day_starts_at": "09:00", "day_ends_at": "18:00"}
    )
    form = CalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.calendar_save(agent=agent, calendar=calendar, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Calendar saved."))
            return redirect("support_console:calendar", calendar_id=saved.pk)
    return _calendars_page(request, agent, calendar, form, CalendarDayForm(), 422 if request.method == "POST" else 200)


def _calendars_page(request, agent, calendar, form, day_form, status):
    context = {
        "agent": agent,
        "calendars": SupportCalendar.objects.order_by("name"),
        "calendar": calendar,
        "days": calendar.days.order_by("date") if calendar else [],
        "form": form,
        "day_form": day_form,
    }
    return render(request, "support/console/calendars.html", context, status=status)


@permission_required(SUPPORT_AGENT)
@require_POST
def calendar_day_add(request, calendar_id):
    agent = _supervisor_or_403(request)
    if agent is None:
        return _forbidden(request)
    calendar = _load(SupportCalendar, calendar_id)
    day_form = CalendarDayForm(request.POST)
    if day_form.is_valid():
        try:
            services.calendar_day_set(agent=agent, calendar=calendar, **day_form.cleaned_data)
        except ApplicationError as error:
            add_service_error(day_form, error)
        else:
            return redirect("support_console:calendar", calendar_id=calendar.pk)
    form = CalendarForm(initial={name: getattr(calendar, name) for name in services.CALENDAR_FIELDS})
    return _calendars_page(request, agent, calendar, form, day_form, 422)


@permission_required(SUPPORT_AGENT)
@require_POST
def calendar_day_remove(request, calendar_id, day_id):
    agent = _supervisor_or_403(request)
    if agent is None:
        return _forbidden(request)
    calendar = _load(SupportCalendar, calendar_id)
    day = SupportCalendarDay.objects.filter(calendar=calendar, pk=day_id).first()
    if day is None:
        raise Http404
    services.calendar_day_remove(agent=agent, day=day)
    return redirect("support_console:calendar", calendar_id=calendar.pk)


@permission_required(SUPPORT_AGENT)
@require_http_methods(["GET", "POST"])
def canned_replies(request, reply_id=None):
    agent = _supervisor_or_403(request)
    if agent is None:
        return _forbidden(request)
    reply = _load(CannedReply, reply_id)
    initial = {name: getattr(reply, name) for name in services.CANNED_REPLY_FIELDS} if reply else {"is_active": True}
    form = CannedReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_save(agent=agent, reply=reply, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("support_console:canned_replies")
    context = {"agent": agent, "replies": CannedReply.objects.order_by("title"), "form": form, "reply": reply}
    return render(
        request, "support/console/canned_replies.html", context, status=422 if request.method == "POST" else 200
    )
