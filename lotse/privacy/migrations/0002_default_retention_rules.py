"""Default retention rules; administrators adapt them to their funders' and employers' rules."""

from django.db import migrations

DEFAULTS = [
    ("first_contact_anonymous", 6, "months",
     "Anonyme Erstkontakte (ohne Personenbezug) werden nur für die Monatsstatistik gebraucht. Nach 6 Monaten "
     "werden sie gelöscht; die Monatszahlen bleiben als Summen erhalten (RetainedCount). Art. 5 Abs. 1 lit. e "
     "DSGVO (Speicherbegrenzung)."),
    ("person_inactive", 10, "years",
     "Personen ohne jede Änderung und ohne Erstkontakt seit 10 Jahren werden gelöscht (anonymer Rest für die "
     "Statistik), außer bei einer Aufbewahrungspflicht (Legal Hold). 10 Jahre entsprechen der längsten "
     "üblichen Aufbewahrungsfrist für Zuwendungsnachweise (Prüfrecht der Zuwendungsgeber, § 147 AO analog); "
     "kürzere Fristen je Programm können eigene Regeln festlegen."),
    ("audit_events", 3, "years",
     "Protokolleinträge dienen der Datenschutzkontrolle und Nachvollziehbarkeit (Art. 5 Abs. 2, Art. 32 "
     "DSGVO). Nach 3 Jahren (regelmäßige Verjährung, § 195 BGB) werden sie gelöscht; ein Prüfpunkt "
     "(AuditCheckpoint) verankert die verbleibende Hash-Kette."),
]


def forwards(apps, schema_editor):
    rule = apps.get_model("privacy", "RetentionRule")
    for subject, period, unit, basis in DEFAULTS:
        rule.objects.get_or_create(programme="*", subject=subject,
                                   defaults={"period": period, "unit": unit, "basis": basis, "is_active": True})


def backwards(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(
        programme="*", subject__in=[subject for subject, *_ in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
