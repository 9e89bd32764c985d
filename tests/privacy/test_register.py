import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["md", "html", "pdf"])
def test_processing_register_is_generated_from_the_configuration(tmp_path, org_a, suffix, settings):
    settings.LOTSE_DEMO_MODE = False
    path = tmp_path / f"vvt.{suffix}"
    call_command("processing_register", "--output", str(path), stdout=io.StringIO())
    content = path.read_bytes()
    if suffix == "pdf":
        assert content.startswith(b"%PDF")
        return
    text = content.decode()
    assert "Organisation A" in text  # controller
    assert "besondere Kategorie, Art. 9 DSGVO" in text and "Religion" in text or "religion" in text
    assert "Jobcenter" in text or "Job centre" in text  # recipient categories
    assert "3 Jahre" in text or "3 years" in text  # retention rule
    assert "Argon2" in text and "Zweiter Faktor (TOTP) für jedes Konto Pflicht" in text
    assert "Hash-Kette" in text
    if suffix == "html":
        assert text.startswith("<!DOCTYPE html>") and "<script" not in text


def test_register_warns_in_demo_mode(tmp_path, db, settings):
    settings.LOTSE_DEMO_MODE = True
    path = tmp_path / "vvt.md"
    call_command("processing_register", "--output", str(path), stdout=io.StringIO())
    assert "Demo-Modus" in path.read_text()
