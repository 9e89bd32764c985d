"""German is complete: every translatable string of the code has a German translation, none is fuzzy."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "lotse" / "locale" / "de" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> dict[str, tuple[str, bool]]:
    """msgid -> (joined msgstr forms, fuzzy) from a .po text."""
    entries = {}
    for block in text.split("\n\n"):
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        current, parts = None, {}
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) "(.*)"$', line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if "msgid" in parts and parts["msgid"]:
            key = parts.get("msgctxt", "") + "\x04" + parts["msgid"]
            strs = [v for k, v in parts.items() if k.startswith("msgstr")]
            entries[key] = ("".join(s if s else "\x00" for s in strs), fuzzy)
    return entries


CATALOGS = sorted((ROOT / "lotse").glob("**/locale/de/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_german_catalog_has_no_untranslated_or_fuzzy_entries(catalog):
    entries = _entries(catalog.read_text(encoding="utf-8"))
    assert entries
    untranslated = [k.split("\x04")[1] for k, (msgstr, _) in entries.items() if "\x00" in msgstr]
    fuzzy = [k.split("\x04")[1] for k, (_, is_fuzzy) in entries.items() if is_fuzzy]
    assert untranslated == [] and fuzzy == []


def test_catalog_contains_every_string_of_the_code(tmp_path):
    """Extract the strings afresh from a copy of the code and compare with the committed catalogue."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "lotse", copy / "lotse", ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = {**os.environ, "LOTSE_ENV": "development", "PYTHONPATH": str(copy)}
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location", "--no-obsolete",
                    "-v0"], cwd=copy, env=env, check=True, capture_output=True, timeout=300)
    fresh = _entries((copy / "lotse" / "locale" / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    committed = _entries(CATALOG.read_text(encoding="utf-8"))
    missing = sorted(k.split("\x04")[1] for k in fresh if k not in committed)
    assert missing == [], "run makemessages and translate these strings"
