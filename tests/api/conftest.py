"""A small world built through the API itself, for the fuzzing and hostile-input tests.

``build_world`` creates one object of every kind the API knows (person, case, contact, plan, referral, …)
with valid requests as org A's counsellor and keeps, per operation, the body and URL that worked: the
hostile-input tests start from them and spoil one property at a time; the fuzzer aims path parameters and
reference fields at the ids.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.services import api_token_create

API_PREFIX = "/api"


def bearer(user, name="Fuzz") -> str:
    return api_token_create(actor=user, name=name, valid_days=30)[1]


@dataclass
class ApiWorld:
    client: object
    headers: dict
    ids: dict[str, list[str]] = field(default_factory=dict)
    bodies: dict[tuple[str, str], dict] = field(default_factory=dict)
    extra_headers: dict[tuple[str, str], dict] = field(default_factory=dict)
    urls: dict[tuple[str, str], str] = field(default_factory=dict)

    def headers_for(self, method: str, path: str) -> dict:
        return {**self.headers, **self.extra_headers.get((method, path), {})}

    def call(self, method: str, template: str, body=None, **path):
        url = API_PREFIX + template.format(**path)
        headers = self.headers_for(method, API_PREFIX + template.replace("{id}", "{public_id}"))
        if method == "GET":
            return self.client.get(url, headers=headers)
        return getattr(self.client, method.lower())(url, body, content_type="application/json",
                                                    headers=headers)

    def create(self, method: str, template: str, body: dict, kind: str | None = None, **path) -> dict:
        response = self.call(method, template, body, **path)
        assert response.status_code in (200, 201, 202), (method, template, response.status_code,
                                                         response.content)
        key = (method, API_PREFIX + template.replace("{id}", "{public_id}"))
        self.bodies[key], self.urls[key] = body, API_PREFIX + template.format(**path)
        data = response.json()
        if kind:
            self.add(kind, data["id"])
        return data

    def trial(self, method: str, template: str, body: dict, **path) -> None:
        """Checks that the body works (and keeps it), then rolls the change back."""
        with transaction.atomic():
            self.create(method, template, body, **path)
            transaction.set_rollback(True)

    def add(self, kind: str, public_id) -> None:
        self.ids.setdefault(kind, []).append(str(public_id))


def build_world(client, headers, org, counsellor) -> ApiWorld:
    """Objects that stay are created first; changes of existing objects are tried last, each rolled back, so
    the versions in their bodies are the current ones."""
    from lotse.cohorts.services import CohortData, cohort_create
    from lotse.network.models import Partner
    from lotse.partnerreports.services import link_create
    from lotse.people.models import Person
    from lotse.people.services import household_create_with_member

    world = ApiWorld(client, headers)
    today = timezone.localdate()
    now = timezone.now().replace(microsecond=0)
    day = today.isoformat
    lead = org.user("team_lead")
    for kind, obj in (("organisations", org.organisation), ("staff", counsellor), ("staff", lead),
                      ("teams", org.team), ("offerings", org.offering)):
        world.add(kind, obj.public_id)

    person = world.create("POST", "/persons", {"family_name": "Haddad", "given_names": "Amal",
                                              "birth_date": "1990-03-14", "nationalities": ["475"]},
                          "persons")
    relative = world.create("POST", "/persons", {"family_name": "Haddad", "given_names": "Karim",
                                                "birth_date": "2012-05-01", "confirm_new": True}, "persons")
    household = household_create_with_member(
        actor=counsellor, person=Person.objects.get(public_id=person["id"]), name="Familie Haddad",
        address="Gartenweg 3", since=today)
    world.add("households", household.public_id)
    world.create("POST", "/persons/{id}/life-situations", {"accommodation": "shared"}, id=person["id"])
    for purpose in ("documentation", "sharing"):
        world.create("POST", "/persons/{id}/consents", {"purpose": purpose, "given_on": day(),
                                                        "form": "paper"}, id=person["id"])
    partner = world.create("POST", "/partners", {"name": "Jobcenter Lindenau", "partner_type": "job_centre",
                                                 "city": "Lindenau", "languages": ["ara"]}, "partners")
    world.create("POST", "/persons/{id}/releases", {
        "recipient": partner["id"], "categories": ["master_data", "work", "case"], "purpose": "Vermittlung",
        "given_on": day(), "valid_until": (today + timedelta(days=365)).isoformat(), "form": "paper"},
        id=person["id"])
    _, report_token = link_create(actor=counsellor, partner=Partner.objects.get(public_id=partner["id"]),
                                  label="Integrationskurs B1")
    world.extra_headers[("POST", "/api/partner-reports")] = {"X-Report-Token": report_token}
    world.create("POST", "/partner-reports", {"family_name": "Haddad", "given_names": "Amal Sara",
                                              "birth_date": "1990-03-14", "kind": "absent",
                                              "occurred_on": (today - timedelta(days=1)).isoformat()})
    world.create("POST", "/first-contacts", {"channel": "phone", "outcome": "answered",
                                             "concern": "Kita-Platz"})
    case = world.create("POST", "/persons/{id}/cases", {"offering": str(org.offering.public_id)}, "cases",
                        id=person["id"])
    world.create("POST", "/cases/{id}/tasks", {"title": "Pass kopieren", "responsible": "client",
                                               "due_on": day()}, id=case["id"])
    contact_body = {"occurred_at": (now - timedelta(hours=1)).isoformat(), "duration_minutes": 30,
                    "kind": "office_hour", "topics": ["mbe-labour"], "notes": "Erstgespräch"}
    contact = world.create("POST", "/cases/{id}/contacts", contact_body, "contacts", id=case["id"])
    world.create("POST", "/cases/{id}/assessments", {"assessed_on": day(), "items": {
        "language": {"rating": 2, "needs": "B1-Kurs"}}}, "assessments", id=case["id"])
    goal_body = {"domain": "language", "category": "german", "client_words": "Ich will Deutsch lernen",
                 "target_on": (today + timedelta(days=180)).isoformat()}
    goal = world.create("POST", "/cases/{id}/plan/goals", {"version": 0, **goal_body}, "goals", id=case["id"])
    step_body = {"description": "Kurs suchen", "responsible": "counsellor",
                 "due_on": (today + timedelta(days=30)).isoformat()}
    plan_version = world.call("GET", "/cases/{id}/plan", id=case["id"]).json()["version"]
    step = world.create("POST", "/goals/{id}/steps", {"version": plan_version, **step_body}, "steps",
                        id=goal["id"])
    appointment = world.create("POST", "/appointments", {
        "case": case["id"], "starts_at": (now + timedelta(days=2)).isoformat(), "location": "Büro"},
        "appointments")
    referral = world.create("POST", "/cases/{id}/referrals", {
        "partner": partner["id"], "reason": "Arbeitssuche", "categories": ["master_data", "work"]},
        "referrals", id=case["id"])
    conference = world.create("POST", "/cases/{id}/conferences", {
        "title": "Fallkonferenz Sprache", "scheduled_at": (now - timedelta(hours=1)).isoformat()},
        "conferences", id=case["id"])
    participant = world.create("POST", "/conferences/{id}/participants", {"kind": "staff",
                                                                          "user": str(lead.public_id)},
                               id=conference["id"])
    world.create("POST", "/conferences/{id}/decisions", {
        "text": "Kurs anmelden", "responsible": participant["id"],
        "due_on": (today + timedelta(days=14)).isoformat()}, id=conference["id"])
    world.create("POST", "/pool-members", {"kind": "interpreter", "name": "Leyla Aydin",
                                           "languages": [{"code": "ara", "level": "native"}]}, "pool-members")
    world.create("POST", "/exports", {"kind": "persons", "format": "csv"}, "exports")
    cohort = cohort_create(actor=counsellor, data=CohortData(name="Alle", scope=f"team:{org.team.public_id}"))
    world.add("cohorts", cohort.public_id)
    world.ids["reports"] = [kind["code"] for kind in world.call("GET", "/reports").json()]

    plan_version = world.call("GET", "/cases/{id}/plan", id=case["id"]).json()["version"]
    case_version = world.call("GET", "/cases/{id}", id=case["id"]).json()["version"]
    world.trial("PUT", "/persons/{id}", {"family_name": "Haddad", "given_names": "Amal Sara",
                                         "birth_date": "1990-03-14", "version": person["version"]},
                id=person["id"])
    world.trial("PUT", "/partners/{id}", {"name": "Jobcenter Lindenau", "partner_type": "job_centre",
                                          "city": "Lindenau", "version": partner["version"]},
                id=partner["id"])
    world.trial("PUT", "/contacts/{id}", {**contact_body, "duration_minutes": 45,
                                          "version": contact["version"]}, id=contact["id"])
    world.trial("POST", "/cases/{id}/plan/goals", {"version": plan_version, **goal_body}, id=case["id"])
    world.trial("PUT", "/goals/{id}", {"version": plan_version, "priority": 2}, id=goal["id"])
    world.trial("POST", "/goals/{id}/steps", {"version": plan_version, **step_body}, id=goal["id"])
    world.trial("PUT", "/steps/{id}", {"version": plan_version, "status": "in_progress"}, id=step["id"])
    world.trial("PUT", "/appointments/{id}", {"starts_at": (now + timedelta(days=3)).isoformat(),
                                              "version": appointment["version"]}, id=appointment["id"])
    world.trial("POST", "/referrals/{id}/status", {"step": "accepted", "on": day(),
                                                   "version": referral["version"]}, id=referral["id"])
    world.trial("POST", "/cases/{id}/phase", {"phase": "counselling", "on": day(), "version": case_version},
                id=case["id"])
    indicators = {name: "n/a" for name in ("residence_secured", "plan_implemented", "goals_reached",
                                           "fewer_problem_areas", "livelihood_by_work", "course_completed")}
    world.trial("POST", "/cases/{id}/close", {"reason": "goals_reached", "version": case_version,
                                              "open_items": "discard", "indicators": indicators},
                id=case["id"])
    # Creations once more, so that the bodies kept for the hostile tests can be sent again and again.
    world.trial("POST", "/persons/{id}/cases", {"offering": str(org.offering.public_id)}, id=relative["id"])
    world.trial("POST", "/partners", {"name": "Sprachschule Lindenau", "partner_type": "course_provider"})
    world.trial("POST", "/pool-members", {"kind": "volunteer", "name": "Mira Okafor"})
    world.trial("POST", "/conferences/{id}/participants", {"kind": "other", "name": "Frau Berg",
                                                           "role": "Lehrerin"}, id=conference["id"])
    return world


@pytest.fixture
def api_headers(counsellor):
    return {"Authorization": f"Bearer {bearer(counsellor)}", "Accept-Language": "de"}


@pytest.fixture
def api_world(client, api_headers, org_a, counsellor, settings) -> ApiWorld:
    settings.LOTSE_EXPORT_INLINE_ROWS = 10**9
    return build_world(client, api_headers, org_a, counsellor)


@pytest.fixture
def openapi_schema(client) -> dict:
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    return response.json()
