"""Walks every URL pattern of a URLconf and checks it against the access expectations in SPECS.

A pattern without an entry in the specs is itself a failure, so a new view cannot be added
without saying who may use it; the walker then proves that nobody else can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lotse.accounts.services import api_token_create
from lotse.organisations.models import Role
from tests.factories import OrgWorld, login

SYSADMIN = "sysadmin"
ROLES = (Role.COUNSELLOR, Role.TEAM_LEAD, Role.COORDINATOR, Role.ACCOMMODATION, Role.ORG_ADMIN)
EVERYONE = frozenset({*ROLES, SYSADMIN})
DENIED = frozenset({403, 404})


@dataclass
class Fixture:
    """Org A is "own", org B is "foreign"; ``target`` is a colleague in A's team used as object."""

    a: OrgWorld
    b: OrgWorld
    sysadmin: object
    target: object
    target_membership: object
    token: object
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    allowed: frozenset = frozenset()
    kwargs: Callable[[Fixture], dict] | None = None
    method: str = "GET"
    public: bool = False
    api: bool = False
    body: str | Callable[["Fixture"], str] = "{}"


@dataclass
class Problem:
    key: str
    who: str
    status: int | None
    reason: str

    def __str__(self):
        return f"{self.key} as {self.who}: {self.reason} (status {self.status})"


def url_keys(urlconf=None) -> list[str]:
    keys = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                keys.append(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver(urlconf).url_patterns, None)
    return keys


def build_fixture(org_a: OrgWorld, org_b: OrgWorld, sysadmin) -> Fixture:
    from lotse.organisations.models import Membership
    from lotse.people.services import PersonData, household_create_with_member, person_create
    from tests.factories import make_user

    target = make_user("kollegin-a", first_name="Kollegin", last_name="Alpha")
    membership = Membership.objects.create(user=target, organisation=org_a.organisation, team=org_a.team,
                                           role=Role.COUNSELLOR)
    token, _ = api_token_create(actor=org_a.user(Role.COUNSELLOR), name="walker-target", valid_days=5)
    counsellor = org_a.user(Role.COUNSELLOR)
    person = person_create(actor=counsellor, team=org_a.team, data=PersonData(family_name="Haddad",
                                                                               given_names="Amal"))
    other = person_create(actor=counsellor, team=org_a.team, data=PersonData(family_name="Hadad", given_names="Amal"))
    household = household_create_with_member(actor=counsellor, person=person, name="Familie Haddad", address="",
                                             since=person.created_at.date())
    from datetime import timedelta

    from lotse.consent.services import consent_record, release_record
    from lotse.network.services import partner_create

    today = person.created_at.date()
    partner = partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                             partner_type="job_centre")
    consent = consent_record(actor=counsellor, person=person, purpose="sharing", given_on=today, form="paper")
    release = release_record(actor=counsellor, person=person, recipient=partner, categories=["master_data"],
                             purpose="Vermittlung", given_on=today, valid_until=today + timedelta(days=365),
                             form="paper")
    return Fixture(a=org_a, b=org_b, sysadmin=sysadmin, target=target, target_membership=membership, token=token,
                   extra={"person": person, "other": other, "household": household, "partner": partner,
                          "consent": consent, "release": release})


def _request(client: Client, spec: Spec, url: str, headers: dict, fx: Fixture | None = None):
    if spec.method in ("POST", "PUT"):
        if spec.api:
            body = spec.body(fx) if callable(spec.body) else spec.body
            return client.generic(spec.method, url, body, content_type="application/json", headers=headers)
        return client.post(url, {}, headers=headers)
    return client.get(url, headers=headers)


def _actors(fx: Fixture):
    for role in ROLES:
        yield f"own {role}", role, fx.a.user(role), True
        yield f"foreign {role}", role, fx.b.user(role), False
    yield "sysadmin", SYSADMIN, fx.sysadmin, True


def walk(specs: dict[str, Spec], fx: Fixture, *, urlconf=None, only: set[str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    tokens: dict[int, str] = {}
    for key in url_keys(urlconf):
        if only is not None and key not in only:
            continue
        spec = specs.get(key)
        if spec is None:
            problems.append(Problem(key, "-", None, "URL pattern is not covered by the access specs"))
            continue
        if spec.public:
            continue
        kwargs = spec.kwargs(fx) if spec.kwargs else {}
        url = reverse(key, urlconf=urlconf, kwargs=kwargs)

        anonymous = _request(Client(), spec, url, {}, fx)
        if spec.api and anonymous.status_code != 401:
            problems.append(Problem(key, "anonymous", anonymous.status_code, "API must demand a token"))
        if not spec.api and not (anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]):
            problems.append(Problem(key, "anonymous", anonymous.status_code, "must redirect to the login"))

        for who, role, user, own in _actors(fx):
            client, headers = Client(), {}
            if spec.api:
                if user.pk not in tokens:
                    tokens[user.pk] = api_token_create(actor=user, name="walker", valid_days=1)[1]
                headers = {"Authorization": f"Bearer {tokens[user.pk]}"}
            else:
                login(client, user)
            status = _request(client, spec, url, headers, fx).status_code
            expected_access = role in spec.allowed and (own or spec.kwargs is None or getattr(spec, "shared", False))
            if status >= 500:
                problems.append(Problem(key, who, status, "server error"))
            elif expected_access and status in DENIED:
                problems.append(Problem(key, who, status, "should be allowed but was refused"))
            elif not expected_access and status not in DENIED:
                problems.append(Problem(key, who, status, "must be refused (403/404) but was not"))
    return problems
