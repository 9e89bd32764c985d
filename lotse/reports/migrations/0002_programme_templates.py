"""The funder templates MBE (BAMF), JMD and Integrationsmanagement BW as data (see lotse.reports.programme).

Idempotent: ``update_or_create`` by code. Every specification is checked with ``validate_spec`` first.
"""

from django.db import migrations


def t(de: str, en: str) -> dict:
    return {"de": de, "en": en}


EU_CODES = ["124", "125", "126", "127", "128", "129", "130", "131", "134", "135", "137", "139", "142", "143",
            "145", "148", "151", "152", "153", "154", "155", "157", "161", "164", "165", "181"]

REGIONS = [
    {"key": "germany", "title": t("Deutschland", "Germany"), "codes": ["000"]},
    {"key": "eu", "title": t("EU-Staaten", "EU member states"), "codes": EU_CODES},
    {"key": "europe", "title": t("Übriges Europa (einschl. Türkei)", "Rest of Europe (incl. Turkey)"),
     "prefixes": ["1"]},
    {"key": "africa", "title": t("Afrika", "Africa"), "prefixes": ["2"]},
    {"key": "america", "title": t("Amerika", "America"), "prefixes": ["3"]},
    {"key": "asia", "title": t("Asien", "Asia"), "prefixes": ["4"]},
    {"key": "oceania", "title": t("Australien und Ozeanien", "Australia and Oceania"), "prefixes": ["5"]},
    {"key": "stateless", "title": t("Staatenlos oder ungeklärt", "Stateless or unclear"),
     "codes": ["997", "998", "999"]},
]

RESIDENCE_GROUPS = [
    {"key": "asylum",
     "title": t("Asylsuchende (Aufenthaltsgestattung)", "Asylum seekers (permission to reside)"),
     "codes": ["aufenthaltsgestattung"]},
    {"key": "tolerated", "title": t("Duldung", "Tolerated (Duldung)"),
     "codes": ["duldung", "duldung_ungeklaerte_identitaet", "ausbildungsduldung", "beschaeftigungsduldung",
               "grenzuebertrittsbescheinigung"]},
    {"key": "temporary", "title": t("Befristeter Aufenthaltstitel", "Temporary residence title"),
     "codes": ["aufenthaltserlaubnis", "vorubergehender_schutz", "visum", "blaue_karte",
               "chancen_aufenthaltsrecht"]},
    {"key": "permanent", "title": t("Unbefristeter Aufenthaltstitel", "Permanent residence title"),
     "codes": ["niederlassungserlaubnis", "daueraufenthalt_eu"]},
    {"key": "eu_citizens", "title": t("Unionsbürger/innen", "EU citizens"), "codes": ["unionsbuerger"]},
    {"key": "spaetaussiedler", "title": t("Spätaussiedler/innen", "Late repatriates (Spätaussiedler)"),
     "codes": ["spaetaussiedler"]},
    {"key": "german", "title": t("Deutsche Staatsangehörigkeit", "German citizens"), "codes": ["deutsch"]},
    {"key": "no_status", "title": t("Ohne Aufenthaltsstatus / ungeklärt", "No residence status / unclear"),
     "codes": ["ohne_status"]},
]

MBE = {
    "note": t("Ratsuchende sind die Hauptklient/innen der im Zeitraum aktiven MBE-Fälle; mitberatene "
              "Familienangehörige werden gesondert gezählt.",
              "Clients are the main clients of the MBE cases active in the period; co-counselled family "
              "members are counted separately."),
    "sections": [
        {"key": "cases", "title": t("Ratsuchende (Fälle)", "Clients (cases)"), "unit": "cases",
         "dimension": "total"},
        {"key": "members", "title": t("Mitberatene Familienangehörige", "Co-counselled family members"),
         "unit": "members", "dimension": "total"},
        {"key": "case_management",
         "title": t("Beratung und Case Management", "Counselling and case management"),
         "unit": "cases", "dimension": "case_management"},
        {"key": "age", "title": t("Alter", "Age"), "unit": "persons", "dimension": "age_group",
         "params": {"bounds": [18, 27, 35, 45, 55, 65]}},
        {"key": "sex", "title": t("Geschlecht", "Sex"), "unit": "persons", "dimension": "sex"},
        {"key": "nationality", "title": t("Staatsangehörigkeit", "Nationality"), "unit": "persons",
         "dimension": "nationality", "chart": False},
        {"key": "region", "title": t("Herkunftsregion", "Region of origin"), "unit": "persons",
         "dimension": "region_of_origin", "params": {"regions": REGIONS}},
        {"key": "time_since_entry", "title": t("Aufenthaltsdauer seit Einreise", "Time since entry"),
         "unit": "persons", "dimension": "time_since_entry", "params": {"bounds": [1, 3, 6, 10]}},
        {"key": "residence", "title": t("Aufenthaltsstatus", "Residence status"), "unit": "persons",
         "dimension": "residence_group", "params": {"groups": RESIDENCE_GROUPS}},
        {"key": "topics", "title": t("Beratungsthemen", "Counselling topics"), "unit": "contacts",
         "dimension": "topic"},
        {"key": "integration_course", "title": t("Integrationskurs", "Integration course"), "unit": "persons",
         "dimension": "integration_course"},
        {"key": "contacts_per_case", "title": t("Anzahl der Beratungskontakte je Fall",
                                                "Number of counselling contacts per case"),
         "unit": "cases", "dimension": "contacts_per_case", "params": {"bounds": [1, 2, 4, 7, 11]}},
        {"key": "closure_reasons", "title": t("Abschlussgründe", "Reasons for closure"), "unit": "closures",
         "dimension": "closure_reason"},
        {"key": "eligibility", "title": t("Zugangsprüfung und Öffnungsklausel",
                                          "Eligibility check and opening clause"),
         "unit": "cases", "dimension": "eligibility_override"},
    ],
}

