"""Geometry of the assessment progress chart: one small line chart per life domain (small multiples).

The charts are plain SVG drawn by the template — no JavaScript. Each chart is an image with a title and a
description that reads the values out; every point also carries its value as text, and the page shows
the same numbers in a table, so nothing depends on colour or on seeing the chart.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

WIDTH, HEIGHT = 320, 170
LEFT, RIGHT, TOP, BOTTOM = 30, 16, 12, 34


def _x(index: int, count: int) -> float:
    if count <= 1:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return LEFT + index * (WIDTH - LEFT - RIGHT) / (count - 1)


def _y(value: int, low: int, high: int) -> float:
    span = max(high - low, 1)
    return TOP + (high - value) * (HEIGHT - TOP - BOTTOM) / span


def progress_chart(*, dates: list[date], series: list[dict], scale: list[tuple[int, str]]) -> dict:
    """``series``: [{"domain", "label", "values": [rating or None per date]}] -> what the template draws."""
    values = [value for value, _label in scale]
    low, high = (min(values), max(values)) if values else (1, 5)
    count = len(dates)
    labels = [day.strftime("%d.%m.%y") for day in dates]
    x_axis = [{"x": round(_x(index, count), 1), "label": label} for index, label in enumerate(labels)]
    # With many dates only every other label fits.
    step = 1 if count <= 6 else 2
    for index, tick in enumerate(x_axis):
        tick["show"] = index % step == 0 or index == count - 1
    y_axis = [{"y": round(_y(value, low, high), 1), "value": value} for value in values]
    charts = []
    for entry in series:
        points, path, pen_down = [], [], False
        for index, value in enumerate(entry["values"]):
            if value is None or not low <= value <= high:
                pen_down = False
                continue
            x, y = round(_x(index, count), 1), round(_y(value, low, high), 1)
            points.append({"x": x, "y": y, "value": value, "label_y": round(y - 6 if y - 6 > TOP else y + 14, 1)})
            path.append(f"{'L' if pen_down else 'M'}{x} {y}")
            pen_down = True
        described = [
            (_("%(date)s: %(value)s") % {"date": day.strftime("%d.%m.%Y"), "value": value})
            if value is not None else (_("%(date)s: not assessed") % {"date": day.strftime("%d.%m.%Y")})
            for day, value in zip(dates, entry["values"])]
        charts.append({
            "domain": entry["domain"], "label": entry["label"], "points": points, "path": " ".join(path),
            "description": _("Ratings on the scale from %(low)d to %(high)d. %(values)s") % {
                "low": low, "high": high, "values": "; ".join(described) or _("No assessment yet.")},
        })
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "label_y": HEIGHT - BOTTOM + 18, "x_axis": x_axis, "y_axis": y_axis,
            "charts": charts, "has_data": count > 0}
