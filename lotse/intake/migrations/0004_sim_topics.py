"""Haan's 15 monthly controlling criteria as the SIM topic catalogue [002 §5.2]."""

from django.db import migrations

SIM_TOPICS = [
    ("sim-local-structures", "Heranführung an örtliche Strukturen"),
    ("sim-municipal-institutions", "Kontaktaufnahme/Begleitung zu städtischen Einrichtungen"),
    ("sim-sgb-agencies", "Kontakt zu SGB-Leistungsträgern"),
    ("sim-addiction", "Suchtberatung"),
    ("sim-debt", "Schuldnerberatung"),
    ("sim-police", "Polizei und Ordnungsbehörden"),
    ("sim-applications", "Hilfe bei Antragstellungen"),
    ("sim-kita-school", "Kindergärten und Schulen"),
    ("sim-medical", "Medizinische Versorgung"),
    ("sim-legal-appointments", "Rechtlich relevante Termine"),
    ("sim-asylum-residence", "Asyl- und aufenthaltsrechtliche Angelegenheiten"),
    ("sim-language", "Spracherwerb inkl. Anmeldung"),
    ("sim-labour-market", "Arbeitsmarkt inkl. Bewerbungen"),
    ("sim-housing", "Wohnungsmarkt und Besichtigungen"),
    ("sim-psychosocial", "Psychosoziale Beratung"),
]


def forwards(apps, schema_editor):
    topic = apps.get_model("intake", "Topic")
    for order, (code, label) in enumerate(SIM_TOPICS):
        topic.objects.get_or_create(code=code, defaults={"programme": "sim", "label": label,
                                                         "sort_order": order * 10})


def backwards(apps, schema_editor):
    apps.get_model("intake", "Topic").objects.filter(code__in=[code for code, _ in SIM_TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_topic_organisation")]
    operations = [migrations.RunPython(forwards, backwards)]
