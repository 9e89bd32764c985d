"""The helper map as accessible, CSP-safe inline SVG: the family in the centre, the helpers on a ring
around it.

Pure Python, no database access. Helpers are grouped by kind (authority, counselling, school/day care, health,
volunteers, other): each group has its own colour *and* its own shape, and the legend names both, so nothing
depends on colour alone. Helpers of one group sit next to each other on the ring. A helper who is no longer
involved is joined by a dashed line and named "ended" in its title.

Everything is built with ``format_html`` (all user text is escaped); there is no ``style`` attribute and no
``<style>`` element (the Content-Security-Policy forbids inline styles): colours are presentation attributes,
the classes are hooks for ``helpermap/helpermap.css``. The SVG has ``role="img"``, a ``<title>`` and a
``<desc>``; :func:`diagram_text` and the table on the page are the full text alternative. Its width and height
are given in CSS pixels so that browser zoom (200 %) enlarges the text; the page scrolls it sideways."""

from __future__ import annotations

import math

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lotse.helpermap.models import HelperKind

MARGIN = 24
NODE = 15  # half size of a helper's symbol
FAMILY_LINE = 18
FAMILY_NAMES_MAX = 6
LABEL_CHARS = 26
ROLE_CHARS = 32
LABEL_WIDTH = 200  # room reserved beside the ring for a label
NODE_SPACING = 120  # distance between neighbouring helpers on the ring
RING_MIN = 210
FONT = 16
SMALL = 14
LEGEND_ROW = 30
LEGEND_COLUMN = 290
INK = "#1b1b1b"
PAPER = "#ffffff"
LINK = "#5c5c5c"
FAMILY_FILL = "#f2f2f2"

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), each with its own shape.
STYLES = {
    HelperKind.AUTHORITY: ("#56b4e9", "square"),
    HelperKind.COUNSELLING: ("#e69f00", "circle"),
    HelperKind.EDUCATION: ("#009e73", "triangle"),
    HelperKind.HEALTH: ("#cc79a7", "cross"),
    HelperKind.VOLUNTEERS: ("#f0e442", "hexagon"),
    HelperKind.OTHER: ("#bbbbbb", "diamond"),
}
SHAPE_NAMES = {
    "square": gettext_lazy("square"), "circle": gettext_lazy("circle"), "triangle": gettext_lazy("triangle"),
    "cross": gettext_lazy("cross"), "hexagon": gettext_lazy("hexagon"), "diamond": gettext_lazy("diamond"),
}


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _points(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _shape(shape: str, cx: float, cy: float, h: float, fill: str, css: str):
    common = {"fill": fill, "stroke": INK, "css": css}
    if shape == "circle":
        return format_html('<circle class="{css}" cx="{}" cy="{}" r="{}" fill="{fill}" stroke="{stroke}" '
                           'stroke-width="1.5"/>', _n(cx), _n(cy), _n(h), **common)
    if shape == "square":
        return format_html('<rect class="{css}" x="{}" y="{}" width="{}" height="{}" fill="{fill}" '
                           'stroke="{stroke}" stroke-width="1.5"/>', _n(cx - h * 0.9), _n(cy - h * 0.9),
                           _n(h * 1.8), _n(h * 1.8), **common)
    if shape == "triangle":
        points = [(cx, cy - h * 1.1), (cx + h * 1.05, cy + h * 0.8), (cx - h * 1.05, cy + h * 0.8)]
    elif shape == "cross":
        a, b = h * 0.38, h
        points = [(cx - a, cy - b), (cx + a, cy - b), (cx + a, cy - a), (cx + b, cy - a), (cx + b, cy + a),
                  (cx + a, cy + a), (cx + a, cy + b), (cx - a, cy + b), (cx - a, cy + a), (cx - b, cy + a),
                  (cx - b, cy - a), (cx - a, cy - a)]
    elif shape == "hexagon":
        points = [(cx + h * math.cos(math.radians(60 * i)), cy + h * math.sin(math.radians(60 * i)))
                  for i in range(6)]
    else:  # diamond
        points = [(cx, cy - h * 1.15), (cx + h * 1.15, cy), (cx, cy + h * 1.15), (cx - h * 1.15, cy)]
    return format_html('<polygon class="{css}" points="{}" fill="{fill}" stroke="{stroke}" '
                       'stroke-width="1.5"/>', _points(points), **common)


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, limit: int, lines: int = 2) -> list[str]:
    words, result, current = " ".join((text or "").split()).split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            result.append(current)
            current = word
    if current:
        result.append(current)
    if len(result) > lines:
        result = result[: lines - 1] + [_short(" ".join(result[lines - 1:]), limit)]
    return [_short(line, limit) for line in result] or [""]


