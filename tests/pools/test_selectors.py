"""What the pool contributes elsewhere: interpreters by language, the helper map."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.codelists.models import Code
from lotse.pools import selectors, services

pytestmark = pytest.mark.django_db


def _language(code):
    return Code.objects.get(code_list__slug="language", code=code)


def test_interpreters_for_a_language(make_member, org_a, org_b, counsellor):
    rania = make_member()
    both = make_member(name="Beides", kind="both", languages=(("ara", "good"),))
    make_member(name="Ohne Vereinbarung", confidentiality_signed_on=None)
    make_member(name="Nur Tigrinya", languages=(("tir", "native"),))
    make_member(name="Ehrenamt Arabisch", kind="volunteer", languages=(("ara", "native"),))
    make_member(name="Fremd", organisation=org_b.organisation, actor=org_b.user("counsellor"))
    found = selectors.interpreters_for(actor=counsellor, language=_language("ara"),
                                       organisation=org_a.organisation)
    assert list(found) == [both, rania]
    assert list(selectors.interpreters_for(actor=org_a.user("coordinator"), language=_language("ara"),
                                           organisation=org_a.organisation)) == []


def test_helper_map_names_volunteers_and_booked_interpreters(make_member, volunteer, make_appointment, case,
                                                             counsellor, org_b):
    interpreter = make_member()
    services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Begleitung Jobcenter",
                              since=timezone.localdate() - timedelta(days=3))
    ended_helper = make_member(name="Früher", kind="volunteer", languages=())
    ended = services.volunteer_assign(actor=counsellor, case=case, member=ended_helper, purpose="Hilfe")
    services.volunteer_assignment_end(actor=counsellor, assignment=ended)
    first, second = make_appointment(hour=9), make_appointment(hour=14)
    services.interpreter_book(actor=counsellor, appointment=first, member=interpreter, version=1)
    services.interpreter_book(actor=counsellor, appointment=second, member=interpreter, version=1)
    entries = selectors.helper_map_entries(actor=counsellor, case=case)
    assert [(entry.name, entry.source) for entry in entries] == [("Gisela Brandt", "pools"),
                                                                  ("Rania Nasser", "pools")]
    helper, mediator = entries
    assert "Begleitung Jobcenter" in helper.role and helper.since == timezone.localdate() - timedelta(days=3)
    assert helper.partner_id == volunteer.partner_id and mediator.partner_id == interpreter.partner_id
    assert mediator.since == timezone.localtime(first.starts_at).date() and mediator.last_contact is None
    assert selectors.helper_map_entries(actor=org_b.user("counsellor"), case=case) == []
