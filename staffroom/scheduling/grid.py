"""The branch day grid's cells as HTML, built in Python: hundreds of slots and visits per page, where a template
node per attribute would cost more than fetching the visits (see bench/bench_front_desk.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .choices import AppointmentStatus

_PLACEHOLDER = 987654321


def _px(value: float) -> str:
    return f"{value:.1f}"


def column_body(column: dict, *, zone, branch=None) -> SafeString:
    """Working blocks, free slots (links to book, drop targets), busy-elsewhere blocks and visits of one column."""
    specialist = column["specialist"]
    date = column["date"]
    book_url = reverse("scheduling:book")
    visit_url = reverse("scheduling:appointment", args=[_PLACEHOLDER])
    parts = [
        format_html_join(
            "",
            '<div class="cal-work" style="top:{}px;height:{}px"></div>',
            ((_px(block["top"]), _px(block["height"])) for block in column["working"]),
        )
    ]
    # Slots are the bulk of the grid: their values are numbers, ISO times and HH:MM labels made here, so only the
    # specialist's name (escaped once per column) needs escaping.
    branch_attr = f' data-branch="{branch.pk}"' if branch is not None else ""
    branch_query = f"&amp;branch={branch.pk}" if branch is not None else ""
    book_label = escape(_("Book %(name)s at %(time)s"))
    name = escape(specialist.full_name)
    slots = []
    for slot in column["slots"]:
        label = slot["label"]
        if column["can_book"]:
            aria = book_label.replace("%(name)s", name).replace("%(time)s", label)
            link = (
                f'href="{book_url}?specialist={specialist.pk}&amp;date={date.isoformat()}&amp;time={label}'
                f'{branch_query}" aria-label="{aria}"'
            )
        else:
            link = 'aria-hidden="true"'
        slots.append(
            f'<a class="cal-slot" style="top:{_px(slot["top"])}px;height:{_px(slot["height"])}px" '
            f'data-starts-at="{slot["starts_at"]}" data-ends-at="{slot["ends_at"]}" data-specialist="{specialist.pk}"'
            f"{branch_attr} {link}>{label}</a>"
        )
    parts.append(mark_safe("".join(slots)))  # noqa: S308 - built from escaped and generated values only
    for busy in column["busy"]:
        label = _("Busy in %(branch)s, %(start)s–%(end)s") % {
            "branch": busy["branch_name"],
            "start": busy["starts_at"].astimezone(zone).strftime("%H:%M"),
            "end": busy["ends_at"].astimezone(zone).strftime("%H:%M"),
        }
        parts.append(
            format_html(
                '<div class="cal-busy" style="top:{}px;height:{}px" data-busy-branch="{}">{}</div>',
                _px(busy["top"]),
                _px(busy["height"]),
                busy["branch_id"],
                label,
            )
        )
    labels = {value: escape(label) for value, label in AppointmentStatus.choices}  # translated once, not per visit
    online_badge = f'<span class="badge online" data-marker="online">{escape(_("Online"))}</span>'
    visits = []
    for block in column["blocks"]:
        appointment = block["appointment"]
        movable = ' data-movable="1" draggable="false"' if block["draggable"] else ""
        handle = '<span class="cal-resize" aria-hidden="true"></span>' if block["draggable"] else ""
        status = escape(appointment.status)
        online = appointment.is_online
        visits.append(
            f'<a class="cal-appt {status}{" online" if online else ""}" style="top:{_px(block["top"])}px;height:{_px(block["height"])}px" '
            f'href="{visit_url.replace(str(_PLACEHOLDER), str(appointment.pk))}" data-appointment="{appointment.pk}" '
            f'data-version="{appointment.version}" data-starts-at="{appointment.starts_at.isoformat()}" '
            f'data-ends-at="{appointment.ends_at.isoformat()}" data-specialist="{appointment.specialist_id}" '
            f'data-branch="{appointment.branch_id}"{movable}>'
            f'<span class="badge cal-status {status}">{labels.get(appointment.status, status)}</span>'
            f"<strong>{appointment.starts_at.astimezone(zone):%H:%M} {escape(block['client_name'])}</strong>"
            f"{online_badge if online else ''}{escape(block['services'])}{handle}</a>"
        )
    parts.append(mark_safe("".join(visits)))  # noqa: S308 - names, services and statuses escaped above
    return format_html_join("", "{}", ((part,) for part in parts))
