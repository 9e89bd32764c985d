"""The JSON API: same selectors, same access policy, same audit as the web interface."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lotse.api.auth import PersonalAccessToken
from lotse.api.idempotency import DuplicateSubmission, idempotent
from lotse.api.openapi import CheckedOpenAPISchema, document_errors
from lotse.api.parser import ControlCharacters, JsonParser, UnsupportedMediaType
from lotse.organisations.api import router as organisations_router
from lotse.appointments.api import router as appointments_router
from lotse.network.api import router as network_router
from lotse.referrals.api import router as referrals_router
from lotse.conferences.api import router as conferences_router
from lotse.pools.api import router as pools_router
from lotse.partnerreports.api import router as partnerreports_router
from lotse.cooperation.api import router as cooperation_router
from lotse.helpermap.api import router as helpermap_router
from lotse.cases.api import router as cases_router
from lotse.consent.api import router as consent_router
from lotse.contacts.api import router as contacts_router
from lotse.documents.api import router as documents_router
from lotse.intake.api import router as intake_router
from lotse.people.api import router as people_router
from lotse.planning.api import router as planning_router
from lotse.privacy.api import router as privacy_router
from lotse.reports.api import router as reports_router
from lotse.cohorts.api import router as cohorts_router
from lotse.exports.api import router as exports_router


class LotseAPI(NinjaAPI):
    """Declares every operation's error answers in the schema and notes colliding schema names."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return document_errors(CheckedOpenAPISchema(self, path_prefix))


api = LotseAPI(
    title="Lotse API",
    version="1",
    description="Fallmanagement für Migrationsberatung. Authentifizierung mit persönlichem Zugangstoken "
                "(Bearer). Alle Abfragen unterliegen derselben Zugriffsregelung und Protokollierung wie die "
                "Oberfläche.",
    auth=PersonalAccessToken(),
    urls_namespace="api",
    parser=JsonParser(),
)
api.add_decorator(idempotent)
api.add_router("/", organisations_router)
api.add_router("/", people_router)
api.add_router("/", consent_router)
api.add_router("/", intake_router)
api.add_router("/", documents_router)
api.add_router("/", privacy_router)
api.add_router("/", cases_router)
api.add_router("/", contacts_router)
api.add_router("/", planning_router)
api.add_router("/", appointments_router)
api.add_router("/", network_router)
api.add_router("/", referrals_router)
api.add_router("/", conferences_router)
api.add_router("/", pools_router)
api.add_router("/", partnerreports_router)
api.add_router("/", cooperation_router)
api.add_router("/", helpermap_router)
api.add_router("/", reports_router)
api.add_router("/", cohorts_router)
api.add_router("/", exports_router)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return api.create_response(request, {"message": _("The request contains invalid values."),
                                         "errors": exc.errors}, status=422)


@api.exception_handler(ValidationError)
def _rejected(request, exc):
    stale = any(getattr(error, "code", None) == "stale" for error in exc.error_list) if not hasattr(
        exc, "error_dict") else False
    errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()} if hasattr(
        exc, "error_dict") else {}
    return api.create_response(request, {"message": " ".join(exc.messages), "errors": errors},
                               status=409 if stale else 400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"message": _("A valid API token is required.")}, status=401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"message": _("Not found or not accessible.")}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"message": _("Your role does not allow this action.")}, status=403)


@api.exception_handler(HttpError)
def _unreadable(request, exc):
    """Ninja's answer when the parser (``lotse.api.parser``) could not read the body; the cause says why."""
    cause, errors = exc.__cause__, None
    if isinstance(cause, UnsupportedMediaType):
        status, message = 415, _("Please send the request body as JSON (Content-Type: application/json).")
    elif isinstance(cause, ControlCharacters):
        status, message = 400, _("The text contains control characters. Please type it again "
                                 "without copying it.")
        errors = {field: [message] for field in cause.fields}
    elif cause is not None and exc.status_code == 400:
        status, message = 400, _("The request body is not valid JSON.")
    else:
        status, message = exc.status_code, _("The request could not be processed.")
    body = {"message": message} if errors is None else {"message": message, "errors": errors}
    return api.create_response(request, body, status=status)


@api.exception_handler(DuplicateSubmission)
def _duplicate(request, exc):
    return api.create_response(request, {"message": _(
        "This request was already sent with the same Idempotency-Key. Nothing was saved again.")}, status=409)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return api.create_response(request, {"message": _("The request is too large.")}, status=413)
