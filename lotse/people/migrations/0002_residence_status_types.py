"""Initial catalogue of residence statuses. It is data: administrators extend it as the law changes."""

from django.db import migrations

STATUS_TYPES = [
    ("aufenthaltsgestattung", "Aufenthaltsgestattung (§ 55 AsylG)", False, False),
    ("duldung", "Duldung (§ 60a AufenthG)", False, False),
    ("duldung_ungeklaerte_identitaet", "Duldung für Personen mit ungeklärter Identität (§ 60b AufenthG)", False, False),
    ("ausbildungsduldung", "Ausbildungsduldung (§ 60c AufenthG)", False, False),
    ("beschaeftigungsduldung", "Beschäftigungsduldung (§ 60d AufenthG)", False, False),
    ("grenzuebertrittsbescheinigung", "Grenzübertrittsbescheinigung", False, False),
    ("chancen_aufenthaltsrecht", "Chancen-Aufenthaltsrecht (§ 104c AufenthG)", False, False),
    ("aufenthaltserlaubnis", "Aufenthaltserlaubnis", True, False),
    ("vorubergehender_schutz", "Aufenthaltserlaubnis zum vorübergehenden Schutz (§ 24 AufenthG)", False, False),
    ("visum", "Visum", True, False),
    ("blaue_karte", "Blaue Karte EU (§ 18g AufenthG)", False, False),
    ("niederlassungserlaubnis", "Niederlassungserlaubnis", True, True),
    ("daueraufenthalt_eu", "Erlaubnis zum Daueraufenthalt – EU (§ 9a AufenthG)", False, True),
    ("unionsbuerger", "Unionsbürger/in oder gleichgestellt (FreizügG/EU)", False, True),
    ("spaetaussiedler", "Spätaussiedler/in (§ 4 BVFG)", False, True),
    ("deutsch", "Deutsche Staatsangehörigkeit", False, True),
    ("ohne_status", "Ohne Aufenthaltsstatus / ungeklärt", False, False),
]


def forwards(apps, schema_editor):
    status_type = apps.get_model("people", "ResidenceStatusType")
    for order, (code, label, needs_paragraph, is_secure) in enumerate(STATUS_TYPES):
        status_type.objects.get_or_create(code=code, defaults={
            "label": label, "needs_paragraph": needs_paragraph, "is_secure": is_secure, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
