"""Annual monitoring (DOMAIN.md §8 "Annual monitoring", [002 §5.2]): structural integration and social
participation of everyone counselled, on one reference day.

Reference day ``D`` = the last day of the period (31 December for ``--period 2025``). Counted are the
**persons** — main clients and co-counselled family members — of the cases of the organisation (any
programme; team level: of the team) open on ``D``: ``opened_on <= D AND (closed_on IS NULL OR closed_on >=
D)``, members with ``since <= D AND (until IS NULL OR until >= D)``. This is the unit ``persons`` of
:mod:`lotse.reports.dimensions` with ``S = E = D``: one column per team ("area") with a total column, a
person counted once per team.

Sections (each with a "not recorded" row; the life situation is the record valid on ``D``):

* ``persons`` — all persons;
* ``legal_status`` — residence status valid on ``D`` in the groups of :data:`RESIDENCE_GROUPS`, "other
  status", "not recorded";
* ``education`` — ``LifeSituation.education``;
* ``labour_market`` — ``LifeSituation.labour_market`` of persons aged 18 to 64 on ``D`` (persons without
  date of birth are left out);
* ``housing`` — ``LifeSituation.accommodation``;
* ``livelihood`` — ``LifeSituation.livelihood``;
* ``participation`` — ``LifeSituation.participation`` (social participation).
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lotse.reports.engine import ReportScope
from lotse.reports.programme import build_sections, context_for, scope_label
from lotse.reports.tables import Audience, Report


def _t(de: str, en: str) -> dict:
    return {"de": de, "en": en}


RESIDENCE_GROUPS = [
    {"key": "asylum",
     "title": _t("Asylsuchende (Aufenthaltsgestattung)", "Asylum seekers (permission to reside)"),
     "codes": ["aufenthaltsgestattung"]},
    {"key": "tolerated", "title": _t("Duldung", "Tolerated (Duldung)"),
     "codes": ["duldung", "duldung_ungeklaerte_identitaet", "ausbildungsduldung", "beschaeftigungsduldung",
               "grenzuebertrittsbescheinigung"]},
    {"key": "temporary", "title": _t("Befristeter Aufenthaltstitel", "Temporary residence title"),
     "codes": ["aufenthaltserlaubnis", "vorubergehender_schutz", "visum", "blaue_karte",
               "chancen_aufenthaltsrecht"]},
    {"key": "permanent", "title": _t("Unbefristeter Aufenthaltstitel", "Permanent residence title"),
     "codes": ["niederlassungserlaubnis", "daueraufenthalt_eu"]},
    {"key": "eu_citizens", "title": _t("Unionsbürger/innen", "EU citizens"), "codes": ["unionsbuerger"]},
    {"key": "spaetaussiedler", "title": _t("Spätaussiedler/innen", "Late repatriates (Spätaussiedler)"),
     "codes": ["spaetaussiedler"]},
    {"key": "german", "title": _t("Deutsche Staatsangehörigkeit", "German citizens"), "codes": ["deutsch"]},
    {"key": "no_status", "title": _t("Ohne Aufenthaltsstatus / ungeklärt", "No residence status / unclear"),
     "codes": ["ohne_status"]},
]

SECTIONS = [
    {"key": "persons", "title": _t("Personen", "Persons"), "unit": "persons", "dimension": "total"},
    {"key": "legal_status", "title": _t("Rechtlicher Status", "Legal status"), "unit": "persons",
     "dimension": "residence_group", "params": {"groups": RESIDENCE_GROUPS}},
    {"key": "education", "title": _t("Bildung", "Education"), "unit": "persons",
     "dimension": "life_situation", "params": {"field": "education"}},
    {"key": "labour_market", "title": _t("Arbeitsmarkt (18 bis 64 Jahre)", "Labour market (aged 18 to 64)"),
     "unit": "persons", "dimension": "life_situation", "params": {"field": "labour_market"},
     "age_range": {"from": 18, "to": 64}},
    {"key": "housing", "title": _t("Wohnen", "Housing"), "unit": "persons", "dimension": "life_situation",
     "params": {"field": "accommodation"}},
    {"key": "livelihood", "title": _t("Lebensunterhalt", "Livelihood"), "unit": "persons",
     "dimension": "life_situation", "params": {"field": "livelihood"}},
    {"key": "participation", "title": _t("Soziale Teilhabe", "Social participation"), "unit": "persons",
     "dimension": "life_situation", "params": {"field": "participation"}},
]


def build_monitoring_report(scope: ReportScope) -> Report:
    day = scope.period.end
    ctx = context_for(scope, programme=None, start=day, end=day)
    tables, figures = build_sections(SECTIONS, ctx, scope)
    notes = [_("Persons (main clients and co-counselled family members) of the cases open on %(day)s, "
               "with their situation recorded for that day.")
             % {"day": formats.date_format(day, "DATE_FORMAT")}]
    return Report(kind="monitoring", title=_("Annual monitoring"), scope_label=scope_label(scope),
                  period=scope.period, audience=Audience.INTERNAL, sections=tables,
                  organisation_ids=list(scope.organisation_ids), generated_at=timezone.now(), notes=notes,
                  figures=figures)
