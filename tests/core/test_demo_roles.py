"""Each demo login sees exactly what its role may see; the coordinator sees no personal data at all."""

import pytest
from django.core.management import call_command
from django.test import Client

from lotse.accounts.models import User
from lotse.core.demo import DEMO_USERS, seed_demo
from lotse.reports.demo import STATISTICS_USERS
from tests.factories import login

pytestmark = pytest.mark.django_db

NAV = {
    "berater": {"Start", "Arbeitsliste", "Fälle", "Termine", "Erstkontakte", "Personen", "Partner", "Organisationen",
                    "Mitarbeitende", "Netzwerk", "Statistik", "Zielgruppen", "Mein Konto"},
    "jmd-berater": {"Start", "Arbeitsliste", "Fälle", "Termine", "Erstkontakte", "Personen", "Partner", "Organisationen",
                    "Mitarbeitende", "Netzwerk", "Statistik", "Zielgruppen", "Mein Konto"},
    "teamleitung": {"Start", "Arbeitsliste", "Fälle", "Termine", "Erstkontakte", "Personen", "Partner", "Organisationen",
                    "Mitarbeitende", "Netzwerk", "Statistik", "Zielgruppen", "Mein Konto"},
    "orgadmin": {"Start", "Partner", "Organisationen", "Mitarbeitende", "Protokoll", "Netzwerk", "Statistik",
                 "Zielgruppen", "Mein Konto"},
    "sim-beraterin": {"Start", "Arbeitsliste", "Fälle", "Termine", "Erstkontakte", "Personen", "Partner", "Organisationen",
                    "Mitarbeitende", "Netzwerk", "Statistik", "Zielgruppen", "Mein Konto"},
    "unterkunft": {"Start", "Erstkontakte", "Personen", "Partner", "Organisationen", "Mitarbeitende", "Netzwerk",
                   "Zielgruppen", "Mein Konto"},
    "koordination": {"Start", "Partner", "Organisationen", "Netzwerk", "Statistik", "Zielgruppen", "Mein Konto"},
    "sysadmin": {"Start", "Organisationen", "Mitarbeitende", "Kataloge", "Protokoll", "Statistik", "Mein Konto"},
}


@pytest.fixture
def demo():
    seed_demo(statistics=False)
    return {spec["username"]: User.objects.get(username=spec["username"]) for spec in DEMO_USERS}


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def test_seed_demo_is_idempotent(demo):
    assert User.objects.count() == len(DEMO_USERS)
    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    counts = User.objects.count()
    assert counts == len(DEMO_USERS) + len(STATISTICS_USERS)
    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    assert User.objects.count() == counts


@pytest.mark.parametrize("username", sorted(NAV))
def test_navigation_matches_the_role(demo, username):
    response = _client(demo[username]).get("/")
    labels = {item["label"] for item in response.context["navigation"]}
    assert labels == NAV[username]


@pytest.mark.parametrize("username, visible, hidden", [
    ("berater", {"teamleitung"}, {"jmd-berater", "sim-beraterin", "unterkunft", "orgadmin", "koordination"}),
    ("teamleitung", {"berater"}, {"jmd-berater", "sim-beraterin", "unterkunft"}),
    ("orgadmin", {"berater", "jmd-berater", "teamleitung", "koordination"}, {"sim-beraterin", "unterkunft"}),
    ("sim-beraterin", set(), {"berater", "unterkunft", "orgadmin"}),
    ("unterkunft", set(), {"berater", "sim-beraterin"}),
])
def test_staff_list_shows_exactly_the_role_scope(demo, username, visible, hidden):
    shown = {u.username for u in _client(demo[username]).get("/mitarbeitende/").context["page"]}
    assert visible <= shown
    assert not hidden & shown


def test_coordinator_sees_figures_of_all_assigned_organisations_and_no_personal_data(demo):
    client = _client(demo["koordination"])
    home = client.get("/")
    figures = {row["organisation"].name: row for row in home.context["figures"]}
    assert set(figures) == {"Landkreis Lindenau", "Caritasverband Lindenau e. V.", "Stadt Haanfeld"}
    assert figures["Caritasverband Lindenau e. V."]["staff"] == 4
    other_names = [f"{u.first_name} {u.last_name}" for name, u in demo.items() if name != "koordination"]
    pages = [home, client.get("/organisationen/")]
    pages += [client.get(f"/organisationen/{row['organisation'].public_id}/") for row in figures.values()]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        for name in other_names:
            assert name not in html
        for user in demo.values():
            if user.username != "koordination":
                assert f">{user.username}<" not in html
    assert client.get("/mitarbeitende/").status_code == 403
    team = demo["berater"].memberships.get().team
    assert client.get(f"/teams/{team.public_id}/").status_code == 403
    assert client.get(f"/mitarbeitende/{demo['berater'].public_id}/").status_code == 404
    assert client.get("/protokoll/").status_code == 403
