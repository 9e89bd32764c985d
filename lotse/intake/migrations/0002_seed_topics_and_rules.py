"""Initial topic catalogues and eligibility rules (DOMAIN.md §2, §4). Both are data: administrators
extend them, and a changed law gets a new rule version with its own ``valid_from``."""

from datetime import date

from django.db import migrations

MBE_TOPICS = [
    ("mbe-residence-law", "Aufenthalts- und Asylrecht einschl. BVFG"),
    ("mbe-social-benefits", "Sozialleistungsrecht"),
    ("mbe-labour", "Arbeitsrecht und Arbeitsmarktzugang"),
    ("mbe-education", "Bildungssystem, Schule, Anerkennung, Ausbildung, Übergang Schule–Beruf"),
    ("mbe-family", "Familiäre Probleme"),
    ("mbe-family-reunification", "Familiennachzug"),
    ("mbe-health", "Gesundheit und psychosoziale Probleme"),
    ("mbe-racism", "Rassismus und Ausgrenzung"),
    ("mbe-housing", "Wohnungssuche"),
    ("mbe-return", "Freiwillige Rückkehr"),
    ("mbe-volunteers", "Unterstützung von Ehrenamtlichen und Organisationen"),
]
IM_TOPICS = [  # Landratsamt Bodenseekreis, Integrationsmanagement [001 §3.2.2]
    ("im-applications", "Anträge"),
    ("im-accompaniment", "Begleitung"),
    ("im-housing", "Wohnen"),
    ("im-work", "Arbeitsleben"),
    ("im-debts", "Schulden und Finanzen"),
    ("im-asylum", "Asylverfahren"),
    ("im-health", "Gesundheit"),
    ("im-language", "Sprache"),
]

RULES = [
    # programme, code, label, valid_from, parameters
    ("mbe", "age", "Älter als 27 Jahre", date(2005, 1, 1), {"check": "age", "min_age": 28}),
    ("mbe", "recent-arrival", "Einreise oder Erhalt eines dauerhaften Aufenthaltsstatus vor höchstens 3 Jahren",
     date(2005, 1, 1), {"check": "arrived_within", "years": 3, "group": "access"}),
    ("mbe", "spaetaussiedler", "Spätaussiedler/in oder Angehörige/r", date(2005, 1, 1),
     {"check": "status", "codes": ["spaetaussiedler"], "fact": "spaetaussiedler_relative", "group": "access"}),
    ("mbe", "crisis", "Länger hier lebend und in einer konkreten Krisensituation", date(2005, 1, 1),
     {"check": "fact", "fact": "crisis", "judgement": True, "group": "access"}),
    ("mbe", "course-obligation", "Vorrang: zur Teilnahme am Integrationskurs verpflichtet (§ 44a Abs. 1 AufenthG)",
     date(2005, 1, 1), {"check": "fact", "fact": "integration_course_obligation", "effect": "priority"}),
    ("jmd", "age", "Zwischen 12 und 27 Jahre alt", date(2005, 1, 1), {"check": "age", "min_age": 12, "max_age": 27}),
    ("im", "follow-up-accommodation", "Lebt in der Anschlussunterbringung im Zuständigkeitsgebiet", date(2017, 1, 1),
     {"check": "fact", "fact": "follow_up_accommodation"}),
    ("sim", "municipal-accommodation", "Lebt in einer städtischen Unterkunft", date(2019, 1, 1),
     {"check": "fact", "fact": "municipal_accommodation", "group": "housing"}),
    ("sim", "homeless", "Wohnungslos in der Kommune", date(2019, 1, 1),
     {"check": "fact", "fact": "homeless_in_municipality", "group": "housing"}),
]


def forwards(apps, schema_editor):
    topic = apps.get_model("intake", "Topic")
    for programme, topics in (("mbe", MBE_TOPICS), ("im", IM_TOPICS)):
        for order, (code, label) in enumerate(topics):
            topic.objects.get_or_create(code=code, defaults={"programme": programme, "label": label,
                                                             "sort_order": order * 10})
    rule = apps.get_model("intake", "EligibilityRule")
    for order, (programme, code, label, valid_from, parameters) in enumerate(RULES):
        rule.objects.get_or_create(programme=programme, code=code, valid_from=valid_from,
                                   defaults={"label": label, "parameters": parameters, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
