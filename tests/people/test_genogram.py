import re
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from lotse.people.genogram import GenogramPerson, GenogramRelation, genogram_text, render_genogram

NS = "{http://www.w3.org/2000/svg}"
ARABIC = "أمل حداد"
P = GenogramPerson
R = GenogramRelation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def family():
    """Two partners, three children (one deceased, one divers), one grandparent; Amal is the focus."""
    people = [
        P("gp", "Walid Haddad", "m", 1950, False, False),
        P("f", "Karim Haddad", "m", 1975, False, True),
        P("m", "Amal Haddad", "f", 1978, False, True, is_focus=True),
        P("c1", "Omar Haddad", "m", 2005, False, True),
        P("c2", "Lina Haddad", "f", 2008, True, False),
        P("c3", "Noor Haddad", "x", 2012, False, True),
    ]
    relations = [
        R("f", "m", "partner"),
        R("gp", "f", "parent"),
        *(R(parent, child, "parent") for parent in ("f", "m") for child in ("c1", "c2", "c3")),
    ]
    return people, relations


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == NS + "svg"
    return root


def person_groups(root) -> dict[str, ET.Element]:
    groups = {}
    for g in root.iter(NS + "g"):
        if g.get("class") == "genogram-person":
            groups[g.find(NS + "title").text] = g
    return groups


def group_for(root, name: str) -> ET.Element:
    matches = [g for title, g in person_groups(root).items() if title.startswith(name + ",")]
    assert len(matches) == 1, name
    return matches[0]


def symbol(group) -> ET.Element:
    found = [el for el in group if el.get("class") == "genogram-symbol"]
    assert len(found) == 1
    return found[0]


def centre(group) -> tuple[float, float]:
    el = symbol(group)
    if el.tag == NS + "circle":
        return float(el.get("cx")), float(el.get("cy"))
    if el.tag == NS + "rect":
        return (
            float(el.get("x")) + float(el.get("width")) / 2,
            float(el.get("y")) + float(el.get("height")) / 2,
        )
    xs, ys = zip(*(map(float, pt.split(",")) for pt in el.get("points").split()))
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def render_family():
    people, relations = family()
    return render_genogram(people, relations, title="Familie Haddad")


