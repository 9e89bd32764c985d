"""Creating, changing and deleting target groups: who may, what is checked, what is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lotse.audit.models import AuditEvent
from lotse.cohorts.criteria import PRESETS
from lotse.cohorts.models import Cohort
from lotse.cohorts.selectors import cohort_scopes
from lotse.cohorts.services import CohortData, cohort_create, cohort_delete, cohort_update

pytestmark = pytest.mark.django_db


def _data(scope, **extra):
    values = {"name": "Langzeitgeduldete", "scope": scope, "criteria": {"status_types": ["duldung"]}}
    values.update(extra)
    return CohortData(**values)


def _team(world):
    return f"team:{world.team.public_id}"


def _org(world):
    return f"org:{world.organisation.public_id}"


def test_scopes_per_role(org_a, org_b):
    keys = lambda user: [scope.key for scope in cohort_scopes(actor=user)]  # noqa: E731
    assert keys(org_a.user("counsellor")) == [_team(org_a)]
    assert keys(org_a.user("accommodation")) == [f"team:{org_a.accommodation_team.public_id}"]
    assert keys(org_a.user("team_lead")) == [_org(org_a), _team(org_a)]
    assert keys(org_a.user("org_admin")) == [_org(org_a)]
    assert keys(org_a.user("coordinator")) == [_org(org_a)]


def test_create_stores_clean_criteria_and_is_audited(org_a):
    counsellor = org_a.user("counsellor")
    cohort = cohort_create(actor=counsellor, data=_data(_team(org_a), name="  Lang   zeit ", unit="families",
                                                        criteria=PRESETS["muenster"]["criteria"], is_shared=True))
    assert (cohort.name, cohort.unit, cohort.team, cohort.organisation, cohort.created_by, cohort.is_shared) == (
        "Lang zeit", "families", org_a.team, org_a.organisation, counsellor, True)
    assert cohort.criteria == PRESETS["muenster"]["criteria"]
    event = AuditEvent.objects.get(action="cohort.created")
    assert event.object_id == str(cohort.public_id) and event.organisation_id == org_a.organisation.pk


def test_organisation_wide_only_for_leads_admins_and_coordinators(org_a, org_b):
    with pytest.raises(ValidationError) as refused:
        cohort_create(actor=org_a.user("counsellor"), data=_data(_org(org_a)))
    assert "scope" in refused.value.message_dict
    for role in ("team_lead", "org_admin", "coordinator"):
        cohort = cohort_create(actor=org_a.user(role), data=_data(_org(org_a)))
        assert cohort.team is None and cohort.organisation == org_a.organisation
    with pytest.raises(ValidationError):
        cohort_create(actor=org_a.user("team_lead"), data=_data(_team(org_b)))
    with pytest.raises(ValidationError):
        cohort_create(actor=org_a.user("coordinator"), data=_data(_org(org_b)))


def test_users_without_a_role_cannot_create(sysadmin, org_a):
    with pytest.raises(PermissionDenied):
        cohort_create(actor=sysadmin, data=_data(_org(org_a)))
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("changes, key", [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "Gruppe\x00"}, "name"),
    ({"name": "\u202eevil"}, "name"),
    ({"description": "y" * 2001}, "description"),
    ({"unit": "dogs"}, "unit"),
    ({"scope": "team:not-a-uuid"}, "scope"),
    ({"criteria": {"status_types": ["duldung"], "status_min_years": 500}}, "status_min_years"),
    ({"criteria": "everyone"}, "criteria"),
])
def test_bad_values_are_refused(org_a, changes, key):
    data = _data(_team(org_a))
    for name, value in changes.items():
        setattr(data, name, value)
    with pytest.raises(ValidationError) as refused:
        cohort_create(actor=org_a.user("counsellor"), data=data)
    assert key in refused.value.message_dict
    assert not Cohort.objects.exists()


def test_only_the_author_changes_with_the_version_seen(org_a):
    author, lead = org_a.user("counsellor"), org_a.user("team_lead")
    cohort = cohort_create(actor=author, data=_data(_team(org_a), is_shared=True))
    with pytest.raises(PermissionDenied):
        cohort_update(actor=lead, cohort=cohort, data=_data(_team(org_a), name="Andere"), version=1)
    with pytest.raises(PermissionDenied):
        cohort_delete(actor=lead, cohort=cohort, version=1)
    updated = cohort_update(actor=author, cohort=cohort, data=_data(_team(org_a), name="Neu", is_shared=True,
                                                                     criteria={"livelihood": ["asylblg"]}), version=1)
    assert (updated.name, updated.criteria, updated.version) == ("Neu", {"livelihood": ["asylblg"]}, 2)
    assert AuditEvent.objects.get(action="cohort.updated").details == {"fields": ["criteria", "name"]}
    with pytest.raises(ValidationError) as stale:
        cohort_update(actor=author, cohort=cohort, data=_data(_team(org_a), name="Alt"), version=1)
    assert stale.value.error_list[0].code == "stale"
    with pytest.raises(ValidationError):
        cohort_delete(actor=author, cohort=cohort, version=1)
    cohort_delete(actor=author, cohort=cohort, version=2)
    assert not Cohort.objects.exists()
    assert AuditEvent.objects.get(action="cohort.deleted").details == {"name": "Neu"}


def test_an_unchanged_save_keeps_the_version(org_a):
    author = org_a.user("counsellor")
    cohort = cohort_create(actor=author, data=_data(_team(org_a)))
    assert cohort_update(actor=author, cohort=cohort, data=_data(_team(org_a)), version=1).version == 1