def _text(x: float, y: float, text: str, *, anchor: str = "middle", size: int = FONT, bold: bool = False,
          css: str = "helpermap-label"):
    return format_html('<text class="{}" x="{}" y="{}" text-anchor="{}" font-family="sans-serif" '
                       'font-size="{}" font-weight="{}" fill="{}">{}</text>', css, _n(x), _n(y), anchor, size,
                       "bold" if bold else "normal", INK, text)


def _concat(parts) -> str:
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part comes from format_html


def _node_title(node) -> str:
    parts = [node.name]
    if node.organisation:
        parts.append(node.organisation)
    parts.append(", ".join(node.roles) or "–")
    parts.append(node.kind_label)
    if node.is_ended:
        parts.append(_("ended on %(date)s") % {"date": node.ended_on.strftime("%d.%m.%Y")})
    return " – ".join(parts)


def _family_label(family: list[str]) -> str:
    return ", ".join(family) if family else _("the family")


def describe(*, family: list[str], nodes) -> str:
    """The one-paragraph ``<desc>``: who is in the centre, how many helpers of which group."""
    count = len(nodes)
    text = ngettext("%(family)s in the centre, surrounded by %(count)d helper.",
                    "%(family)s in the centre, surrounded by %(count)d helpers.", count) % {
        "family": _family_label(family), "count": count}
    groups = []
    for kind in HelperKind:
        number = sum(1 for node in nodes if node.kind == kind.value)
        if number:
            colour, shape = STYLES[kind]
            groups.append(f"{kind.label} ({SHAPE_NAMES[shape]}): {number}")
    if groups:
        text += " " + "; ".join(groups) + "."
    return text


def diagram_text(*, family: list[str], nodes) -> list[str]:
    """The diagram as sentences, one per helper (plain strings, escaped by the template)."""
    sentences = [_("In the centre: %(family)s.") % {"family": _family_label(family)}]
    for node in nodes:
        sentences.append(_node_title(node))
    if not nodes:
        sentences.append(_("No helpers recorded yet."))
    return sentences


