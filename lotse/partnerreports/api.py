from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from lotse.audit.middleware import client_ip
from lotse.partnerreports import services
from lotse.partnerreports.models import ReportKind
from lotse.partnerreports.services import LinkState

router = Router(tags=["Partnermeldungen"])

DESCRIPTION = (
    "Meldung eines Kursträgers oder einer Schule, dass eine teilnehmende Person unentschuldigt "
    "ferngeblieben ist oder den Kurs bzw. die Schule abgebrochen hat. **Ohne Lotse-Konto:** Statt eines "
    "persönlichen Zugangstokens wird der Schlüssel des Meldelinks im Kopf `X-Report-Token` gesendet (die "
    "Beratungsstelle gibt ihn einmalig heraus). Die Antwort ist immer dieselbe (202), ob die Person bekannt "
    "ist oder nicht; sie verrät nichts. 401: Kopf fehlt; 404: unbekannter Schlüssel; 410: widerrufen oder "
    "abgelaufen; 400/422: ungültige Angaben (nichts wird gespeichert); 429: zu viele Meldungen in kurzer "
    "Zeit."
)


class ReportIn(Schema):
    family_name: str = Field(..., max_length=200, description="Familienname der teilnehmenden Person")
    given_names: str = Field("", max_length=200, description="Vorname(n)")
    birth_date: date = Field(..., description="Geburtsdatum")
    kind: ReportKind = Field(..., description="absent: unentschuldigt ferngeblieben; "
                                              "dropped_out: Kurs/Schule abgebrochen; other: sonstige Meldung")
    occurred_on: date = Field(..., description="Tag der Fehlzeit bzw. des Abbruchs (nicht in der Zukunft, "
                                               "höchstens ein Jahr zurück)")
    note: str = Field("", max_length=1000, description="Hinweis als reiner Text, höchstens 1000 Zeichen")


class DetailOut(Schema):
    detail: str


def _link_refused(state: LinkState):
    if state is LinkState.RATE_LIMITED:
        return Status(429, DetailOut(detail=_(
            "Too many reports in a short time. Please try again in an hour.")))
    return Status(410 if state is LinkState.INACTIVE else 404, DetailOut(detail=_(
        "This report link is invalid or has expired. Please contact the counselling service.")))


@router.post("/partner-reports", auth=None, url_name="partner_report_create",
             response={202: DetailOut, 401: DetailOut, 404: DetailOut, 410: DetailOut, 429: DetailOut},
             summary="Partnermeldung senden (Schlüssel im Kopf X-Report-Token, ohne Konto)",
             description=DESCRIPTION)
def partner_report_create(request, payload: ReportIn,
                          x_report_token: str | None = Header(None, alias="X-Report-Token",
                                                              description="Schlüssel des Meldelinks")):
    if not x_report_token:
        return Status(401, DetailOut(detail=_("Please send the key of the report link in the header "
                                              "X-Report-Token.")))
    link, state = services.link_admit(token=x_report_token, ip_address=client_ip(request))
    if state is not LinkState.VALID:
        return _link_refused(state)
    services.report_submit(link=link, family_name=payload.family_name, given_names=payload.given_names,
                           birth_date=payload.birth_date, kind=payload.kind.value,
                           occurred_on=payload.occurred_on, note=payload.note)
    return Status(202, DetailOut(detail=_("Thank you. Your report has been received.")))
