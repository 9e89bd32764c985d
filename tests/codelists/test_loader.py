import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from lotse.codelists.loader import DATA_DIR, SPECS, CodeListError, LoadResult, load_all, load_code_list
from lotse.codelists.models import Code, CodeList
from lotse.codelists.selectors import code_choices, code_label, codes

pytestmark = pytest.mark.django_db

MIN_COUNTS = {
    "nationality": 190,
    "state": 190,
    "language": 100,
    "sex": 4,
    "marital_status": 10,
    "id_document": 10,
    "federal_state": 16,
    "district": 400,
    "municipality": 10000,
}


def _wipe(slug):
    Code.objects.filter(code_list__slug=slug).delete()
    CodeList.objects.filter(slug=slug).delete()


def _copy(tmp_path, slug, transform, name=None):
    text = (DATA_DIR / SPECS[slug].file_name).read_text(encoding="utf-8")
    path = tmp_path / (name or SPECS[slug].file_name)
    path.write_text(transform(text), encoding="utf-8")
    return path


def _drop_row(text, key):
    pattern = rf'\s*<Row>\s*<Value ColumnRef="key">\s*<SimpleValue>{key}</SimpleValue>.*?</Row>'
    result, count = re.subn(pattern, "", text, count=1, flags=re.S)
    assert count == 1
    return result


def _append_row(text, key, name):
    row = (
        f'<Row><Value ColumnRef="key"><SimpleValue>{key}</SimpleValue></Value>'
        f'<Value ColumnRef="name"><SimpleValue>{name}</SimpleValue></Value></Row>'
    )
    return text.replace("</SimpleCodeList>", row + "\n</SimpleCodeList>")


def _marital_rows():
    rows = Code.objects.filter(code_list__slug="marital_status").order_by("code")
    return list(rows.values_list("code", "label", "is_current"))


def test_every_spec_has_a_bundled_file():
    assert MIN_COUNTS.keys() == SPECS.keys()
    for spec in SPECS.values():
        assert spec.default_path.is_file(), spec.file_name


@pytest.mark.parametrize("slug", list(MIN_COUNTS))
def test_bundled_list_loads_with_plausible_count(slug):
    _wipe(slug)
    result = load_code_list(slug=slug)
    assert result.created >= MIN_COUNTS[slug]
    assert result.updated == result.retired == 0
    code_list = CodeList.objects.get(slug=slug)
    assert code_list.canonical_uri == SPECS[slug].canonical_uri
    assert code_list.version and code_list.canonical_version_uri.startswith(code_list.canonical_uri)
    assert codes(slug=slug).count() == result.created


def test_migration_loaded_all_lists():
    for slug, minimum in MIN_COUNTS.items():
        assert codes(slug=slug).count() >= minimum, slug


def test_reload_is_idempotent():
    load_all()
    results = load_all()
    assert results == {slug: LoadResult(created=0, updated=0, retired=0) for slug in SPECS}


def test_nationality_labels_are_the_german_adjective_with_substitute_values():
    assert code_label("nationality", "000") == "deutsch"
    assert code_label("nationality", "423") == "afghanisch"
    assert code_label("nationality", "997") == "staatenlos"
    assert code_label("nationality", "998") == "ungeklärt"
    assert code_label("nationality", "999") == "ohne Angabe"
    # Placeholder adjectives fall back to the search term.
    assert code_label("nationality", "459") == "Palästinensische Gebiete"
    assert code_label("nationality", "910") == "für interne Zwecke verwendet"
    syria = codes(slug="nationality").get(code="475")
    assert syria.extra["ISO-3"] == "SYR"
    assert "Staatsangehoerigkeit" not in syria.extra
    assert "DESTATIS-Schluessel-Staatsangehoerigkeit" not in syria.extra


