"""Who may use which URL. Every URL pattern of the project must appear here (see walker.py)."""

from lotse.organisations.models import Role
from tests.access.walker import EVERYONE, SYSADMIN, Spec

C, TL, CO, AC, OA = Role.COUNSELLOR, Role.TEAM_LEAD, Role.COORDINATOR, Role.ACCOMMODATION, Role.ORG_ADMIN
ADMINS = frozenset({OA, SYSADMIN})
PERSONAL = EVERYONE - {CO}
TEAM_COLLEAGUES = frozenset({C, TL, OA, SYSADMIN})
CLIENT_WORK = frozenset({C, TL, AC})
TEAM_CASEWORK = frozenset({C, TL})

org_a = lambda fx: {"public_id": fx.a.organisation.public_id}  # noqa: E731
team_a = lambda fx: {"public_id": fx.a.team.public_id}  # noqa: E731
target = lambda fx: {"public_id": fx.target.public_id}  # noqa: E731
person = lambda fx: {"public_id": fx.extra["person"].public_id}  # noqa: E731
person_pair = lambda fx: {"public_id": fx.extra["person"].public_id, "other_id": fx.extra["other"].public_id}  # noqa
household = lambda fx: {"public_id": fx.extra["household"].public_id}  # noqa: E731

SPECS: dict[str, Spec] = {
    "core:home": Spec(allowed=EVERYONE),
    "core:set_language": Spec(public=True),
    "core:healthz": Spec(public=True),
    "accounts:login": Spec(public=True),
    "accounts:logout": Spec(public=True),
    "accounts:two_factor_verify": Spec(allowed=EVERYONE),
    "accounts:two_factor_enrol": Spec(allowed=EVERYONE),
    "accounts:two_factor_recovery": Spec(allowed=EVERYONE),
    "accounts:recovery_codes_regenerate": Spec(allowed=EVERYONE, method="POST"),
    "accounts:reauth": Spec(allowed=EVERYONE),
    "accounts:password_change": Spec(allowed=EVERYONE),
    "accounts:account": Spec(allowed=EVERYONE),
    "accounts:api_token_create": Spec(allowed=EVERYONE),
    "accounts:api_token_revoke": Spec(allowed=frozenset({C}), method="POST",
                                      kwargs=lambda fx: {"public_id": fx.token.public_id}),
    "organisations:organisation_list": Spec(allowed=EVERYONE),
    "organisations:organisation_create": Spec(allowed=frozenset({SYSADMIN})),
    "organisations:organisation_detail": Spec(allowed=EVERYONE, kwargs=org_a),
    "organisations:organisation_edit": Spec(allowed=frozenset({SYSADMIN}), kwargs=org_a),
    "organisations:offering_create": Spec(allowed=ADMINS, kwargs=org_a),
    "organisations:offering_edit": Spec(allowed=ADMINS, kwargs=lambda fx: {"public_id": fx.a.offering.public_id}),
    "organisations:offering_rules": Spec(allowed=ADMINS, kwargs=lambda fx: {"public_id": fx.a.offering.public_id}),
    "organisations:team_create": Spec(allowed=ADMINS, kwargs=org_a),
    "organisations:team_detail": Spec(allowed=PERSONAL, kwargs=team_a),
    "organisations:team_edit": Spec(allowed=ADMINS, kwargs=team_a),
    "organisations:staff_create": Spec(allowed=ADMINS, kwargs=org_a),
    "organisations:staff_list": Spec(allowed=PERSONAL),
    "organisations:staff_detail": Spec(allowed=TEAM_COLLEAGUES, kwargs=target),
    "organisations:staff_set_active": Spec(allowed=ADMINS, kwargs=target, method="POST"),
    "organisations:staff_password_reset": Spec(allowed=ADMINS, kwargs=target, method="POST"),
    "organisations:staff_second_factor_reset": Spec(allowed=ADMINS, kwargs=target, method="POST"),
    "organisations:membership_create": Spec(
        allowed=ADMINS, kwargs=lambda fx: {"public_id": fx.target.public_id,
                                           "organisation_id": fx.a.organisation.public_id}),
    "organisations:membership_edit": Spec(allowed=ADMINS,
                                          kwargs=lambda fx: {"public_id": fx.target_membership.public_id}),
    "audit:event_list": Spec(allowed=ADMINS),
    "audit:record_log": Spec(allowed=frozenset({TL, OA, SYSADMIN}),
                             kwargs=lambda fx: {"object_type": "accounts.user", "public_id": fx.target.public_id}),
    "people:person_list": Spec(allowed=CLIENT_WORK),
    "people:person_create": Spec(allowed=CLIENT_WORK),
    "people:person_detail": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:person_edit": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:person_duplicates": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:duplicate_dismiss": Spec(allowed=TEAM_CASEWORK, method="POST", kwargs=person_pair),
    "people:person_merge": Spec(allowed=TEAM_CASEWORK, kwargs=person_pair),
    "people:person_name_add": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:residence_status_add": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:language_add": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:relationship_add": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:household_create": Spec(allowed=TEAM_CASEWORK, kwargs=person),
    "people:household_detail": Spec(allowed=TEAM_CASEWORK, kwargs=household),
    "people:household_member_add": Spec(allowed=TEAM_CASEWORK, method="POST", kwargs=household),
    "people:status_type_list": Spec(allowed=frozenset({SYSADMIN})),
    "people:status_type_create": Spec(allowed=frozenset({SYSADMIN})),
    "people:status_type_edit": Spec(allowed=frozenset({SYSADMIN}), kwargs=lambda fx: {"code": "duldung"}),
    "api:person_search": Spec(allowed=EVERYONE, api=True),
    "api:person_create": Spec(allowed=CLIENT_WORK, api=True, method="POST", body='{"family_name": "Nasser"}'),
    "api:person_detail": Spec(allowed=TEAM_CASEWORK, api=True, kwargs=person),
    "api:person_update": Spec(allowed=TEAM_CASEWORK, api=True, kwargs=person, method="PUT",
                              body='{"family_name": "Haddad", "given_names": "Amal", "version": 1}'),
    "api:person_duplicates": Spec(allowed=TEAM_CASEWORK, api=True, kwargs=person),
    "api:household_detail": Spec(allowed=TEAM_CASEWORK, api=True, kwargs=household),
    "api:openapi-json": Spec(public=True),
    "api:openapi-view": Spec(public=True),
    "api:api-root": Spec(public=True),
    "api:me": Spec(allowed=EVERYONE, api=True),
    "api:organisations": Spec(allowed=EVERYONE, api=True),
    "api:organisation": Spec(allowed=EVERYONE, api=True, kwargs=org_a),
    "api:teams": Spec(allowed=EVERYONE, api=True),
    "api:staff": Spec(allowed=PERSONAL, api=True),
    "api:staff_member": Spec(allowed=TEAM_COLLEAGUES, api=True, kwargs=target),
}


def _merge_app_specs() -> None:
    """Each area keeps its URL specs in tests/access/specs_<app>.py; all of them count here."""
    import importlib
    import pkgutil

    import tests.access as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("specs_"):
            extra = importlib.import_module(f"tests.access.{module.name}").SPECS
            clash = set(extra) & set(SPECS)
            assert not clash, f"URL specs defined twice: {clash}"
            SPECS.update(extra)


_merge_app_specs()
