"""Genogram (family diagram) rendering as accessible, CSP-safe inline SVG.

Pure Python, no layout libraries, no database access. The view layer turns
people and their relations into :class:`GenogramPerson` and
:class:`GenogramRelation` values and calls :func:`render_genogram` (the SVG)
and :func:`genogram_text` (the text alternative, which the page should show
next to or below the diagram, e.g. in a ``<details>`` element).

Notation (standard genogram symbols):
    * square = male, circle = female, diamond = divers / unknown sex;
    * an X across the symbol = deceased;
    * a double border = the person whose family page this is (focus person);
    * persons living in the current household are enclosed together by a
      dashed outline (one outline per run of neighbouring household members in
      a generation row); the legend explains it and every person's ``<title>``
      says "lives in the household", so nothing relies on colour;
    * partners are joined by a horizontal line; children hang from the middle
      of their parents' partner line (or from a single parent) via a vertical
      line and a horizontal sibling line; siblings without recorded parents
      are joined by a sibling line of their own;
    * guardianship is a dotted line, other relatives a dash-dotted line.

Layout:
    1. Generations: partners and siblings are merged into "same row" groups;
       parent relations between groups form a graph whose cycles (contradictory
       data such as "A parent of B" and "B parent of A") are broken
       deterministically by a depth-first search that drops back edges.
       Rows are longest-path layers; groups without parents are pulled down to
       sit directly above their highest child. Persons without any relation are
       in row 0. Dropped relations are not drawn but remain in the text
       alternative.
    2. Within a row, partners form a unit and stay adjacent. Units are ordered
       by barycentre sweeps (down: mean x of parents, siblings by birth year;
       up: mean x of children), then x coordinates are assigned by alternating
       down/up passes, each solved exactly as a weighted isotonic regression
       (pool-adjacent-violators) under minimum-distance constraints, which
       centres sibling groups under their parents and parents over their
       children without overlaps.

Output rules: the whole document is built with ``format_html``/``escape``, so
every user-supplied string (names, title, keys) is HTML/XML escaped; no
``style`` attribute and no ``<style>`` element are produced (the app's
Content-Security-Policy forbids inline styles) -- only presentation attributes.
The result parses as XML.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

__all__ = [
    "GenogramPerson",
    "GenogramRelation",
    "RELATION_KINDS",
    "SEXES",
    "genogram_text",
    "render_genogram",
]

SEXES = ("m", "f", "x")
RELATION_KINDS = ("partner", "parent", "sibling", "guardian", "relative")
_SYMMETRIC = {"partner", "sibling", "relative"}


@dataclass(frozen=True)
class GenogramPerson:
    key: str  # opaque id (a UUID string), used only for element ids
    label: str  # display name; escaped on output
    sex: str  # "m", "f", "x" (divers/unknown); anything else is treated as "x"
    birth_year: int | None
    deceased: bool
    in_household: bool  # lives in the current household
    is_focus: bool = False  # the person whose family page this is


@dataclass(frozen=True)
class GenogramRelation:
    a: str  # person key
    b: str  # person key
    kind: str  # "partner" | "parent" (a parent of b) | "sibling" | "guardian" (a guardian of b) | "relative"


# --------------------------------------------------------------------------- geometry constants

SYMBOL = 40  # symbol edge length / circle diameter
FOCUS_GAP = 5  # distance of the focus person's outer border
PERSON_SPACING = 160  # centre distance of neighbours in different units
PARTNER_SPACING = 170  # centre distance of partners (room for the child line)
ROW_HEIGHT = 150
MARGIN = 20
TOP = 40  # space above the first row (for sibling lines)
NAME_FONT = 13
SMALL_FONT = 12
LINE_HEIGHT = 16
NAME_CHARS = 20  # characters per label line before wrapping
NAME_LINES = 2
LEGEND_ITEM_WIDTH = 300
LEGEND_ROW_HEIGHT = 28
MIN_WIDTH = 2 * LEGEND_ITEM_WIDTH + 2 * MARGIN
INK = "#000"
PAPER = "#fff"
FONT_FAMILY = "sans-serif"
HOUSEHOLD_DASH = "8 5"
GUARDIAN_DASH = "2 4"
RELATIVE_DASH = "10 4 2 4"


# --------------------------------------------------------------------------- input normalisation


@dataclass
class _Data:
    people: list[GenogramPerson]
    index: dict[str, int]
    relations: list[GenogramRelation]  # valid, deduplicated, input order


def _normalise(people, relations) -> _Data:
    persons: list[GenogramPerson] = []
    index: dict[str, int] = {}
    for p in people or ():
        key = str(p.key)
        if key in index:
            continue  # duplicate key: first one wins
        index[key] = len(persons)
        persons.append(p)
    seen: set = set()
    rels: list[GenogramRelation] = []
    for r in relations or ():
        a, b, kind = str(r.a), str(r.b), r.kind
        if kind not in RELATION_KINDS or a == b or a not in index or b not in index:
            continue
        ident = (kind, frozenset((a, b))) if kind in _SYMMETRIC else (kind, a, b)
        if ident in seen:
            continue
        seen.add(ident)
        rels.append(GenogramRelation(a=a, b=b, kind=kind))
    return _Data(persons, index, rels)


def _sex(p: GenogramPerson) -> str:
    s = (p.sex or "").lower()
    return s if s in SEXES else "x"


# --------------------------------------------------------------------------- graph helpers


class _UnionFind:
    def __init__(self, items):
        self.parent = {i: i for i in items}

    def find(self, x):
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a, b, order):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        # keep the earliest item (by input order) as representative: deterministic
        if order[rb] < order[ra]:
            ra, rb = rb, ra
        self.parent[rb] = ra


def _acyclic_edges(nodes: list, adjacency: dict) -> set:
    """Edges of ``adjacency`` without the back edges of an iterative DFS (in ``nodes`` order)."""
    white, grey, black = 0, 1, 2
    colour = {n: white for n in nodes}
    kept: set = set()
    for start in nodes:
        if colour[start] != white:
            continue
        colour[start] = grey
        stack = [(start, iter(adjacency.get(start, ())))]
        while stack:
            node, children = stack[-1]
            advanced = False
            for child in children:
                if colour[child] == grey:
                    continue  # back edge: would close a cycle, drop it
                kept.add((node, child))
                if colour[child] == white:
                    colour[child] = grey
                    stack.append((child, iter(adjacency.get(child, ()))))
                    advanced = True
                    break
            if not advanced:
                colour[node] = black
                stack.pop()
    return kept


# --------------------------------------------------------------------------- layout


@dataclass
class _Layout:
    row: dict[str, int]  # person key -> row (generation, 0 = top)
    x: dict[str, float]  # person key -> centre x
    rows: list[list[list[str]]]  # row -> ordered units -> ordered person keys
    parent_edges: list[tuple[str, str]]  # drawn (parent, child) edges, parent row < child row
    partner_pairs: list[tuple[str, str]]
    sibling_pairs: list[tuple[str, str]]
    width: float
    height_rows: float


def _generations(data: _Data) -> tuple[dict[str, int], list[tuple[str, str]]]:
    keys = [p.key for p in data.people]
    order = data.index
    uf = _UnionFind(keys)
    for r in data.relations:
        if r.kind in ("partner", "sibling"):
            uf.union(r.a, r.b, order)
    groups = []
    seen = set()
    for k in keys:
        g = uf.find(k)
        if g not in seen:
            seen.add(g)
            groups.append(g)

    # person-level parent edges, grouped
    adjacency: dict[str, list[str]] = defaultdict(list)
    person_edges = []
    for r in data.relations:
        if r.kind != "parent":
            continue
        gp, gc = uf.find(r.a), uf.find(r.b)
        if gp == gc:
            continue  # parent in own row group (e.g. also partner/sibling): contradictory, not drawn
        person_edges.append((r.a, r.b, gp, gc))
        if gc not in adjacency[gp]:
            adjacency[gp].append(gc)
    kept = _acyclic_edges(groups, adjacency)
    children = {g: [c for c in adjacency.get(g, ()) if (g, c) in kept] for g in groups}
    indegree = {g: 0 for g in groups}
    for g in groups:
        for c in children[g]:
            indegree[c] += 1

    # Kahn topological order (deterministic: group input order)
    group_pos = {g: i for i, g in enumerate(groups)}
    ready = [g for g in groups if indegree[g] == 0]
    topo = []
    remaining = dict(indegree)
    while ready:
        ready.sort(key=group_pos.__getitem__)
        g = ready.pop(0)
        topo.append(g)
        for c in children[g]:
            remaining[c] -= 1
            if remaining[c] == 0:
                ready.append(c)
    level = {g: 0 for g in groups}
    for g in topo:
        for c in children[g]:
            level[c] = max(level[c], level[g] + 1)
    for g in reversed(topo):  # pull parentless groups down to just above their highest child
        if indegree[g] == 0 and children[g]:
            level[g] = min(level[c] for c in children[g]) - 1
    ranks = {lv: i for i, lv in enumerate(sorted(set(level.values())))}
    row = {k: ranks[level[uf.find(k)]] for k in keys}
    edges = [(a, b) for a, b, gp, gc in person_edges if (gp, gc) in kept]
    return row, edges


def _partner_units(row_keys: list[str], partners: dict[str, list[str]], order: dict[str, int]):
    """Partner clusters of one row, each ordered so that partners sit next to each other."""
    in_row = set(row_keys)
    done: set[str] = set()
    units = []
    for k in row_keys:
        if k in done:
            continue
        # collect the cluster
        cluster, queue = [], [k]
        done.add(k)
        while queue:
            n = queue.pop(0)
            cluster.append(n)
            for m in partners.get(n, ()):
                if m in in_row and m not in done:
                    done.add(m)
                    queue.append(m)
        if len(cluster) == 1:
            units.append(cluster)
            continue

        def degree(n):
            return sum(1 for m in partners.get(n, ()) if m in in_row)

        centre = min(cluster, key=lambda n: (-degree(n), order[n]))
        seq = [centre]
        placed = {centre}
        queue = [centre]
        while queue:
            n = queue.pop(0)
            for m in sorted(partners.get(n, ()), key=order.__getitem__):
                if m not in in_row or m in placed:
                    continue
                placed.add(m)
                queue.append(m)
                pos = seq.index(n)
                if pos == len(seq) - 1 and (pos != 0 or len(seq) == 1):
                    seq.append(m)
                elif pos == 0:
                    seq.insert(0, m)
                else:  # partner of someone in the middle: put on the shorter side
                    if pos < len(seq) - 1 - pos:
                        seq.insert(0, m)
                    else:
                        seq.append(m)
        for n in cluster:  # partners not reachable through the row (cannot happen, but be safe)
            if n not in placed:
                seq.append(n)
        units.append(seq)
    return units


def _offsets(unit: list[str]) -> list[float]:
    n = len(unit)
    return [(i - (n - 1) / 2) * PARTNER_SPACING for i in range(n)]


def _unit_width(unit: list[str]) -> float:
    return (len(unit) - 1) * PARTNER_SPACING


def _isotonic(targets: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Minimise sum w_i (x_i - t_i)^2 subject to x_{i+1} - x_i >= gaps[i] (pool adjacent violators)."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    blocks: list[list[float]] = []  # [weighted mean, weight, count]
    for t, w, off in zip(targets, weights, offsets):
        blocks.append([t - off, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            wt = w1 + w2
            blocks.append([(m1 * w1 + m2 * w2) / wt, wt, c1 + c2])
    fitted = []
    for mean, _w, count in blocks:
        fitted.extend([mean] * count)
    return [y + off for y, off in zip(fitted, offsets)]


def _layout(data: _Data) -> _Layout:
    order = data.index
    people = {p.key: p for p in data.people}
    row, parent_edges = _generations(data)
    parent_edges = [(a, b) for a, b in parent_edges if row[a] < row[b]]
    parents_of: dict[str, list[str]] = defaultdict(list)
    children_of: dict[str, list[str]] = defaultdict(list)
    for a, b in parent_edges:
        parents_of[b].append(a)
        children_of[a].append(b)
    partners: dict[str, list[str]] = defaultdict(list)
    partner_pairs, sibling_pairs = [], []
    loose: dict[str, list[str]] = defaultdict(list)  # guardian/relative: weak layout hints only
    for r in data.relations:
        if r.kind == "partner" and row[r.a] == row[r.b]:
            partners[r.a].append(r.b)
            partners[r.b].append(r.a)
            partner_pairs.append((r.a, r.b))
        elif r.kind == "sibling" and row[r.a] == row[r.b]:
            sibling_pairs.append((r.a, r.b))
        elif r.kind in ("guardian", "relative"):
            loose[r.a].append(r.b)
            loose[r.b].append(r.a)

    n_rows = max(row.values()) + 1 if row else 0
    by_row: list[list[str]] = [[] for _ in range(n_rows)]
    for p in data.people:
        by_row[row[p.key]].append(p.key)
    rows = [_partner_units(keys, partners, order) for keys in by_row]
    x: dict[str, float] = {}

    def place(r: int, centres: list[float]):
        for unit, c in zip(rows[r], centres):
            for k, off in zip(unit, _offsets(unit)):
                x[k] = c + off

    def gaps(r: int) -> list[float]:
        units = rows[r]
        return [
            (_unit_width(u) + _unit_width(v)) / 2 + PERSON_SPACING for u, v in zip(units, units[1:])
        ]

    def pack(r: int):
        centres, cur = [], 0.0
        for i, unit in enumerate(rows[r]):
            if i:
                cur += (_unit_width(rows[r][i - 1]) + _unit_width(unit)) / 2 + PERSON_SPACING
            centres.append(cur)
        place(r, centres)

    def centre(unit):
        return sum(x[k] for k in unit) / len(unit)

    def mean(values):
        return sum(values) / len(values) if values else None

    def birth_key(unit):
        years = [people[k].birth_year for k in unit if people[k].birth_year is not None]
        return min(years) if years else 10**6

    def min_index(unit):
        return min(order[k] for k in unit)

    for r in range(n_rows):
        rows[r].sort(key=min_index)
        pack(r)

    # 1. ordering: barycentre sweeps
    for _sweep in range(2):
        for r in range(1, n_rows):
            keyed = []
            for unit in rows[r]:
                if len(unit) == 2:  # couple: each partner on the side of their own parents
                    pa = mean([x[p] for p in parents_of.get(unit[0], ())])
                    pb = mean([x[p] for p in parents_of.get(unit[1], ())])
                    if pa is not None and pb is not None and pa > pb:
                        unit.reverse()
                bary = mean([x[p] for k in unit for p in parents_of.get(k, ())])
                if bary is None and not any(children_of.get(k) for k in unit):
                    bary = mean([x[o] for k in unit for o in loose.get(k, ()) if row[o] < r])
                keyed.append(((bary is None, bary or 0.0, birth_key(unit), min_index(unit)), unit))
            keyed.sort(key=lambda item: item[0])
            rows[r] = [u for _k, u in keyed]
            pack(r)
        for r in range(n_rows - 2, -1, -1):
            keyed = []
            for unit in rows[r]:
                bary = mean([x[c] for k in unit for c in children_of.get(k, ())])
                if bary is None and not any(parents_of.get(k) for k in unit):
                    bary = mean([x[o] for k in unit for o in loose.get(k, ()) if row[o] > r])
                keyed.append(((centre(unit) if bary is None else bary, min_index(unit)), unit))
            keyed.sort(key=lambda item: item[0])
            rows[r] = [u for _k, u in keyed]
            pack(r)

    # 2. coordinates: alternating down/up passes, each an exact isotonic regression
    def adjust(r: int, neighbours: dict[str, list[str]]):
        targets, weights = [], []
        for unit in rows[r]:
            wishes = []
            for k, off in zip(unit, _offsets(unit)):
                others = neighbours.get(k, ())
                if others:
                    wishes.append(sum(x[o] for o in others) / len(others) - off)
            if wishes:
                targets.append(sum(wishes) / len(wishes))
                weights.append(float(len(wishes)))
            elif not any(parents_of.get(k) or children_of.get(k) for k in unit) and any(
                loose.get(k) for k in unit
            ):  # only guardian/relative links: drift towards them, weakly
                hints = [x[o] - off for k, off in zip(unit, _offsets(unit)) for o in loose.get(k, ())]
                targets.append(sum(hints) / len(hints))
                weights.append(0.3)
            else:
                targets.append(centre(unit))
                weights.append(0.05)
        if targets:
            place(r, _isotonic(targets, weights, gaps(r)))

    for _pass in range(3):
        for r in range(1, n_rows):
            adjust(r, parents_of)
        for r in range(n_rows - 2, -1, -1):
            adjust(r, children_of)
    for r in range(1, n_rows):
        adjust(r, parents_of)

    if x:
        shift = MARGIN + PERSON_SPACING / 2 - min(x.values())
        for k in x:
            x[k] += shift
        width = max(x.values()) + PERSON_SPACING / 2 + MARGIN
    else:
        width = 0.0
    return _Layout(
        row=row,
        x=x,
        rows=rows,
        parent_edges=parent_edges,
        partner_pairs=partner_pairs,
        sibling_pairs=sibling_pairs,
        width=max(width, MIN_WIDTH),
        height_rows=n_rows * ROW_HEIGHT,
    )


# --------------------------------------------------------------------------- SVG helpers


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _concat(parts) -> str:
    out = escape("")  # SafeString; SafeString + SafeString stays safe
    for part in parts:
        out = out + part
    return out


def _is_rtl(text: str) -> bool:
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False


def _wrap(label: str, width: int = NAME_CHARS, lines: int = NAME_LINES) -> list[str]:
    words = []
    for word in label.split():
        while len(word) > width:
            words.append(word[:width])
            word = word[width:]
        if word:
            words.append(word)
    out: list[str] = []
    for word in words:
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        last = out[lines - 1]
        out = out[: lines - 1] + [(last[: width - 1] if len(last) >= width else last) + "…"]
    return out or [""]


def _text(x: float, y: float, content: str, *, size: int = NAME_FONT, anchor: str = "middle", bold=False):
    # White halo (paint-order stroke) keeps labels legible where a line passes behind them.
    # Right-to-left labels get direction/unicode-bidi presentation attributes.
    rtl = _is_rtl(content)
    return format_html(
        '<text x="{}" y="{}" font-size="{}" font-family="{}" font-weight="{}" text-anchor="{}" fill="{}"'
        ' stroke="{}" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
        ' direction="{}" unicode-bidi="{}">{}</text>',
        _n(x),
        _n(y),
        size,
        FONT_FAMILY,
        "bold" if bold else "normal",
        anchor,
        INK,
        PAPER,
        "rtl" if rtl else "ltr",
        "embed" if rtl else "normal",
        content,
    )


def _shape(sex: str, cx: float, cy: float, half: float, *, css: str, fill: str = PAPER):
    if sex == "m":
        return format_html(
            '<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="2"/>',
            css, _n(cx - half), _n(cy - half), _n(2 * half), _n(2 * half), fill, INK,
        )
    if sex == "f":
        return format_html(
            '<circle class="{}" cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="2"/>',
            css, _n(cx), _n(cy), _n(half), fill, INK,
        )
    d = half * 1.2  # diamonds look smaller than squares of the same size
    points = f"{_n(cx)},{_n(cy - d)} {_n(cx + d)},{_n(cy)} {_n(cx)},{_n(cy + d)} {_n(cx - d)},{_n(cy)}"
    return format_html(
        '<polygon class="{}" points="{}" fill="{}" stroke="{}" stroke-width="2"/>', css, points, fill, INK
    )


def _cross(cx: float, cy: float, half: float):
    e = half + 4
    d = (
        f"M{_n(cx - e)},{_n(cy - e)} L{_n(cx + e)},{_n(cy + e)} "
        f"M{_n(cx + e)},{_n(cy - e)} L{_n(cx - e)},{_n(cy + e)}"
    )
    return format_html(
        '<path class="genogram-deceased" d="{}" fill="none" stroke="{}" stroke-width="2"/>', d, INK
    )


def _path(d: str, css: str, dash: str | None = None):
    if dash:
        return format_html(
            '<path class="{}" d="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>',
            css, d, INK, dash,
        )
    return format_html('<path class="{}" d="{}" fill="none" stroke="{}" stroke-width="2"/>', css, d, INK)


def _row_y(r: int) -> float:
    return TOP + r * ROW_HEIGHT + SYMBOL / 2


def _sex_word(sex: str) -> str:
    return {"m": _("male"), "f": _("female")}.get(sex, _("divers or unknown sex"))


def _person_title(p: GenogramPerson) -> str:
    parts = [p.label, _sex_word(_sex(p))]
    if p.birth_year is not None:
        parts.append(_("born %(year)s") % {"year": p.birth_year})
    if p.deceased:
        parts.append(_("deceased"))
    if p.in_household:
        parts.append(_("lives in the household"))
    if p.is_focus:
        parts.append(_("person of this family page"))
    return ", ".join(parts)


def _count_phrase(n: int, one: str, many: str) -> str:
    return one if n == 1 else many % {"count": n}


def _summary(data: _Data, generations: int) -> str:
    if not data.people:
        return _("No family data has been recorded.")
    persons = _count_phrase(len(data.people), _("1 person"), _("%(count)d persons"))
    gens = _count_phrase(generations, _("1 generation"), _("%(count)d generations"))
    household = [p.label for p in data.people if p.in_household]
    if household:
        text = _("Family diagram with %(persons)s in %(generations)s; living in the household: %(names)s.")
        return text % {
            "persons": persons,
            "generations": gens,
            "names": ", ".join(household),
        }
    text = _(
        "Family diagram with %(persons)s in %(generations)s; nobody in it lives in the current household."
    )
    return text % {
        "persons": persons,
        "generations": gens,
    }


def _id_prefix(title: str, data: _Data) -> str:
    digest = hashlib.sha1("\x1f".join([str(title), *(p.key for p in data.people)]).encode()).hexdigest()
    return "genogram-" + digest[:10]


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


# --------------------------------------------------------------------------- public API


def render_genogram(people, relations, *, title: str, id_prefix: str | None = None):
    """Render the family as an inline SVG (a ``SafeString``) for direct inclusion in a template.

    ``id_prefix`` (optional) makes element ids unique when several diagrams
    share a page; by default it is derived from the title and person keys.
    """
    data = _normalise(people, relations)
    prefix = _ID_UNSAFE.sub("_", id_prefix) if id_prefix else _id_prefix(title, data)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"

    if not data.people:
        message = _summary(data, 0)
        width, height = MIN_WIDTH, 100
        body = [_text(MARGIN, 55, message, anchor="start")]
        return _svg(width, height, title, message, title_id, desc_id, body)

    lay = _layout(data)
    people_by_key = {p.key: p for p in data.people}
    n_rows = len(lay.rows)
    x, row = lay.x, lay.row
    half = SYMBOL / 2

    # ---- household outlines: one per run of neighbouring household members in a row
    household = []
    for r, units in enumerate(lay.rows):
        ordered = sorted((k for unit in units for k in unit), key=x.__getitem__)
        run: list[str] = []
        for k in ordered + [None]:
            if k is not None and people_by_key[k].in_household:
                run.append(k)
                continue
            if run:
                cy = _row_y(r)
                left = x[run[0]] - PERSON_SPACING / 2 + 6
                right = x[run[-1]] + PERSON_SPACING / 2 - 6
                top = cy - half - FOCUS_GAP - 8
                bottom = cy + half + 12 + LINE_HEIGHT * (NAME_LINES + 1)
                household.append(
                    format_html(
                        '<rect class="genogram-household" x="{}" y="{}" width="{}" height="{}" rx="12"'
                        ' fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>',
                        _n(left), _n(top), _n(right - left), _n(bottom - top), INK, HOUSEHOLD_DASH,
                    )
                )
                run = []

    # ---- lines (drawn below the symbols; symbols are filled white and cover line ends)
    lines = []
    partner_set = {frozenset(p) for p in lay.partner_pairs}
    slot = {}  # person -> (row, position in row)
    for r, units in enumerate(lay.rows):
        for i, k in enumerate(sorted((k for u in units for k in u), key=x.__getitem__)):
            slot[k] = (r, i)
    for a, b in lay.partner_pairs:
        cy = _row_y(row[a])
        xa, xb = sorted((x[a], x[b]))
        if abs(slot[a][1] - slot[b][1]) == 1:
            lines.append(_path(f"M{_n(xa)},{_n(cy)} H{_n(xb)}", "genogram-partner"))
        else:  # not neighbours (several partners): bracket above the symbols
            y = cy - half - FOCUS_GAP - 12
            lines.append(
                _path(f"M{_n(xa)},{_n(cy)} V{_n(y)} H{_n(xb)} V{_n(cy)}", "genogram-partner")
            )

    parents_of: dict[str, list[str]] = defaultdict(list)
    for a, b in lay.parent_edges:
        parents_of[b].append(a)
    families: dict[tuple, list[str]] = {}
    for child in (p.key for p in data.people):
        ps = parents_of.get(child)
        if not ps:
            continue
        if len(ps) == 2 and frozenset(ps) in partner_set:
            fam_keys = [tuple(sorted(ps, key=x.__getitem__))]
        else:
            fam_keys = [(p,) for p in ps]
        for fk in fam_keys:
            families.setdefault((fk, row[child]), []).append(child)
    bar_slots: dict[int, int] = defaultdict(int)
    with_parents: set[str] = set()
    for (fk, child_row), kids in families.items():
        with_parents.update(kids)
        ax = sum(x[p] for p in fk) / len(fk)
        ay = _row_y(row[fk[0]])
        cy = _row_y(child_row)
        k = bar_slots[child_row]
        bar_slots[child_row] += 1
        bar_y = cy - half - FOCUS_GAP - 17 - 6 * (k % 3)
        xs = [x[c] for c in kids] + [ax]
        d = [f"M{_n(ax)},{_n(ay)} V{_n(bar_y)}"]
        if max(xs) - min(xs) > 0.5:
            d.append(f"M{_n(min(xs))},{_n(bar_y)} H{_n(max(xs))}")
        d.extend(f"M{_n(x[c])},{_n(bar_y)} V{_n(cy)}" for c in kids)
        lines.append(_path(" ".join(d), "genogram-parent"))

    # siblings who do not already hang from shared parents
    sib_uf = _UnionFind([p.key for p in data.people])
    drawn_sibling = False
    for a, b in lay.sibling_pairs:
        if set(parents_of.get(a, ())) & set(parents_of.get(b, ())):
            continue
        sib_uf.union(a, b, data.index)
        drawn_sibling = True
    sib_groups: dict[str, list[str]] = defaultdict(list)
    if drawn_sibling:
        for p in data.people:
            sib_groups[sib_uf.find(p.key)].append(p.key)
    for members in sib_groups.values():
        if len(members) < 2:
            continue
        cy = _row_y(row[members[0]])
        y = cy - half - FOCUS_GAP - 12
        xs = sorted(x[m] for m in members)
        d = [f"M{_n(xs[0])},{_n(y)} H{_n(xs[-1])}"] + [f"M{_n(v)},{_n(y)} V{_n(cy)}" for v in xs]
        lines.append(_path(" ".join(d), "genogram-sibling"))

    kinds_drawn = set()
    for r in data.relations:
        if r.kind in ("guardian", "relative"):
            kinds_drawn.add(r.kind)
            dash = GUARDIAN_DASH if r.kind == "guardian" else RELATIVE_DASH
            d = f"M{_n(x[r.a])},{_n(_row_y(row[r.a]))} L{_n(x[r.b])},{_n(_row_y(row[r.b]))}"
            lines.append(_path(d, f"genogram-{r.kind}", dash))

    # ---- person symbols and labels
    symbols = []
    for i, p in enumerate(data.people):
        cx, cy = x[p.key], _row_y(row[p.key])
        sex = _sex(p)
        parts = [format_html("<title>{}</title>", _person_title(p))]
        if p.is_focus:
            parts.append(_shape(sex, cx, cy, half + FOCUS_GAP, css="genogram-focus-ring"))
        parts.append(_shape(sex, cx, cy, half, css="genogram-symbol"))
        if p.deceased:
            parts.append(_cross(cx, cy, half))
        y = cy + half + (FOCUS_GAP if p.is_focus else 0) + 17
        for line in _wrap(p.label):
            parts.append(_text(cx, y, line, bold=p.is_focus))
            y += LINE_HEIGHT
        if p.birth_year is not None:
            parts.append(_text(cx, y, _("born %(year)s") % {"year": p.birth_year}, size=SMALL_FONT))
        element_id = f"{prefix}-p-{_ID_UNSAFE.sub('_', p.key)}-{i}"
        symbols.append(
            format_html(
                '<g id="{}" class="genogram-person" data-sex="{}">{}</g>', element_id, sex, _concat(parts)
            )
        )

    # ---- legend
    items = []
    sexes = {_sex(p) for p in data.people}
    shape_labels = (
        ("m", _("Square: male")),
        ("f", _("Circle: female")),
        ("x", _("Diamond: divers or unknown sex")),
    )
    for sex, label in shape_labels:
        if sex in sexes:
            items.append(("shape", sex, label))
    if any(p.deceased for p in data.people):
        items.append(("deceased", None, _("X across the symbol: deceased")))
    if any(p.is_focus for p in data.people):
        items.append(("focus", None, _("Double border: person of this family page")))
    if household:
        items.append(("household", None, _("Dashed outline: lives in the current household")))
    if lay.partner_pairs:
        items.append(("partner", None, _("Horizontal line: partners")))
    if lay.parent_edges:
        items.append(("parent", None, _("Line from above: parent and child")))
    if drawn_sibling:
        items.append(("sibling", None, _("Line joined above: siblings")))
    if "guardian" in kinds_drawn:
        items.append(("guardian", None, _("Dotted line: guardian")))
    if "relative" in kinds_drawn:
        items.append(("relative", None, _("Dash-dotted line: other relative")))

    width = lay.width
    legend_top = TOP + n_rows * ROW_HEIGHT
    per_line = max(1, int((width - 2 * MARGIN) // LEGEND_ITEM_WIDTH))
    legend = [_text(MARGIN, legend_top + 14, _("Legend"), anchor="start", bold=True)]
    for i, (kind, sex, label) in enumerate(items):
        lx = MARGIN + (i % per_line) * LEGEND_ITEM_WIDTH
        ly = legend_top + 24 + (i // per_line) * LEGEND_ROW_HEIGHT
        cx, cy, h = lx + 12, ly + 12, 8
        if kind == "shape":
            legend.append(_shape(sex, cx, cy, h, css="genogram-legend-symbol"))
        elif kind == "deceased":
            legend.append(_shape("m", cx, cy, h, css="genogram-legend-symbol"))
            legend.append(_cross(cx, cy, h - 3))
        elif kind == "focus":
            legend.append(_shape("m", cx, cy, h + 3, css="genogram-legend-symbol"))
            legend.append(_shape("m", cx, cy, h - 1, css="genogram-legend-symbol"))
        elif kind == "household":
            legend.append(
                format_html(
                    '<rect x="{}" y="{}" width="24" height="22" rx="5" fill="none" stroke="{}"'
                    ' stroke-width="2" stroke-dasharray="5 3"/>',
                    _n(lx), _n(ly + 1), INK,
                )
            )
        elif kind == "partner":
            legend.append(_path(f"M{_n(lx)},{_n(cy)} H{_n(lx + 24)}", "genogram-legend-line"))
        elif kind == "parent":
            legend.append(_path(f"M{_n(cx)},{_n(ly)} V{_n(ly + 24)}", "genogram-legend-line"))
        elif kind == "sibling":
            legend.append(
                _path(
                    f"M{_n(lx + 2)},{_n(ly + 24)} V{_n(ly + 6)} H{_n(lx + 22)} V{_n(ly + 24)}",
                    "genogram-legend-line",
                )
            )
        else:
            dash = GUARDIAN_DASH if kind == "guardian" else RELATIVE_DASH
            legend.append(_path(f"M{_n(lx)},{_n(cy)} H{_n(lx + 30)}", "genogram-legend-line", dash))
        legend.append(_text(lx + 38, cy + 4, label, size=SMALL_FONT, anchor="start"))
    legend_rows = (len(items) + per_line - 1) // per_line
    height = legend_top + 24 + legend_rows * LEGEND_ROW_HEIGHT + MARGIN

    body = [
        format_html('<g class="genogram-households">{}</g>', _concat(household)),
        format_html('<g class="genogram-lines">{}</g>', _concat(lines)),
        format_html('<g class="genogram-people">{}</g>', _concat(symbols)),
        format_html('<g class="genogram-legend">{}</g>', _concat(legend)),
    ]
    return _svg(width, height, title, _summary(data, n_rows), title_id, desc_id, body)


def _svg(width, height, title, desc, title_id, desc_id, body):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="genogram" viewBox="0 0 {} {}" width="100%"'
        ' role="img" aria-labelledby="{} {}">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>'
        '<rect x="0" y="0" width="{}" height="{}" fill="{}"/>{}</svg>',
        _n(width), _n(height), title_id, desc_id, title_id, title, desc_id, desc,
        _n(width), _n(height), PAPER, _concat(body),
    )


def genogram_text(people, relations) -> list[str]:
    """The diagram as plain-language sentences (text alternative), in the active language.

    Plain strings, not escaped: let the template's autoescaping handle them.
    Lists all valid relations as recorded, including ones the diagram could
    not draw because they contradict each other.
    """
    data = _normalise(people, relations)
    if not data.people:
        return [_("No family data has been recorded.")]
    names = {p.key: p.label for p in data.people}
    sentences = []
    for p in data.people:
        if p.is_focus:
            sentences.append(_("This family page is about %(name)s.") % {"name": p.label})
            break
    for p in data.people:
        values = {"name": p.label, "year": p.birth_year}
        if p.birth_year is not None:
            if p.deceased and p.in_household:
                text = _("%(name)s, born %(year)s, is deceased and still recorded in the household.")
            elif p.deceased:
                text = _("%(name)s, born %(year)s, is deceased.")
            elif p.in_household:
                text = _("%(name)s, born %(year)s, lives in the household.")
            else:
                text = _("%(name)s, born %(year)s.")
        else:
            if p.deceased and p.in_household:
                text = _("%(name)s, year of birth unknown, is deceased and still recorded in the household.")
            elif p.deceased:
                text = _("%(name)s, year of birth unknown, is deceased.")
            elif p.in_household:
                text = _("%(name)s, year of birth unknown, lives in the household.")
            else:
                text = _("%(name)s, year of birth unknown.")
        sentences.append(text % values)
    for r in data.relations:
        values = {"a": names[r.a], "b": names[r.b]}
        if r.kind == "partner":
            sentences.append(_("%(a)s and %(b)s are partners.") % values)
        elif r.kind == "parent":
            sentences.append(_("%(a)s is a parent of %(b)s.") % values)
        elif r.kind == "sibling":
            sentences.append(_("%(a)s and %(b)s are siblings.") % values)
        elif r.kind == "guardian":
            sentences.append(_("%(a)s is a guardian of %(b)s.") % values)
        else:
            sentences.append(_("%(a)s and %(b)s are relatives.") % values)
    return sentences
