"""Topic catalogues per programme: organisation admins keep their own topics, system admins the shared ones."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from lotse.audit.models import AuditEvent
from lotse.contacts import services
from lotse.intake.models import Topic
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org_a):
    return org_a.user("org_admin")


def _client(user):
    client = Client()
    login(client, user)
    return client


def test_an_org_admin_adds_renames_and_switches_off_a_topic(admin, org_a, case):
    topic = services.topic_create(actor=admin, programme="mbe", label="Schuldnerberatung",
                                  organisation=org_a.organisation)
    assert topic.code == "mbe-schuldnerberatung" and topic.is_active
    assert topic in services.topic_choices(case)
    services.topic_update(actor=admin, topic=topic, label="Schulden und Finanzen", sort_order=3, is_active=False)
    topic.refresh_from_db()
    assert topic.code == "mbe-schuldnerberatung"  # stable
    assert topic.label == "Schulden und Finanzen" and topic.sort_order == 3
    assert topic not in services.topic_choices(case)
    assert list(AuditEvent.objects.filter(action__startswith="topic.").order_by("id").values_list("action", flat=True)) == [
        "topic.created", "topic.updated"]


def test_codes_are_unique_even_for_the_same_label(admin, org_a, org_b, sysadmin):
    first = services.topic_create(actor=admin, programme="mbe", label="Kita-Suche", organisation=org_a.organisation)
    second = services.topic_create(actor=org_b.user("org_admin"), programme="mbe", label="Kita-Suche",
                                   organisation=org_b.organisation)
    weird = services.topic_create(actor=sysadmin, programme="im", label="!!!")
    assert (first.code, second.code, weird.code) == ("mbe-kita-suche", "mbe-kita-suche-2", "im-thema")


def test_the_shared_catalogue_belongs_to_the_system_admins(admin, sysadmin, org_a):
    shared = Topic.objects.get(code="mbe-labour")
    with pytest.raises(PermissionDenied):
        services.topic_update(actor=admin, topic=shared, label="Arbeit", sort_order=None, is_active=False)
    with pytest.raises(PermissionDenied):
        services.topic_create(actor=admin, programme="mbe", label="Neu für alle")
    services.topic_update(actor=sysadmin, topic=shared, label="Arbeit und Beruf", sort_order=None, is_active=True)
    assert Topic.objects.get(code="mbe-labour").label == "Arbeit und Beruf"


def test_counsellors_and_foreign_admins_cannot_keep_topics(admin, org_a, org_b, counsellor):
    own = services.topic_create(actor=admin, programme="mbe", label="Eigenes Thema", organisation=org_a.organisation)
    for actor in (counsellor, org_b.user("org_admin")):
        with pytest.raises(PermissionDenied):
            services.topic_create(actor=actor, programme="mbe", label="x", organisation=org_a.organisation)
        with pytest.raises(PermissionDenied):
            services.topic_update(actor=actor, topic=own, label="y", sort_order=None, is_active=True)
    assert Topic.objects.get(pk=own.pk).label == "Eigenes Thema"


@pytest.mark.parametrize("values, field", [
    ({"label": "  "}, "label"),
    ({"label": "x" * 201}, "label"),
    ({"label": "arbeitsrecht und arbeitsmarktzugang"}, "label"),  # the shared catalogue has it already
    ({"programme": "astrology"}, "programme"),
    ({"sort_order": 40000}, "sort_order"),
])
def test_bad_topics_are_refused(admin, org_a, values, field):
    count = Topic.objects.count()
    with pytest.raises(ValidationError) as error:
        services.topic_create(actor=admin, **{"programme": "mbe", "label": "Gut", "organisation": org_a.organisation,
                                              **values})
    assert field in error.value.message_dict
    assert Topic.objects.count() == count


def test_pages_for_an_org_admin(admin, org_a, django_assert_max_num_queries):
    client = _client(admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("contacts:topic_list") + "?programm=mbe")
    html = response.content.decode()
    assert response.status_code == 200 and "Arbeitsrecht und Arbeitsmarktzugang" in html
    assert "/themen/mbe-labour/bearbeiten/" not in html  # shared: read only for the organisation
    with django_assert_max_num_queries(15):
        assert client.get(reverse("contacts:topic_create")).status_code == 200
    response = client.post(reverse("contacts:topic_create"), {
        "programme": "mbe", "organisation": str(org_a.organisation.public_id), "label": "Schuldnerberatung"})
    assert response.status_code == 302 and response["Location"] == "/themen/?programm=mbe"
    html = client.get("/themen/?programm=mbe").content.decode()
    assert "/themen/mbe-schuldnerberatung/bearbeiten/" in html
    url = reverse("contacts:topic_edit", args=["mbe-schuldnerberatung"])
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    response = client.post(url, {"label": "Schulden", "sort_order": "5"})  # the checkbox left empty: off
    assert response.status_code == 302
    assert not Topic.objects.get(code="mbe-schuldnerberatung").is_active
    assert client.get(reverse("contacts:topic_edit", args=["mbe-labour"])).status_code == 404
    response = client.post(reverse("contacts:topic_create"), {"programme": "mbe", "label": "Ohne Organisation"})
    assert response.status_code == 422 and "organisation" in response.context["form"].errors


def test_the_list_costs_the_same_queries_for_few_and_many_topics(admin, org_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(admin)
    client.get(reverse("contacts:topic_list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("contacts:topic_list"))
    for number in range(120):
        Topic.objects.create(programme="im", organisation=org_a.organisation, code=f"im-last-{number}",
                             label=f"Lastthema {number:03d}")
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("contacts:topic_list"))
    assert len(large) == len(small)
    assert response.context["page"].next_cursor


def test_a_system_admin_adds_a_shared_topic_by_form(sysadmin):
    client = _client(sysadmin)
    response = client.post(reverse("contacts:topic_create"), {"programme": "sim", "label": "Nachbarschaft"})
    assert response.status_code == 302
    assert Topic.objects.get(code="sim-nachbarschaft").organisation is None


def test_counsellors_are_refused(counsellor):
    client = _client(counsellor)
    assert client.get(reverse("contacts:topic_list")).status_code == 403
    assert client.post(reverse("contacts:topic_create"), {"programme": "mbe", "label": "x"}).status_code == 403
