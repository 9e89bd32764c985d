import pytest

from tests.access.specs import SPECS
from tests.access.walker import EVERYONE, Spec, build_fixture, url_keys, walk


@pytest.fixture
def fx(org_a, org_b, sysadmin):
    return build_fixture(org_a, org_b, sysadmin)


def test_every_url_pattern_has_an_access_spec():
    missing = [key for key in url_keys() if key not in SPECS]
    assert missing == []
    stale = [key for key in SPECS if key not in url_keys()]
    assert stale == [], "specs name URLs that no longer exist"


@pytest.mark.django_db
def test_every_url_refuses_whoever_the_policy_excludes(fx):
    problems = walk(SPECS, fx)
    assert [str(p) for p in problems] == []


@pytest.mark.django_db
def test_walker_reports_a_view_that_is_not_in_the_specs(fx):
    problems = walk(SPECS, fx, urlconf="tests.access.leaky_urls")
    assert [(p.key, p.reason) for p in problems] == [
        ("leaky_team", "URL pattern is not covered by the access specs"),
    ]


@pytest.mark.django_db
def test_walker_catches_a_view_that_forgets_the_policy(fx, settings):
    settings.ROOT_URLCONF = "tests.access.leaky_urls"
    specs = {**SPECS, "leaky_team": Spec(allowed=EVERYONE, kwargs=lambda f: {"public_id": f.a.team.public_id})}
    problems = walk(specs, fx, urlconf="tests.access.leaky_urls", only={"leaky_team", "organisations:team_detail"})
    leaks = {(p.key, p.who) for p in problems}
    assert ("leaky_team", "foreign counsellor") in leaks
    assert ("leaky_team", "foreign org_admin") in leaks
    assert all(p.key == "leaky_team" for p in problems)