def render_helper_map(*, family: list[str], nodes, title: str, id_prefix: str = "helpermap") -> str:
    count = len(nodes)
    ring = max(RING_MIN, count * NODE_SPACING / (2 * math.pi))
    half_width = ring + NODE + 12 + LABEL_WIDTH
    cx = MARGIN + half_width
    cy = MARGIN + ring + NODE + 60
    width = 2 * (MARGIN + half_width)
    shown = family[:FAMILY_NAMES_MAX]
    if len(family) > FAMILY_NAMES_MAX:
        shown.append(_("and %(count)d more") % {"count": len(family) - FAMILY_NAMES_MAX})
    family_radius = max(62, (len(shown) + 1) * FAMILY_LINE / 2 + 18)

    links, symbols = [], []
    for index, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + ring * cos, cy + ring * sin
        dash = ' stroke-dasharray="7 5"' if node.is_ended else ""
        links.append(format_html(
            '<line class="helpermap-link{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}/>',
            " helpermap-link--ended" if node.is_ended else "", _n(cx + family_radius * cos),
            _n(cy + family_radius * sin), _n(x - NODE * cos), _n(y - NODE * sin), LINK, mark_safe(dash)))
        colour, shape = STYLES.get(node.kind, STYLES[HelperKind.OTHER])
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        offset = NODE + 10
        lx = x if anchor == "middle" else x + (offset + 2 if anchor == "start" else -offset - 2)
        lines = _wrap(node.name, LABEL_CHARS)
        role = _short(", ".join(node.roles), ROLE_CHARS)
        if node.is_ended:
            role = _short(_("ended: %(role)s") % {"role": role}, ROLE_CHARS)
        block = len(lines) * (FONT + 3) + SMALL + 3
        if anchor == "middle":
            top = y + offset + FONT if sin > 0 else y - offset - block + FONT
        else:
            top = y - block / 2 + FONT
        parts = [format_html("<title>{}</title>", _node_title(node)),
                 _shape(shape, x, y, NODE, colour, f"helpermap-symbol helpermap-kind-{node.kind}")]
        for number, line in enumerate(lines):
            parts.append(_text(lx, top + number * (FONT + 3), line, anchor=anchor, bold=True))
        parts.append(_text(lx, top + len(lines) * (FONT + 3), role, anchor=anchor, size=SMALL,
                           css="helpermap-role"))
        symbols.append(format_html('<g class="helpermap-node helpermap-kind-{}" id="{}-node-{}">{}</g>',
                                   node.kind, id_prefix, index, _concat(parts)))

    family_parts = [format_html('<circle class="helpermap-family" cx="{}" cy="{}" r="{}" fill="{}" '
                                'stroke="{}" stroke-width="3"/>', _n(cx), _n(cy), _n(family_radius),
                                FAMILY_FILL, INK)]
    first = cy - (len(shown) + 1) * FAMILY_LINE / 2 + FAMILY_LINE - 3
    family_parts.append(_text(cx, first, _("Family"), size=SMALL, css="helpermap-role"))
    for number, name in enumerate(shown, start=1):
        family_parts.append(_text(cx, first + number * FAMILY_LINE, _short(name, 14), bold=True))
    if not nodes:
        family_parts.append(_text(cx, cy + family_radius + 30, _("No helpers recorded yet.")))

    legend_top = cy + ring + NODE + 70
    kinds = [kind for kind in HelperKind if any(node.kind == kind.value for node in nodes)]
    items = [("kind", kind) for kind in kinds]
    if any(node.is_ended for node in nodes):
        items.append(("ended", None))
    per_row = max(1, int((width - 2 * MARGIN) // LEGEND_COLUMN))
    legend = [_text(MARGIN, legend_top, _("Legend"), anchor="start", bold=True)] if items else []
    for index, (item, kind) in enumerate(items):
        lx = MARGIN + (index % per_row) * LEGEND_COLUMN
        ly = legend_top + 14 + (index // per_row) * LEGEND_ROW
        if item == "kind":
            colour, shape = STYLES[kind]
            legend.append(_shape(shape, lx + 12, ly + 11, 9, colour,
                                 f"helpermap-symbol helpermap-kind-{kind.value}"))
            label = f"{kind.label} ({SHAPE_NAMES[shape]})"
        else:
            legend.append(format_html('<line class="helpermap-link helpermap-link--ended" x1="{}" y1="{}" '
                                      'x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="7 5"/>',
                                      _n(lx), _n(ly + 11), _n(lx + 26), _n(ly + 11), LINK))
            label = _("dashed line: no longer involved")
        legend.append(_text(lx + 34, ly + 16, label, anchor="start", size=SMALL,
                            css="helpermap-legend-label"))
    rows = (len(items) + per_row - 1) // per_row
    height = legend_top + 14 + rows * LEGEND_ROW + MARGIN if items else cy + ring + NODE + 80
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="helpermap" viewBox="0 0 {w} {h}" width="{w}"'
        ' height="{h}" role="img" aria-labelledby="{tid} {did}">'
        '<title id="{tid}">{title}</title><desc id="{did}">{desc}</desc>'
        '<rect x="0" y="0" width="{w}" height="{h}" fill="{paper}"/>'
        '<g class="helpermap-links">{links}</g><g class="helpermap-family-group">{family}</g>'
        '<g class="helpermap-nodes">{nodes}</g><g class="helpermap-legend">{legend}</g></svg>',
        w=_n(width), h=_n(height), tid=title_id, did=desc_id, title=title,
        desc=describe(family=family, nodes=nodes),
        paper=PAPER, links=_concat(links), family=_concat(family_parts), nodes=_concat(symbols),
        legend=_concat(legend))
