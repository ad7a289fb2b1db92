"""Charts as plain SVG, drawn on the server: no JavaScript, no external chart service, no inline style
(the admin's CSP forbids it), readable with a screen reader.

Each chart is an ``<svg role="img">`` with a title and a description, the values written next to the
bars (nobody has to guess from a scale), and the same numbers as a table for assistive technology and
for copying. Colours come from attributes, in the contrast range of Wagtail's admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 70
BAR_HEIGHT = 22
GAP = 10
COLUMN_HEIGHT = 160
TOP = 20


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as shown (e.g. "4,3" or "82 %")
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    label_x: float = 0
    label_y: float = 0
    value_x: float = 0
    value_y: float = 0


def bar_chart(
    rows: list[tuple[str, float | None, str]], *, title: str, description: str = "", maximum=None
) -> SafeString:
    """Horizontal bars: one row per ``(label, value, value_as_text)``; ``None`` draws no bar ("no answers")."""
    values = [value for _label, value, _text in rows if value is not None]
    top = maximum if maximum is not None else max(values, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value, text) in enumerate(rows):
        width = 0 if value is None else max(plot * value / top, 1 if value else 0)
        y = TOP + index * (BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                str(label),
                value,
                text,
                x=LABEL_WIDTH,
                y=y,
                width=round(width, 1),
                height=BAR_HEIGHT,
                label_x=LABEL_WIDTH - 8,
                label_y=y + 16,
                value_x=round(LABEL_WIDTH + width + 6, 1),
                value_y=y + 16,
            )
        )
    return _render("bars", title, description, bars, TOP + len(rows) * (BAR_HEIGHT + GAP))


def column_chart(
    rows: list[tuple[str, float | None, str]], *, title: str, description: str = "", maximum=None
) -> SafeString:
    """Vertical columns over time (e.g. satisfaction per week), the value above each column."""
    values = [value for _label, value, _text in rows if value is not None]
    top = maximum if maximum is not None else max(values, default=0) or 1
    slot = (WIDTH - 40) / max(len(rows), 1)
    bars = []
    for index, (label, value, text) in enumerate(rows):
        height = 0 if value is None else COLUMN_HEIGHT * value / top
        x, y = 20 + index * slot + slot * 0.15, TOP + COLUMN_HEIGHT - height
        bars.append(
            Bar(
                str(label),
                value,
                text,
                x=round(x, 1),
                y=round(y, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label_x=round(x, 1),
                label_y=TOP + COLUMN_HEIGHT + 18,
                value_x=round(x, 1),
                value_y=round(y - 6, 1),
            )
        )
    return _render("columns", title, description, bars, TOP + COLUMN_HEIGHT + 40, baseline=TOP + COLUMN_HEIGHT)


_counter = iter(range(1, 10**9))


def _render(kind, title, description, bars, height, **extra) -> SafeString:
    return SafeString(
        render_to_string(
            f"digitale_balie/admin/charts/{kind}.html",
            {
                "id": f"balie-chart-{next(_counter)}",
                "title": title,
                "description": description,
                "bars": bars,
                "width": WIDTH,
                "height": height,
                **extra,
            },
        )
    )
