"""Pages that name a staff member stay up when there is nobody to name (unassigned case, deleted author)."""

import pytest

from lotse.accounts.models import User
from lotse.cases.models import Case
from lotse.core.templatetags.names import staff_name
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_staff_name_prefers_the_full_name_and_falls_back_to_the_user_name():
    assert staff_name(None) == ""
    assert staff_name(User.objects.create(username="ohne-name")) == "ohne-name"
    assert staff_name(make_user("mit-name", first_name="Amal", last_name="Berger")) == "Amal Berger"


def test_case_file_and_case_list_of_a_case_without_owner(cclient, case):
    Case.objects.filter(pk=case.pk).update(owner=None, deputy=None)
    detail = cclient.get(f"/faelle/{case.public_id}/")
    assert detail.status_code == 200
    listing = cclient.get("/faelle/?alle=1")
    assert listing.status_code == 200
    assert case.person.family_name in listing.content.decode()