def test_returns_safe_string_that_parses_as_xml_with_accessible_name_and_description():
    svg = render_family()
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+(\.\d)? \d+(\.\d)?", root.get("viewBox"))
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(NS + "title")
    desc = root.find(NS + "desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "Familie Haddad"
    assert desc.text == (
        "Family diagram with 6 persons in 3 generations; living in the household: "
        "Karim Haddad, Amal Haddad, Omar Haddad, Noor Haddad."
    )
    assert len(desc.text.split(". ")) == 1  # one sentence


def test_every_person_has_a_group_with_its_own_title():
    root = parse(render_family())
    titles = sorted(person_groups(root))
    assert titles == sorted(
        [
            "Walid Haddad, male, born 1950",
            "Karim Haddad, male, born 1975, lives in the household",
            "Amal Haddad, female, born 1978, lives in the household, person of this family page",
            "Omar Haddad, male, born 2005, lives in the household",
            "Lina Haddad, female, born 2008, deceased",
            "Noor Haddad, divers or unknown sex, born 2012, lives in the household",
        ]
    )
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_shapes_per_sex():
    root = parse(render_family())
    symbols = [el for el in root.iter() if el.get("class") == "genogram-symbol"]
    tags = [el.tag.removeprefix(NS) for el in symbols]
    assert tags.count("rect") == 3  # Walid, Karim, Omar
    assert tags.count("circle") == 2  # Amal, Lina
    assert tags.count("polygon") == 1  # Noor
    assert symbol(group_for(root, "Noor Haddad")).tag == NS + "polygon"
    assert symbol(group_for(root, "Lina Haddad")).tag == NS + "circle"


def test_deceased_person_is_crossed_out():
    root = parse(render_family())
    for title, group in person_groups(root).items():
        crosses = [el for el in group if el.get("class") == "genogram-deceased"]
        if title.startswith("Lina Haddad"):
            assert len(crosses) == 1
            d = crosses[0].get("d")
            assert d.count("M") == 2 and d.count("L") == 2  # two diagonals: an X
        else:
            assert crosses == []


def test_household_is_marked_by_dashed_outline_and_explained_in_legend():
    svg = render_family()
    root = parse(svg)
    outlines = [el for el in root.iter(NS + "rect") if el.get("class") == "genogram-household"]
    assert outlines
    for rect in outlines:
        assert rect.get("stroke-dasharray")
        assert rect.get("fill") == "none"
        assert rect.get("stroke") == "#000"
    # every household member lies inside an outline, nobody else does
    for title, group in person_groups(root).items():
        cx, cy = centre(group)
        inside = any(
            float(r.get("x")) <= cx <= float(r.get("x")) + float(r.get("width"))
            and float(r.get("y")) <= cy <= float(r.get("y")) + float(r.get("height"))
            for r in outlines
        )
        assert inside == ("lives in the household" in title), title
    legend = [el for el in root.iter(NS + "g") if el.get("class") == "genogram-legend"]
    assert len(legend) == 1
    legend_text = " ".join(t.text for t in legend[0].iter(NS + "text"))
    assert "Dashed outline: lives in the current household" in legend_text
    assert "Square: male" in legend_text
    assert "Circle: female" in legend_text
    assert "Diamond: divers or unknown sex" in legend_text
    assert "X across the symbol: deceased" in legend_text
    assert "Double border: person of this family page" in legend_text


def test_focus_person_has_double_border():
    root = parse(render_family())
    rings = [el for el in root.iter() if el.get("class") == "genogram-focus-ring"]
    assert len(rings) == 1
    amal = group_for(root, "Amal Haddad")
    ring = [el for el in amal if el.get("class") == "genogram-focus-ring"]
    assert ring == rings
    inner = symbol(amal)
    assert ring[0].tag == inner.tag == NS + "circle"
    assert (ring[0].get("cx"), ring[0].get("cy")) == (inner.get("cx"), inner.get("cy"))
    assert float(ring[0].get("r")) > float(inner.get("r"))


def test_layout_generations_partners_and_children():
    root = parse(render_family())
    pos = {name: centre(group_for(root, name)) for name in (
        "Walid Haddad", "Karim Haddad", "Amal Haddad", "Omar Haddad", "Lina Haddad", "Noor Haddad"
    )}
    assert pos["Walid Haddad"][1] < pos["Karim Haddad"][1] == pos["Amal Haddad"][1] < pos["Omar Haddad"][1]
    assert pos["Omar Haddad"][1] == pos["Lina Haddad"][1] == pos["Noor Haddad"][1]
    # partners are neighbours: nobody of their row sits between them
    left, right = sorted((pos["Karim Haddad"][0], pos["Amal Haddad"][0]))
    assert right - left < 200
    # children are ordered by birth year and centred under their parents
    kids = [pos[n][0] for n in ("Omar Haddad", "Lina Haddad", "Noor Haddad")]
    assert kids == sorted(kids)
    assert abs(sum(kids) / 3 - (left + right) / 2) < 1
    # no two symbols overlap
    xs = sorted(p for p in pos.values())
    for (x1, y1), (x2, y2) in zip(xs, xs[1:]):
        assert not (y1 == y2 and abs(x1 - x2) < 100)
    lines = {el.get("class") for el in root.iter(NS + "path")}
    assert {"genogram-partner", "genogram-parent"} <= lines


def test_text_is_large_and_high_contrast():
    root = parse(render_family())
    texts = list(root.iter(NS + "text"))
    assert texts
    for text in texts:
        assert float(text.get("font-size")) >= 12
        assert text.get("fill") == "#000"
    background = root.find(NS + "rect")
    assert background.get("fill") == "#fff"


def test_no_inline_styles():
    people, relations = family()
    people.append(P("ar", ARABIC, "f", None, True, True))
    relations.append(R("ar", "m", "relative"))
    relations.append(R("f", "c3", "guardian"))
    relations.append(R("c1", "c2", "sibling"))
    svg = str(render_genogram(people, relations, title="Familie"))
    assert "style=" not in svg
    assert "<style" not in svg
    for el in parse(svg).iter():
        assert "style" not in el.attrib
        assert el.tag != NS + "style"
    assert "<script" not in svg


def test_malicious_label_is_escaped():
    evil = '<script>alert("x")</script> & \'Co\''
    people = [
        P('k"><script>', evil, "m", 1980, False, True, is_focus=True),
        P("b", "Bob", "f", 1981, False, True),
    ]
    svg = str(render_genogram(people, [R('k"><script>', "b", "partner")], title="<b>Titel</b>"))
    assert "<script" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Co&#x27;" in svg
    root = parse(svg)
    assert root.find(NS + "title").text == "<b>Titel</b>"
    assert any(title.startswith(evil + ",") for title in person_groups(root))
    for el in root.iter():
        assert not any(attr.startswith("on") for attr in el.attrib)
        assert el.tag != NS + "script"
    text = genogram_text(people, [R('k"><script>', "b", "partner")])
    assert f"{evil} and Bob are partners." in text  # plain text: the template escapes it


def test_arabic_label_is_present_and_marked_right_to_left():
    people = [
        P("a", ARABIC, "f", 1985, False, True, is_focus=True),
        P("b", "Karim Haddad", "m", 1983, False, True),
    ]
    svg = str(render_genogram(people, [R("a", "b", "partner")], title="عائلة حداد"))
    assert ARABIC in svg  # not escaped into entities
    assert "عائلة حداد" in svg
    root = parse(svg)
    label = [t for t in root.iter(NS + "text") if t.text == ARABIC]
    assert len(label) == 1
    assert label[0].get("direction") == "rtl"
    latin = [t for t in root.iter(NS + "text") if t.text == "Karim Haddad"]
    assert latin[0].get("direction") == "ltr"
    assert f"{ARABIC}, born 1985, lives in the household." in genogram_text(people, [])


def test_long_names_are_wrapped_but_kept_whole_in_title():
    name = "Abd al-Rahman Mohammed Abdulrahman Al-Khatib"
    root = parse(render_genogram([P("a", name, "m", None, False, False)], [], title="t"))
    group = group_for(root, name)
    lines = [t.text for t in group.iter(NS + "text")]
    assert 1 < len(lines) <= 2
    assert all(len(line) <= 20 for line in lines)
    assert lines[-1].endswith("…")


def test_cycles_and_contradictions_do_not_hang():
    people = [P(k, k.upper(), "x", None, False, False) for k in "abcde"]
    relations = [
        R("a", "b", "parent"),
        R("b", "a", "parent"),  # direct cycle
        R("b", "c", "parent"),
        R("c", "a", "parent"),  # longer cycle
        R("d", "e", "parent"),
        R("d", "e", "partner"),  # parent and partner at once
        R("e", "e", "sibling"),  # self relation
        R("a", "zzz", "parent"),  # unknown person
        R("a", "b", "cousin"),  # unknown kind
    ]
    result = {}

    def run():
        with translation.override("en"):  # translations are per thread
            result["svg"] = render_genogram(people, relations, title="Zyklus")
            result["text"] = genogram_text(people, relations)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "render_genogram hangs on cyclic data"
    root = parse(result["svg"])
    assert len(person_groups(root)) == 5
    rows = {centre(group_for(root, k.upper()))[1] for k in "abc"}
    assert len(rows) <= 3
    assert "A is a parent of B." in result["text"]
    assert "B is a parent of A." in result["text"]
    assert not any("ZZZ" in s or "cousin" in s for s in result["text"])


def test_duplicate_keys_and_unknown_sex_are_tolerated():
    people = [P("a", "A", "?", None, False, False), P("a", "A again", "m", None, False, False)]
    root = parse(render_genogram(people, [], title="t"))
    groups = person_groups(root)
    assert len(groups) == 1
    assert symbol(next(iter(groups.values()))).tag == NS + "polygon"


def test_empty_input_renders_valid_svg_saying_there_is_no_data():
    svg = render_genogram([], [], title="Familie")
    root = parse(svg)
    assert root.get("role") == "img"
    message = "No family data has been recorded."
    assert root.find(NS + "desc").text == message
    assert [t.text for t in root.iter(NS + "text")] == [message]
    assert genogram_text([], []) == [message]


def test_text_alternative_sentences():
    people, relations = family()
    relations.append(R("gp", "c1", "guardian"))
    relations.append(R("c1", "c2", "sibling"))
    relations.append(R("c2", "c1", "sibling"))  # duplicate of the symmetric relation
    relations.append(R("gp", "c3", "relative"))
    text = genogram_text(people, relations)
    assert text[0] == "This family page is about Amal Haddad."
    for sentence in [
        "Walid Haddad, born 1950.",
        "Karim Haddad, born 1975, lives in the household.",
        "Lina Haddad, born 2008, is deceased.",
        "Karim Haddad and Amal Haddad are partners.",
        "Walid Haddad is a parent of Karim Haddad.",
        "Amal Haddad is a parent of Noor Haddad.",
        "Walid Haddad is a guardian of Omar Haddad.",
        "Omar Haddad and Lina Haddad are siblings.",
        "Walid Haddad and Noor Haddad are relatives.",
    ]:
        assert sentence in text
    assert text.count("Omar Haddad and Lina Haddad are siblings.") == 1
    assert len(text) == 1 + 6 + 1 + 1 + 6 + 3


def test_text_alternative_uses_gettext(monkeypatch):
    import lotse.people.genogram as module

    monkeypatch.setattr(module, "_", lambda s: "«" + s + "»")
    assert genogram_text([P("a", "A", "m", None, False, True)], []) == [
        "«%(name)s, year of birth unknown, lives in the household.»".replace("%(name)s", "A")
    ]


def test_output_is_deterministic():
    assert str(render_family()) == str(render_family())


def big_family(n=40):
    people, relations = [], []
    # 4 generations: couples with children, plus in-laws and a few loose relatives
    people.append(P("p0", "Ahnherr 0", "m", 1930, True, False))
    people.append(P("p1", "Ahnfrau 1", "f", 1932, True, False))
    relations.append(R("p0", "p1", "partner"))
    parents = [("p0", "p1")]
    i = 2
    while i < n:
        next_parents = []
        for a, b in parents:
            for _child in range(3):
                if i >= n:
                    break
                child = f"p{i}"
                sex = "mfx"[i % 3]
                people.append(P(child, f"Person {i}", sex, 1930 + i, i % 7 == 0, i % 5 == 0, i == 20))
                relations += [R(a, child, "parent"), R(b, child, "parent")]
                i += 1
                if i < n:
                    spouse = f"p{i}"
                    people.append(P(spouse, f"Partner {i}", "fm"[i % 2], 1930 + i, False, i % 4 == 0))
                    relations.append(R(child, spouse, "partner"))
                    next_parents.append((child, spouse))
                    i += 1
        parents = next_parents
    return people[:n], relations


def test_forty_persons_render_fast():
    people, relations = big_family(40)
    assert len(people) == 40
    svg = render_genogram(people, relations, title="Großfamilie")  # warm-up (translation catalogues)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        svg = render_genogram(people, relations, title="Großfamilie")
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05, timings
    root = parse(svg)
    assert len(person_groups(root)) == 40
    # children are always below their parents
    y = {g.get("id").split("-p-")[1].rsplit("-", 1)[0]: centre(g)[1] for g in person_groups(root).values()}
    for rel in relations:
        if rel.kind == "parent":
            assert y[rel.a] < y[rel.b]
        if rel.kind == "partner":
            assert y[rel.a] == y[rel.b]
    # nobody overlaps within a row
    by_row: dict[float, list[float]] = {}
    for g in person_groups(root).values():
        cx, cy = centre(g)
        by_row.setdefault(cy, []).append(cx)
    for xs in by_row.values():
        xs.sort()
        assert all(b - a >= 150 for a, b in zip(xs, xs[1:]))