def test_labels_of_the_smaller_lists():
    assert dict(code_choices("sex")) == {"m": "männlich", "w": "weiblich", "x": "keine Angabe", "d": "divers"}
    marital = dict(code_choices("marital_status"))
    assert marital["LD"] == "ledig"
    assert marital["VH"] == "verheiratet"
    assert marital["NB"] == "nicht bekannt"
    assert code_label("language", "deu") == "Deutsch"
    assert code_label("language", "und") == "Unbestimmt"
    assert code_label("state", "000") == "Deutschland"
    assert code_label("id_document", "15") == "eID-Karte"
    assert code_label("federal_state", "08") == "Baden-Württemberg"
    assert code_label("district", "01001") == "Flensburg, Stadt"
    assert code_label("municipality", "01001000") == "Flensburg, Stadt"


def test_choices_keep_the_order_of_the_file():
    assert [code for code, _label in code_choices("marital_status")][:3] == ["LD", "VH", "VW"]
    assert code_choices("federal_state")[0] == ("01", "Schleswig-Holstein")


def test_newer_version_retires_updates_and_creates_without_deleting(tmp_path):
    def newer(text):
        text = _drop_row(text, "NB")
        text = text.replace("<SimpleValue>ledig</SimpleValue>", "<SimpleValue>ledig (neu)</SimpleValue>")
        text = text.replace("familienstand_2</CanonicalVersionUri>", "familienstand_3</CanonicalVersionUri>")
        text = text.replace("<Version>2</Version>", "<Version>3</Version>")
        return _append_row(text, "ZZ", "neuer Eintrag")

    total_before = Code.objects.filter(code_list__slug="marital_status").count()
    result = load_code_list(slug="marital_status", path=_copy(tmp_path, "marital_status", newer))

    assert result == LoadResult(created=1, updated=1, retired=1)
    code_list = CodeList.objects.get(slug="marital_status")
    assert (code_list.version, code_list.canonical_version_uri[-2:]) == ("3", "_3")
    assert Code.objects.filter(code_list__slug="marital_status").count() == total_before + 1
    retired = Code.objects.get(code_list__slug="marital_status", code="NB")
    assert retired.is_current is False
    assert "NB" not in dict(code_choices("marital_status"))
    assert code_label("marital_status", "NB") == "nicht bekannt"
    assert codes(slug="marital_status", current_only=False).filter(code="NB").exists()
    assert code_label("marital_status", "LD") == "ledig (neu)"
    assert code_choices("marital_status")[-1] == ("ZZ", "neuer Eintrag")

    again = load_code_list(slug="marital_status", path=tmp_path / SPECS["marital_status"].file_name)
    assert again == LoadResult(created=0, updated=0, retired=0)

    # Going back to the bundled file makes NB current again, retires ZZ and restores the label.
    back = load_code_list(slug="marital_status")
    assert back == LoadResult(created=0, updated=2, retired=1)
    assert code_label("marital_status", "LD") == "ledig"
    assert Code.objects.get(code_list__slug="marital_status", code="NB").is_current is True


def test_missing_file(tmp_path):
    missing = tmp_path / "gibt-es-nicht.xml"
    with pytest.raises(ValueError, match="gibt-es-nicht.xml"):
        load_code_list(slug="sex", path=missing)


def test_not_xml(tmp_path):
    path = tmp_path / "kaputt.xml"
    path.write_text("Schlüssel;Bezeichnung\nm;männlich\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kaputt.xml"):
        load_code_list(slug="sex", path=path)


def test_xml_without_genericode_namespace(tmp_path):
    path = _copy(
        tmp_path, "sex", lambda text: text.replace("http://docs.oasis-open.org/codelist/ns/genericode/1.0/",
                                                   "http://example.org/not-genericode"),
        name="ohne-namespace.xml",
    )
    with pytest.raises(CodeListError, match="ohne-namespace.xml") as excinfo:
        load_code_list(slug="sex", path=path)
    assert "http://docs.oasis-open.org/codelist/ns/genericode/1.0/" in str(excinfo.value)


