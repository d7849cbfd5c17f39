"""Server-rendered SVG charts (no JavaScript build): bars of one figure over periods or groups."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 8
MARGIN_BOTTOM = 28
MARGIN_TOP = 16


def bar_chart(points: Sequence[tuple[str, Decimal]], *, title: str) -> SafeString:
    """A bar per (label, value); negative values (a month of returns) hang below the zero line."""
    values = [Decimal(value) for _, value in points]
    top = max([*values, Decimal(0)])
    bottom = min([*values, Decimal(0)])
    span = (top - bottom) or Decimal(1)
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    # Only screen geometry becomes float here (pixel positions of bars); the amounts shown stay Decimal.
    zero_y = MARGIN_TOP + float(top / span) * plot_height
    count = max(len(points), 1)
    slot = (WIDTH - MARGIN_LEFT * 2) / count
    bar_width = max(slot * 0.7, 1)
    label_every = max(1, round(count / 12))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="none">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" x2="{WIDTH}" y1="{zero_y:.1f}" y2="{zero_y:.1f}" class="chart-axis"/>',
    ]
    for index, (label, value) in enumerate(points):
        height = float(abs(Decimal(value)) / span) * plot_height
        x = MARGIN_LEFT + index * slot + (slot - bar_width) / 2
        y = zero_y - height if value >= 0 else zero_y
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{height:.1f}" '
            f'class="chart-bar{" negative" if value < 0 else ""}"><title>{escape(label)}: {escape(value)}</title></rect>'
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" class="chart-label">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every label and value above is escaped
