"""The application shell in a real browser: login with second factor, enrolment, keyboard use,
htmx live search, role-dependent navigation, language switch, tablet layout, WCAG checks (axe-core)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    PHONE,
    TABLET,
    assert_accessible,
    assert_no_browser_problems,
    fresh_code,
    login,
    screenshot,
    totp_code_from_base32,
)
from tests.factories import make_org, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TOKEN_LABEL = "Sechsstelliger Code aus Ihrer Authenticator-App"


def nav_labels(page) -> list[str]:
    return [label.strip() for label in page.locator("nav.lotse-nav a").all_inner_texts()]


def assert_styles_loaded(page) -> None:
    """lotse.css, KERN and the self-hosted Fira Sans arrive through WhiteNoise (finders in tests)."""
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Fira Sans"'), f"lotse.css not applied, body font is {family!r}"
    assert page.evaluate("""document.fonts.ready.then(() =>
        [...document.fonts].some(f => f.family.replace(/["']/g, '') === 'Fira Sans'
                                      && f.status === 'loaded'))"""
    ), "the Fira Sans web font did not load"
    # KERN's stylesheet is applied too (its buttons are not the browser's default grey buttons).
    radius = page.evaluate("getComputedStyle(document.querySelector('.kern-btn')).borderRadius")
    assert radius not in {"", "0px"}, "KERN stylesheet not applied"


def assert_no_horizontal_scroll(page) -> None:
    widths = page.evaluate("({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], f"horizontal scrolling on {page.url}: {widths}"


def test_counsellor_logs_in_with_password_and_totp(page, live_server):
    world = make_org("A")
    counsellor = world.user("counsellor")
    device = verified_device(counsellor)

    page.goto(f"{live_server.url}/konto/anmelden/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_label("Benutzername").is_visible()
    assert_styles_loaded(page)
    assert_accessible(page)

    page.get_by_label("Benutzername").fill(counsellor.username)
    page.get_by_label("Passwort").fill("Korrekt-Pferd-Batterie-42")
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden").click()
    assert page.url.startswith(f"{live_server.url}/konto/zwei-faktor/")
    assert_accessible(page)

    page.get_by_label(TOKEN_LABEL).fill(fresh_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Bestätigen").click()
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Willkommen, CounsellorA"
    assert_styles_loaded(page)
    assert_accessible(page)
    screenshot(page, "start-desktop.png")

    page.get_by_role("link", name="Mein Konto").click()
    page.wait_for_url(f"{live_server.url}/konto/")
    assert_accessible(page)

    assert "Mitarbeitende" in nav_labels(page)
    page.get_by_role("link", name="Mitarbeitende").click()
    page.wait_for_url(f"{live_server.url}/mitarbeitende/")
    assert page.locator("#staff-results").get_by_text("CounsellorA NachnameA").is_visible()
    assert_accessible(page)


def test_first_time_user_enrols_authenticator(page, live_server):
    world = make_org("A")
    newcomer = world.user("team_lead")  # no TOTP device yet

    login(page, live_server, newcomer)
    assert page.url.startswith(f"{live_server.url}/konto/zwei-faktor/einrichten/")
    assert page.locator("figure.lotse-qr svg").is_visible()
    secret = page.locator(".lotse-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
    assert_accessible(page)

    page.get_by_label(TOKEN_LABEL).fill(totp_code_from_base32(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Aktivieren").click()

    codes = page.locator("ul.lotse-codes li").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10, codes
    assert_accessible(page)
    page.get_by_role("link", name="Ich habe die Codes sicher aufbewahrt – weiter").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Willkommen, Team_LeadA"
    newcomer.refresh_from_db()
    assert newcomer.totpdevice_set.filter(confirmed=True).count() == 1


def test_first_tab_on_login_page_focuses_skip_link(page, live_server):
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 100)")
    assert page.evaluate("document.activeElement.className") == "lotse-skip-link", f"Tab focused {focused}"


def test_keyboard_only_skip_link_and_login(page, live_server):
    world = make_org("A")
    counsellor = world.user("counsellor")
    device = verified_device(counsellor)
    page.goto(f"{live_server.url}/konto/anmelden/")

    # Login page: the first Tab reaches the skip link, Enter jumps to the content, Tab to the user name.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "lotse-skip-link"
    page.keyboard.press("Enter")
    assert focused_id(page) == "inhalt"
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_username"
    page.keyboard.type(counsellor.username)
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_password"
    page.keyboard.type("Korrekt-Pferd-Batterie-42")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/konto/zwei-faktor/" in page.url
    page.goto(page.url.split("#")[0])  # the browser keeps #inhalt across the redirect; start afresh

    # Second-factor page (no autofocus): the first Tab lands on the skip link, which becomes visible.
    skip = page.locator("a.lotse-skip-link")
    assert not in_viewport(page, skip), "skip link should be off-screen until focused"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "lotse-skip-link", (
        "first Tab does not reach the skip link; focused: "
        + page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))
    assert skip.inner_text() == "Zum Inhalt springen"
    assert in_viewport(page, skip), "focused skip link is not visible"
    page.keyboard.press("Enter")
    assert focused_id(page) == "inhalt"
    assert page.url.endswith("#inhalt")
    assert not in_viewport(page, skip), "skip link stays visible after use"

    # From main, the next Tab stop is the code field; Enter submits.
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_token"
    page.keyboard.type(fresh_code(device))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.split("#")[0] == f"{live_server.url}/"  # browsers keep #inhalt across the redirect
    assert page.get_by_role("heading", level=1).inner_text() == "Willkommen, CounsellorA"


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    if box is None:
        return False
    size = page.viewport_size
    return box["y"] + box["height"] > 0 and box["y"] < size["height"] and box["x"] >= 0 and box["width"] > 0


def test_staff_live_search_with_htmx(page, live_server):
    world = make_org("A")
    make_org("B")  # a foreign organisation with the same roles must never show up
    admin = world.user("org_admin")
    login(page, live_server, admin, verified_device(admin))
    page.goto(f"{live_server.url}/mitarbeitende/")
    results = page.locator("#staff-results")
    assert results.get_by_text("CounsellorA NachnameA").is_visible()
    assert results.get_by_text("CounsellorB").count() == 0
    expect(page.locator("#id_q")).to_be_editable()
    page.wait_for_load_state("load")  # htmx.min.js is deferred
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.__sameDocument = true")

    def is_htmx_search(response) -> bool:
        return "q=Accomm" in response.url and response.request.headers.get("hx-request") == "true"

    with page.expect_response(is_htmx_search) as info:
        page.locator("#id_q").press_sequentially("Accomm", delay=30)
    assert info.value.status == 200
    expect(results.locator("tbody tr")).to_have_count(1)

    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded instead of swapped by htmx"
    names = results.locator("tbody th").all_inner_texts()
    assert names == ["AccommodationA NachnameA"]
    assert "q=Accomm" in page.url  # hx-push-url keeps the search bookmarkable
    assert page.locator("h1").count() == 1  # only the partial was swapped in
    assert_accessible(page)

    page.locator("#id_q").fill("Niemand")
    expect(results).to_contain_text("Keine Treffer für Ihre Suche.")
    assert page.evaluate("window.__sameDocument") is True


def test_audit_log_for_admin_and_coordinator_restrictions(page, new_page, live_server):
    world = make_org("A")
    admin = world.user("org_admin")
    login(page, live_server, admin, verified_device(admin))
    page.get_by_role("link", name="Protokoll").click()
    page.wait_for_url(f"{live_server.url}/protokoll/")
    assert page.get_by_role("heading", level=1).inner_text() == "Protokoll"
    assert page.locator("main table").count() == 1
    assert_accessible(page)

    coordinator = world.user("coordinator")
    other = new_page()
    login(other, live_server, coordinator, verified_device(coordinator))
    assert other.url == f"{live_server.url}/"
    figures = other.get_by_role("table", name="Kennzahlen je Organisation")
    assert figures.is_visible()
    assert figures.get_by_role("rowheader", name="Organisation A").is_visible()
    labels = nav_labels(other)
    assert "Mitarbeitende" not in labels and "Protokoll" not in labels, labels
    assert_accessible(other)

    response = other.goto(f"{live_server.url}/mitarbeitende/")
    assert response.status == 403
    assert other.get_by_role("heading", level=1).inner_text() == "Zugriff verweigert"
    assert other.locator("html").get_attribute("lang") == "de"
    assert_accessible(other)


def test_language_switch_to_english(page, live_server):
    world = make_org("A")
    counsellor = world.user("counsellor")
    login(page, live_server, counsellor, verified_device(counsellor))
    page.goto(f"{live_server.url}/konto/")
    assert page.locator("html").get_attribute("lang") == "de"

    header_form = page.locator("header form.lotse-language")
    header_form.get_by_label("Sprache").select_option("en")
    with page.expect_navigation():
        header_form.get_by_role("button", name="Wechseln").click()
    assert page.url == f"{live_server.url}/konto/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My account" in nav_labels(page)
    assert page.get_by_role("link", name="Skip to content").count() == 1
    assert page.get_by_role("button", name="Switch").count() == 1
    counsellor.refresh_from_db()
    assert counsellor.language == "en"
    assert_accessible(page)


def test_tablet_layout_has_no_horizontal_scrolling(new_page, live_server):
    world = make_org("A")
    admin = world.user("org_admin")  # the widest navigation and the staff list with its actions
    page = new_page(viewport=TABLET)
    login(page, live_server, admin, verified_device(admin))
    assert page.url == f"{live_server.url}/"
    assert_no_horizontal_scroll(page)

    page.goto(f"{live_server.url}/mitarbeitende/")
    assert_no_horizontal_scroll(page)
    screenshot(page, "staff-tablet.png")
    assert_no_browser_problems(page)


def test_phone_width_tables_are_keyboard_scrollable(new_page, live_server):
    world = make_org("A")
    admin = world.user("org_admin")
    page = new_page(viewport=PHONE)
    login(page, live_server, admin, verified_device(admin))
    assert_no_horizontal_scroll(page)  # WCAG 1.4.10 reflow: the page itself does not scroll sideways
    assert_accessible(page)
