"""Geometry of the bar chart on the figures page (the template draws the SVG; the table says the same)."""

from __future__ import annotations

WIDTH = 680
LABEL_WIDTH = 230
VALUE_SPACE = 70
TOP = 24
BAR_HEIGHT = 20
GAP = 10
AXIS_SPACE = 26
LABEL_CHARS = 34


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"


def share_chart(partners: list) -> dict:
    """One horizontal bar per partner with referrals that count: the share completed, 0 to 100 per cent."""
    plot = WIDTH - LABEL_WIDTH - VALUE_SPACE
    bars = []
    for index, figures in enumerate(item for item in partners if item.counted):
        y = TOP + index * (BAR_HEIGHT + GAP)
        share = figures.share_completed or 0
        length = round(plot * share / 100, 1)
        bars.append({"label": _short(figures.partner), "name": figures.partner,
                     "share": figures.share_completed, "y": y, "text_y": y + BAR_HEIGHT / 2 + 4,
                     "width": length,
                     "value_x": LABEL_WIDTH + length + 6})
    axis_y = TOP + len(bars) * (BAR_HEIGHT + GAP)
    ticks = [{"value": value, "x": LABEL_WIDTH + round(plot * value / 100, 1)}
             for value in (0, 25, 50, 75, 100)]
    return {"bars": bars, "width": WIDTH, "height": axis_y + AXIS_SPACE, "left": LABEL_WIDTH,
            "label_x": LABEL_WIDTH - 8, "bar_height": BAR_HEIGHT, "axis_y": axis_y,
            "tick_label_y": axis_y + 16,
            "top": TOP - 6, "ticks": ticks}
