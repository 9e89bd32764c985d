"""The reports API: the kinds the caller may see, and one report as JSON — the same ``Report.to_dict()`` the
JSON download gives, through the same choices, access check, suppression and audit as the pages."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lotse.access import policy
from lotse.reports.forms import ReportChoices, ReportForm
from lotse.reports.selectors import report_build

router = Router(tags=["Statistik"])
REFUSED = "reports.figures"


class KindOut(Schema):
    code: str
    label: str
    description: str
    levels: list[str] = Field(..., description="organisation, team, counsellor")
    programme: str | None = Field(None, description="bei Programmberichten: das Programm der Vorlage")


class PeriodOut(Schema):
    start: date
    end: date
    label: str


class ColumnOut(Schema):
    key: str
    label: str


class RowOut(Schema):
    key: str
    label: str
    values: list[int | None] = Field(..., description="null: nicht ausgewiesen (geschützt)")


class SectionOut(Schema):
    key: str
    title: str
    row_header: str
    unit: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    total: list[int | None] | None
    total_is_distinct: bool
    note: str
    suppressed_cells: int


class ReportOut(Schema):
    kind: str
    title: str
    scope: str
    period: PeriodOut
    audience: str = Field(..., description="internal: exakte Zahlen; external: geschützt (1–4 unterdrückt)")
    generated_at: str
    notes: list[str]
    figures: dict[str, int | float | None]
    sections: list[SectionOut]


def _choices(request) -> ReportChoices:
    choices = ReportChoices(request.user)
    if not choices.organisations:
        policy.deny(request.user, REFUSED)
    return choices


@router.get("/reports", response=list[KindOut], url_name="report_kinds", summary="Berichtsarten, die ich sehen darf")
def report_kind_list(request):
    choices = _choices(request)
    return [KindOut(code=kind.code, label=str(kind.label), description=str(kind.description),
                    levels=sorted(kind.levels), programme=kind.template.programme if kind.template else None)
            for kind in choices.kinds()]


@router.get("/reports/{kind}", response=ReportOut, url_name="report_detail",
            summary="Ein Bericht (ohne Angaben: letzter vollständiger Monat, eigener Bereich)")
def report_detail(request, kind: str, organisation: str | None = None, team: str | None = None,
                  counsellor: str | None = None, period: str | None = None, period_end: str | None = None,
                  audience: str | None = None):
    """``organisation``: UUID or ``all`` (all assigned organisations, protected); ``period``: YYYY-MM,
    YYYY-MM..YYYY-MM or YYYY; ``audience``: ``external`` for the protected version, ``internal`` for exact
    figures (only for who may see them)."""
    choices = _choices(request)
    report_kind = choices.kind(kind)
    if report_kind is None:
        raise Http404(_("There is no report of this kind."))
    given = {"organisation": organisation, "team": team, "counsellor": counsellor, "period": period,
             "period_end": period_end, "audience": audience}
    form = ReportForm.from_query({key: value for key, value in given.items() if value is not None},
                                 choices=choices, kind=report_kind)
    if form.refused:
        policy.deny(request.user, REFUSED)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    report = report_build(actor=request.user, kind=report_kind.code, purpose="exported", output_format="api",
                          **form.parameters())
    return report.to_dict()
