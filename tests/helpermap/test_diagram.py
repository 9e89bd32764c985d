"""The SVG of the helper map: accessible, escaped, no inline styles, shapes that do not rely on colour."""

import re
import xml.etree.ElementTree as ET
from datetime import date

from django.utils import translation

from lotse.helpermap.diagram import STYLES, describe, diagram_text, render_helper_map
from lotse.helpermap.models import HelperKind
from lotse.helpermap.selectors import HelperNode

SVG = "{http://www.w3.org/2000/svg}"


def _node(number, kind, name=None, ended_on=None, roles=("Beratung",)):
    return HelperNode(key=("n", number), name=name or f"Helfer {number}", kind=kind, roles=list(roles),
                      ended_on=ended_on)


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def test_every_group_has_its_own_shape_and_colour():
    assert len({shape for _, shape in STYLES.values()}) == len(HelperKind) == len(STYLES)
    assert len({colour for colour, _ in STYLES.values()}) == len(HelperKind)


def test_svg_is_an_image_with_title_description_and_legend():
    nodes = [_node(1, "authority"), _node(2, "health"), _node(3, "health", ended_on=date(2026, 1, 2))]
    with translation.override("en"):
        svg = render_helper_map(family=["Amal", "Karim"], nodes=nodes,
                                title="Helper system of the family Haddad")
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "helpermap-title helpermap-desc"
    assert root.find(f"{SVG}title").text == "Helper system of the family Haddad"
    desc = root.find(f"{SVG}desc").text
    assert "Amal, Karim" in desc and "3 helpers" in desc and "Health (cross): 2" in desc
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Legend" in texts and "Authority (square)" in texts and "Health (cross)" in texts
    assert "dashed line: no longer involved" in texts and "Counselling service (circle)" not in texts
    assert len(root.findall(f".//{SVG}g[@class='helpermap-node helpermap-kind-health']")) == 2
    titles = [element.text for element in root.iter(f"{SVG}title")]
    assert any("ended on 02.01.2026" in title for title in titles)
    assert len(root.findall(f".//{SVG}line[@stroke-dasharray]")) == 2  # the ended helper and the legend


def test_no_inline_style_and_everything_escaped():
    nodes = [_node(1, "other", name='<script>alert("x")</script>', roles=['"><img src=x onerror=1>'])]
    svg = str(render_helper_map(family=["<b>Amal</b>"], nodes=nodes, title="<title>"))
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert not re.search(r"\sstyle=", svg) and "<style" not in svg and "<script" not in svg
    _parse(svg)


def test_size_grows_with_the_number_of_helpers_and_is_given_in_pixels():
    small = _parse(render_helper_map(family=["Amal"], nodes=[_node(1, "other")], title="t"))
    many = [_node(number, "other") for number in range(40)]
    large = _parse(render_helper_map(family=["Amal"], nodes=many, title="t"))
    assert float(large.get("width")) > float(small.get("width"))
    assert small.get("viewBox") == f"0 0 {small.get('width')} {small.get('height')}"


def test_empty_map_and_text_alternative():
    with translation.override("en"):
        svg = _parse(render_helper_map(family=["Amal"], nodes=[], title="t"))
        assert "No helpers recorded yet." in [element.text for element in svg.iter(f"{SVG}text")]
        assert diagram_text(family=["Amal"], nodes=[]) == ["In the centre: Amal.", "No helpers recorded yet."]
        sentences = diagram_text(family=["Amal"], nodes=[_node(1, "education", name="Kita", roles=["Platz"])])
        assert sentences[1] == "Kita – Platz – School, day care and courses"
        described = describe(family=[], nodes=[_node(1, "other")])
        assert described.startswith("the family in the centre, surrounded by 1 helper.")
