"""Steps the fault test runs inside the private cluster's Lotse: ``python -m tests.faults.cluster_tasks STEP``.

Each step prints one JSON object on its last line. The database comes from ``DATABASE_URL``.
"""

import json
import sys

import django

COUNSELLOR = "beraterin-stoerfall"
PASSWORD = "Stoerfall-Pferd-Batterie-2026"
CLIENTS = [("Haddad", "Amal"), ("Schewtschenko", "Olena"), ("Yilmaz", "Emre"), ("Nguyen", "Thi Lan")]


def setup() -> dict:
    """An organisation, a team, a counsellor with password and authenticator, an API token and open cases."""
    from lotse.accounts.models import User
    from lotse.accounts.services import api_token_create, totp_device_confirm, totp_device_start, user_set_password
    from lotse.cases.services import case_request
    from lotse.organisations.models import Organisation, Role
    from lotse.organisations.services import offering_create, organisation_create, staff_member_create, team_create
    from lotse.people.services import PersonData, person_create
    from tests.factories import current_code

    admin = User.objects.create(username="systemadmin-stoerfall", first_name="System", last_name="Admin",
                                is_system_admin=True)
    organisation = organisation_create(actor=admin, name="Caritasverband Störfall", kind=Organisation.Kind.WELFARE)
    offering = offering_create(actor=admin, organisation=organisation, programme="mbe", name="MBE Störfall")
    team = team_create(actor=admin, organisation=organisation, name="MBE-Team Störfall", offerings=[offering])
    counsellor, _one_time = staff_member_create(
        actor=admin, organisation=organisation, username=COUNSELLOR, first_name="Beate", last_name="Beraterin",
        email="", role=Role.COUNSELLOR, team=team)
    user_set_password(actor=counsellor, user=counsellor, password=PASSWORD)
    device = totp_device_start(user=counsellor)
    assert totp_device_confirm(user=counsellor, device=device, token=current_code(device)) is not None
    _token, secret = api_token_create(actor=counsellor, name="Lasttest", valid_days=1)
    cases = []
    for family, given in CLIENTS:
        person = person_create(actor=counsellor, team=team, data=PersonData(family_name=family, given_names=given))
        cases.append(str(case_request(actor=counsellor, person=person, offering=offering).public_id))
    device.refresh_from_db()
    return {"username": COUNSELLOR, "password": PASSWORD, "totp_key": device.key, "api_token": secret,
            "cases": cases, "team": str(team.public_id), "topic": "mbe-labour"}


def inspect() -> dict:
    """What the load left behind: every marked contact and person with the rows its transaction must have."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from lotse.audit.models import AuditEvent
    from lotse.contacts.models import Contact
    from lotse.people.models import Person, PersonNameKey

    created = {str(event.object_id): event for event in AuditEvent.objects.filter(action="person.created")}
    contact_events = {}
    for event in AuditEvent.objects.filter(action="contact.created"):
        contact_events.setdefault(event.details.get("contact"), []).append(event.id)
    contacts = [{
        "marker": contact.occasion, "id": str(contact.public_id),
        "topics": sorted(contact.topics.values_list("code", flat=True)),
        "audit_events": len(contact_events.get(str(contact.public_id), [])),
    } for contact in Contact.objects.filter(occasion__startswith="last-").prefetch_related("topics")]
    persons = [{
        "marker": person.family_name, "id": str(person.public_id),
        "name_keys": PersonNameKey.objects.filter(person=person).count(),
        "search_name": person.search_name,
        "audit_event": str(person.public_id) in created,
    } for person in Person.objects.filter(family_name__startswith="Lastprobe-")]
    try:
        call_command("audit_verify", stdout=sys.stderr)
        audit = "ok"
    except CommandError as exc:
        audit = str(exc)
    return {"contacts": contacts, "persons": persons, "audit_verify": audit}


if __name__ == "__main__":
    django.setup()
    result = {"setup": setup, "inspect": inspect}[sys.argv[1]]()
    print(json.dumps(result))