def test_duplicate_key(tmp_path):
    def duplicate(text):
        row = re.search(r"<Row>.*?</Row>", text, flags=re.S).group(0)
        return text.replace("</SimpleCodeList>", row + "\n</SimpleCodeList>")

    path = _copy(tmp_path, "marital_status", duplicate, name="doppelt.xml")
    with pytest.raises(CodeListError, match="doppelt.xml") as excinfo:
        load_code_list(slug="marital_status", path=path)
    assert "LD" in str(excinfo.value)


def test_key_column_missing(tmp_path):
    path = _copy(tmp_path, "sex", lambda text: text.replace('Id="code"', 'Id="schluessel"'),
                 name="ohne-key.xml")
    with pytest.raises(CodeListError, match="ohne-key.xml") as excinfo:
        load_code_list(slug="sex", path=path)
    assert "code" in str(excinfo.value)


def test_file_of_another_list_is_refused(tmp_path):
    with pytest.raises(CodeListError, match="geschlecht.xml"):
        load_code_list(slug="marital_status", path=DATA_DIR / "geschlecht.xml")


def test_failed_load_changes_nothing(tmp_path, monkeypatch):
    before = _marital_rows()
    truncated = _copy(tmp_path, "marital_status", lambda text: text[:-40], name="abgeschnitten.xml")
    with pytest.raises(CodeListError):
        load_code_list(slug="marital_status", path=truncated)
    assert _marital_rows() == before

    def changed(text):
        return _append_row(text.replace(">ledig<", ">ledig (neu)<"), "ZZ", "neuer Eintrag")

    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Code.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        load_code_list(slug="marital_status", path=_copy(tmp_path, "marital_status", changed))
    assert _marital_rows() == before


def test_unknown_slug():
    with pytest.raises(CodeListError, match="nope"):
        load_code_list(slug="nope")


def test_command_loads_named_lists_and_a_file(tmp_path, capsys):
    call_command("load_codelists", "sex", "marital_status")
    out = capsys.readouterr().out
    assert "sex:" in out and "marital_status:" in out and "0 created" in out

    path = _copy(tmp_path, "marital_status", lambda text: _drop_row(text, "NB"))
    call_command("load_codelists", "--file", str(path), "--list", "marital_status")
    assert "1 retired" in capsys.readouterr().out


def test_command_errors(tmp_path):
    with pytest.raises(CommandError, match="fehlt.xml"):
        call_command("load_codelists", "--file", str(tmp_path / "fehlt.xml"), "--list", "sex")
    with pytest.raises(CommandError):
        call_command("load_codelists", "--file", str(DATA_DIR / "geschlecht.xml"))


def test_command_exits_non_zero_on_a_bad_file(tmp_path):
    bad = tmp_path / "kaputt.xml"
    bad.write_text("<nicht-genericode/>", encoding="utf-8")
    env = {**os.environ, "LOTSE_ENV": "test", "LOTSE_SQLITE_PATH": str(tmp_path / "unused.sqlite3")}
    env.pop("DATABASE_URL", None)
    manage = str(settings.BASE_DIR / "manage.py")
    completed = subprocess.run(
        [sys.executable, manage, "load_codelists", "--file", str(bad), "--list", "sex"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert completed.returncode != 0
    assert "kaputt.xml" in completed.stderr


def test_new_order_is_applied_without_counting_as_update(tmp_path):
    def move_first_row_to_end(text):
        row = re.search(r"\s*<Row>.*?</Row>", text, flags=re.S).group(0)
        return text.replace(row, "", 1).replace("</SimpleCodeList>", row + "\n</SimpleCodeList>")

    path = _copy(tmp_path, "marital_status", move_first_row_to_end)
    assert load_code_list(slug="marital_status", path=path) == LoadResult(created=0, updated=0, retired=0)
    order = [code for code, _label in code_choices("marital_status")]
    assert order[0] == "VH" and order[-1] == "LD"