JMD = {
    "sections": [
        {"key": "cases", "title": t("Junge Menschen (Fälle)", "Young people (cases)"), "unit": "cases",
         "dimension": "total"},
        {"key": "case_management",
         "title": t("Beratung und Case Management", "Counselling and case management"),
         "unit": "cases", "dimension": "case_management"},
        {"key": "entry", "title": t("Einreise vor weniger als zwei Jahren", "Entry less than two years ago"),
         "unit": "cases", "dimension": "within_years_of_entry", "params": {"years": 2}},
        {"key": "age", "title": t("Alter", "Age"), "unit": "cases", "dimension": "age_group",
         "params": {"bounds": [12, 18, 22, 28]}},
        {"key": "sex", "title": t("Geschlecht", "Sex"), "unit": "cases", "dimension": "sex"},
        {"key": "topics", "title": t("Beratungsthemen", "Counselling topics"), "unit": "contacts",
         "dimension": "topic"},
    ],
}

IM_BW = {
    "note": t("Kennzahlen an das Regierungspräsidium.", "Key figures for the regional council."),
    "sections": [
        {"key": "persons", "title": t("Unterstützte Personen", "Persons supported"), "unit": "persons",
         "dimension": "total"},
        {"key": "coverage", "title": t("Erreichungsquote in der Anschlussunterbringung",
                                       "Coverage in follow-up accommodation"),
         "unit": "persons", "dimension": "coverage"},
        {"key": "plans", "title": t("Integrationspläne", "Integration plans"), "unit": "plans",
         "dimension": "total"},
        {"key": "agreements", "title": t("Abgeschlossene Zielvereinbarungen", "Goal agreements signed"),
         "unit": "agreements", "dimension": "total"},
        {"key": "contacts", "title": t("Beratungsgespräche", "Counselling sessions"), "unit": "contacts",
         "dimension": "total"},
        {"key": "goals", "title": t("Ziele nach Lebensbereich", "Goals by life area"), "unit": "goals",
         "dimension": "life_area"},
    ],
}

TEMPLATES = [
    ("mbe", "mbe", "MBE – Statistik für das BAMF", "Bundesamt für Migration und Flüchtlinge (BAMF)",
     ("Ratsuchende und mitberatene Familienangehörige, Case Management, Alter, Geschlecht, "
      "Staatsangehörigkeit, Herkunftsregion, Aufenthaltsdauer, Aufenthaltsstatus, Themen, Integrationskurs, "
      "Kontakte, Abschlussgründe und Zugangsentscheidungen."), MBE),
    ("jmd", "jmd", "JMD – Statistik", "Bundesministerium für Bildung, Familie, Senioren, Frauen und Jugend",
     ("Beratung und Case Management, Einreise vor weniger als zwei Jahren, Altersgruppen "
      "12–17/18–21/22–27, Geschlecht und Themen."), JMD),
    ("im_bw", "im", "Integrationsmanagement BW – Kennzahlen", "Regierungspräsidium (Land Baden-Württemberg)",
     ("Unterstützte Personen, Erreichungsquote in der Anschlussunterbringung, Integrationspläne, "
      "Zielvereinbarungen, Beratungsgespräche und Ziele nach Lebensbereich."), IM_BW),
]


def forwards(apps, schema_editor):
    from django.utils import translation

    from lotse.reports.programme import validate_spec

    template = apps.get_model("reports", "ReportTemplate")
    for code, programme, name, funder, description, spec in TEMPLATES:
        with translation.override("en"):
            errors = validate_spec(spec)
        if errors:
            raise ValueError(f"Report template {code} is not valid: {errors}")
        template.objects.update_or_create(code=code, defaults={
            "programme": programme, "name": name, "funder": funder, "description": description, "spec": spec,
            "is_active": True})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
