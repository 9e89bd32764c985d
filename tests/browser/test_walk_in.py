"""A walk-in recorded by keyboard alone, fast, with no serious accessibility problem (intake)."""

import time

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login
from tests.factories import make_org, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_counsellor_records_an_anonymous_walk_in_by_keyboard_alone(page, live_server):
    from lotse.intake.models import FirstContact

    world = make_org("A")
    counsellor = world.user("counsellor")
    login(page, live_server, counsellor, verified_device(counsellor))

    started = time.monotonic()
    page.goto(f"{live_server.url}/erstkontakte/neu/")
    assert page.get_by_role("heading", level=1).inner_text() == page.title().split(" – ")[0]
    assert focused(page) == "id_channel_0", "the first channel should have the focus when the form opens"
    page.keyboard.press("Space")  # office hour (walk-in)
    page.keyboard.press("Tab")
    assert focused(page) == "id_referred_by"
    page.keyboard.press("Tab")
    assert focused(page) == "id_outcome_0"
    page.keyboard.press("Space")  # answered / short counselling
    page.keyboard.press("Tab")
    assert focused(page) == "id_referred_to"
    page.keyboard.press("Tab")
    assert focused(page) == "id_concern"
    page.keyboard.type("Fragt nach einem Deutschkurs für ihren Mann.")
    page.keyboard.press("Tab")
    assert focused(page) == "id_topics_0"
    page.keyboard.press("Space")
    for _ in range(40):  # on to the save button, past the optional fields
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/erstkontakte/" in page.url and "neu" not in page.url
    with override("de"):
        saved = gettext("The first contact has been recorded.")
    expect(page.get_by_role("status").first).to_contain_text(saved)
    assert focused(page) == "record-another", "the 'record another' link should have the focus after saving"
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"recording a walk-in took {elapsed:.1f} s"

    contact = FirstContact.objects.get()
    assert contact.person is None and contact.channel == "office_hour" and contact.outcome == "answered"
    assert contact.concern == "Fragt nach einem Deutschkurs für ihren Mann." and contact.topics.count() == 1
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page)

    # "Record another" is one Enter away, and the empty form passes axe as well.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/erstkontakte/neu/")
    assert_accessible(page)

    # A wrong submission shows the errors accessibly too.
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("x")
    page.locator("#id_date").fill("01.01.2999")
    with page.expect_navigation():
        page.locator("#id_date").press("Enter")
    assert page.locator("#id_date_error").is_visible()
    assert_accessible(page)
