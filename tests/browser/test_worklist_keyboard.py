"""The worklist (/arbeitsliste/) by keyboard alone: Tab, Shift+Tab, Enter and Space only.

From the start page to the worklist, switch between "my cases" and "the whole team", open an entry, tick one
task done and discard another in the case file. Every element the focus lands on shows a visible focus
indicator (outline or box shadow, the element not hidden), and the result is checked in the database.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login
from tests.factories import german, make_org, make_user, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        text: (el.textContent || el.value || "").replace(/\\s+/g, " ").trim(),
        href: el.getAttribute("href") || "",
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
            ? style.outlineWidth : "",
        shadow: style.boxShadow !== "none" ? style.boxShadow : "",
        focusVisible: el.matches(":focus-visible"),
        size: rect.width * rect.height,
        inView: rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
    };
}"""


def focused(page) -> dict:
    """What has the focus, and whether the user can see it; fails when the focus is lost or not visible."""
    state = page.evaluate(FOCUSED)
    assert state is not None, f"the focus fell back to the page on {page.url}"
    where = f"{state['tag']} {state['text'][:60]!r} {state['href']} on {page.url}"
    assert state["focusVisible"], f"no :focus-visible on {where}"
    assert state["outline"] or state["shadow"], f"no focus indicator (outline or box shadow) on {where}"
    assert state["size"] > 0 and state["inView"], f"the focused element is hidden or out of view: {where}"
    return state


def press_until(page, key: str, wanted, *, limit: int = 80) -> dict:
    """Press Tab or Shift+Tab until ``wanted(state)``; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        state = focused(page)
        if wanted(state):
            return state
    pytest.fail(f"{key} did not reach the wanted element within {limit} stops on {page.url}")


def enter(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def world(transactional_db):
    from lotse.cases.models import Task
    from lotse.cases.services import case_request, task_create
    from lotse.organisations.models import Membership, Role
    from lotse.people.services import PersonData, person_create

    world = make_org("A")
    counsellor = world.user(Role.COUNSELLOR)
    colleague = make_user("a-colleague", first_name="Kollegin", last_name="Berger")
    Membership.objects.create(user=colleague, organisation=world.organisation, role=Role.COUNSELLOR,
                              team=world.team)
    today = timezone.localdate()

    zainab = person_create(actor=counsellor, team=world.team, data=PersonData(family_name="Ahmadi",
                                                                              given_names="Zainab"))
    case = case_request(actor=counsellor, person=zainab, offering=world.offering)
    overdue = task_create(actor=counsellor, case=case, title="Mietvertrag kopieren", responsible="client",
                          due_on=today)
    Task.objects.filter(pk=overdue.pk).update(due_on=today - timedelta(days=3))  # agreed earlier, now overdue
    due_today = task_create(actor=counsellor, case=case, title="Jobcenter anrufen", responsible="counsellor",
                            due_on=today)
    dawood = person_create(actor=colleague, team=world.team, data=PersonData(family_name="Karimi",
                                                                             given_names="Dawood"))
    other_case = case_request(actor=colleague, person=dawood, offering=world.offering)
    colleagues_task = task_create(actor=colleague, case=other_case, title="Kita-Anmeldung prüfen",
                                  responsible="counsellor", due_on=today)
    return {"counsellor": counsellor, "case": case, "overdue": overdue, "due_today": due_today,
            "colleagues_task": colleagues_task}


def test_the_worklist_by_keyboard_alone(page, live_server, world):
    from lotse.audit.models import AuditEvent
    from lotse.cases.models import Task

    counsellor, case = world["counsellor"], world["case"]
    login(page, live_server, counsellor, verified_device(counsellor))
    assert page.url == f"{live_server.url}/"
    worklist_url = f"{live_server.url}/arbeitsliste/"

    # From the start page through the main navigation.
    press_until(page, "Tab", lambda s: s["href"] == "/arbeitsliste/" and s["text"] == german("Worklist"))
    enter(page)
    assert page.url == worklist_url
    assert_accessible(page)
    expect(page.locator("#section-overdue").locator("..")).to_contain_text("Mietvertrag kopieren")
    expect(page.locator("#section-today").locator("..")).to_contain_text("Jobcenter anrufen")
    expect(page.locator("main")).not_to_contain_text("Kita-Anmeldung prüfen")

    # Skip link, then the filter: the whole team, and back to my own cases.
    state = press_until(page, "Tab", lambda s: s["href"] == "#inhalt")
    assert state["text"] == german("Skip to content")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"
    press_until(page, "Tab", lambda s: s["text"] == german("Show the whole team"))
    enter(page)
    assert page.url == worklist_url + "?alle=1"
    expect(page.locator("#section-today").locator("..")).to_contain_text("Kita-Anmeldung prüfen")
    assert_accessible(page)
    press_until(page, "Tab", lambda s: s["text"] == german("Show only my cases"))
    enter(page)
    assert page.url == worklist_url + "?alle=0"
    expect(page.locator("main")).not_to_contain_text("Kita-Anmeldung prüfen")

    # Open today's entry: Tab past it to its case link, Shift+Tab back to the entry, Enter.
    case_link = f"/faelle/{case.public_id}/"
    press_until(page, "Tab", lambda s: s["text"] == "Jobcenter anrufen")
    page.keyboard.press("Tab")
    assert focused(page)["href"] == case_link
    press_until(page, "Shift+Tab", lambda s: s["text"] == "Jobcenter anrufen", limit=1)
    enter(page)
    assert page.url == f"{live_server.url}{case_link}#tasks"
    assert_accessible(page)

    # In the case file's open tasks: "done" with Space for today's task.
    done = german("Done")
    press_until(page, "Tab", lambda s: s["tag"] == "button" and s["text"] == f"{done}: Jobcenter anrufen")
    enter(page, "Space")
    assert Task.objects.get(pk=world["due_today"].pk).status == Task.Status.DONE
    assert page.url == f"{live_server.url}{case_link}#tasks"
    expect(page.get_by_role("status").first).to_contain_text(german("The task has been updated."))
    assert_accessible(page)

    # The overdue one is discarded: Tab to its "done", on to "discard" (Shift+Tab checks the way back), Enter.
    discard = german("Discard")
    press_until(page, "Tab", lambda s: s["tag"] == "button" and s["text"] == f"{done}: Mietvertrag kopieren")
    press_until(page, "Tab", lambda s: s["text"] == f"{discard}: Mietvertrag kopieren", limit=1)
    press_until(page, "Shift+Tab", lambda s: s["text"] == f"{done}: Mietvertrag kopieren", limit=1)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == f"{discard}: Mietvertrag kopieren"
    enter(page)
    assert Task.objects.get(pk=world["overdue"].pk).status == Task.Status.DISCARDED
    assert Task.objects.get(pk=world["colleagues_task"].pk).status == Task.Status.OPEN
    assert AuditEvent.objects.filter(actor=counsellor, action="task.status_changed").count() == 2
    expect(page.locator("#tasks").locator("..")).to_contain_text(german("No open tasks."))
    assert_accessible(page)

    # The worklist is empty for today and overdue now.
    page.goto(worklist_url)
    expect(page.locator("#section-overdue")).to_contain_text("(0)")
    expect(page.locator("#section-today")).to_contain_text("(0)")
    assert_accessible(page)
