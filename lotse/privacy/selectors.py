"""Reads for client rights: always through the access policy on the person."""

from lotse.access import policy
from lotse.access.policy import Action
from lotse.people import selectors as people_selectors
from lotse.people.models import Person
from lotse.privacy.guards import erasure_refusals
from lotse.privacy.models import CorrectionRecord, LegalHold


def person_get(*, actor, public_id, action: Action = Action.VIEW) -> Person:
    """The person if the actor may see (or change) them; 404 otherwise. Viewing is audited."""
    return people_selectors.person_get(actor=actor, public_id=public_id, action=action)


def _visible_persons(actor):
    return policy.scope(actor, Person.objects.all()).values("pk")


def corrections_for(*, actor, person: Person):
    return CorrectionRecord.objects.filter(person=person, person__in=_visible_persons(actor)).select_related(
        "recorded_by")


def legal_holds_for(*, actor, person: Person):
    return LegalHold.objects.filter(person=person, person__in=_visible_persons(actor)).select_related("set_by")


def erasure_refusals_for(*, actor, person: Person) -> list[str]:
    """Why the person cannot be erased now (empty: erasure allowed); for showing before the form."""
    if not policy.can(actor, Action.CHANGE, person):
        return []
    return erasure_refusals(person)
