"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's ``live_server``.

Design: CSP stays enforced, axe runs in the same page
-----------------------------------------------------
Every test page lives in a browser context *without* ``bypass_csp``: the app's strict
Content-Security-Policy (``script-src 'self'``, ``style-src 'self'``, no ``unsafe-eval``) is
enforced exactly as for a real user. A :class:`BrowserProblems` collector listens to the page's
console, uncaught exceptions and failed sub-resources. Any CSP violation or JavaScript error fails
the test (checked by :func:`assert_no_browser_problems`, which ``assert_accessible`` and the
``page`` fixture's teardown call), so a template that adds an inline ``<script>``, an inline
``style=""`` or an ``hx-on`` handler is caught here.

axe-core is *not* loaded with a ``<script>`` tag (``page.add_script_tag`` inserts an inline script
that the CSP rightly blocks, and turning on ``bypass_csp`` for the whole journey would make the CSP
checks above meaningless). Instead :func:`assert_accessible` hands the text of
``node_modules/axe-core/axe.min.js`` to ``page.evaluate``. That goes through the DevTools protocol
(``Runtime.evaluate``), which is outside the page's CSP: the page's own policy is untouched and
still enforced for everything the app itself loads or runs. axe is evaluated only after a journey
step has finished, in the very page state the user sees (e.g. after an htmx swap), without a
second request that could change server state (audit log entries) or lose client-side state.

One consequence of the enforced CSP: ``page.wait_for_function("...")`` with a string predicate
fails (Playwright re-evaluates the string later with ``eval``, which ``script-src 'self'`` forbids
outside the DevTools call). Wait with locators and ``expect(...)`` instead.

Because axe produces no CSP reports of its own, the problems collected before and after running
axe are the app's problems; ``assert_accessible`` checks them before it runs axe.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.factories import PASSWORD, current_code

CHROMIUM = Path(os.environ.get("LOTSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path(os.environ.get("LOTSE_SCREENSHOT_DIR", "/tmp/lotse-shots"))
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow width
TIMEOUT_MS = 10_000


def pytest_configure(config):
    # Registered by pytest-xdist; declared here too so ``-p no:xdist`` works with ``--strict-markers``.
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker as its group")


# --- browser lifecycle ---------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright_driver():
    """Playwright and Chromium live as long as the tests of this folder, not the whole session.

    While Playwright's sync API is running, an asyncio event loop is registered as running in this
    thread, so Django's async-safety guard would refuse every ORM call in tests and fixtures
    ("You cannot call this from an async context"). ``DJANGO_ALLOW_ASYNC_UNSAFE`` is therefore set
    exactly while the driver runs and removed afterwards: set for the whole session (e.g. at import
    time) it would switch the guard off for every other test and leak into subprocesses, where
    ``manage.py check --deploy`` rightly reports async.E001 (tests/core/test_security.py). Package
    scope still starts the browser only once for all browser tests (once per xdist worker; the
    ``xdist_group("browser")`` mark keeps them on one worker).
    """
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium (apt-get install chromium)")
    from playwright import sync_api
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as driver:
            yield driver


@pytest.fixture(scope="package")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class BrowserProblems:
    """What went wrong in the browser while the CSP was enforced."""

    csp_violations: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)

    CSP_PATTERN = re.compile(r"Content[- ]Security[- ]Policy", re.IGNORECASE)

    def on_console(self, message) -> None:
        text = message.text
        if self.CSP_PATTERN.search(text):
            self.csp_violations.append(f"{message.type}: {text} @ {_location(message)}")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            # "Failed to load resource" duplicates what on_response records with its URL.
            self.js_errors.append(f"console.error: {text} @ {_location(message)}")

    def on_page_error(self, error) -> None:
        self.js_errors.append(f"uncaught: {error}")

    def on_response(self, response) -> None:
        request = response.request
        if response.status >= 400:
            if request.resource_type == "document" and response.status in {400, 403, 404, 409, 422}:
                return  # error documents and refused forms are checked by the tests themselves
            if request.resource_type in {"xhr", "fetch"} and response.status in {409, 422}:
                return  # a refused form fragment, swapped in by htmx (``responseHandling`` in base.html)
            self.failed_resources.append(f"{response.status} {request.resource_type} {response.url}")

    def on_request_failed(self, request) -> None:
        if request.failure and "ERR_ABORTED" in request.failure:
            return  # the page navigated on or closed while the request was under way: not a failure of Lotse
        self.failed_resources.append(f"failed {request.resource_type} {request.url}: {request.failure}")

    def problems(self) -> list[str]:
        return ([f"CSP violation: {v}" for v in self.csp_violations]
                + [f"JS error: {e}" for e in self.js_errors]
                + [f"failed resource: {r}" for r in self.failed_resources])


def _location(message) -> str:
    location = message.location or {}
    return f"{location.get('url', '?')}:{location.get('lineNumber', '?')}"


def watch(page) -> BrowserProblems:
    problems = BrowserProblems()
    page.on("console", problems.on_console)
    page.on("pageerror", problems.on_page_error)
    page.on("response", problems.on_response)
    page.on("requestfailed", problems.on_request_failed)
    page.problems = problems
    return problems


@pytest.fixture
def new_page(browser, transactional_db, reference_data):
    """Factory for extra pages, each in its own fresh context with the CSP enforced (``bypass_csp`` off)."""
    contexts = []

    def factory(viewport: dict | None = None, locale: str = "de-DE"):
        context = browser.new_context(viewport=viewport or DESKTOP, locale=locale, bypass_csp=False,
                                      service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch(page)
        return page

    yield factory
    for context in contexts:
        pages = list(context.pages)
        context.close()
        for page in pages:
            assert_no_browser_problems(page)


@pytest.fixture
def page(new_page):
    """A page in a fresh context (no cookies from other tests), German browser, desktop size."""
    return new_page()


# --- helpers -------------------------------------------------------------------------------------


def assert_no_browser_problems(page) -> None:
    problems = page.problems.problems()
    assert not problems, "Browser problems with enforced CSP:\n  " + "\n  ".join(problems)


def login(page, live_server, user, device=None, *, password: str = PASSWORD) -> None:
    """Log in through the real forms: user name and password, then the current TOTP code."""
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.lotse-form button[type=submit]")
    if device is None:
        return
    assert "/konto/zwei-faktor/" in page.url, page.url
    page.fill("#id_token", fresh_code(device))
    with page.expect_navigation():
        page.click("form.lotse-form button[type=submit]")
    assert "/zwei-faktor/" not in page.url, f"second factor not accepted: {page.url}"


def fresh_code(device) -> str:
    """The current code for ``device``, as the phone would show it.

    Avoids the last two seconds of a time step (the server could already be in the next one) and,
    because django-otp rightly refuses a code of a step that was already used (replay protection),
    waits for the next step if this device logged in during the current one. Use one user per login
    within a test to avoid that wait.
    """
    device.refresh_from_db()
    elapsed = (time.time() - device.t0) % device.step
    if device.step - elapsed < 2:
        time.sleep(device.step - elapsed + 0.1)
    step_now = int((time.time() - device.t0) // device.step)
    if device.last_t is not None and device.last_t >= step_now:
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
    return current_code(device)


def totp_code_from_base32(secret: str) -> str:
    """What an authenticator app shows for the key printed on the enrolment page."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    key = b32decode(re.sub(r"\s+", "", secret).upper())
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


_AXE_SOURCE: str | None = None


def _axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        # Evaluated as a script body; end in an expression so evaluate() has a plain value to return.
        _AXE_SOURCE = AXE_JS.read_text(encoding="utf-8") + "\n;typeof window.axe;"
    return _AXE_SOURCE


def assert_accessible(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> None:
    """Run axe-core (WCAG 2.0/2.1 A+AA) on the page as it is now; fail on serious/critical violations.

    Also fails first if the page produced CSP violations or JavaScript errors so far.
    """
    assert_no_browser_problems(page)
    page.wait_for_load_state("load")
    if page.evaluate("typeof window.axe") != "object":
        assert page.evaluate(_axe_source()) == "object", "axe-core could not be loaded into the page"
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                               resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, impact: n.impact,
                                          summary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )
    bad = [v for v in results if v["impact"] in impacts]
    if bad:
        lines = [f"axe found {len(bad)} serious/critical WCAG violation(s) on {page.url}:"]
        for violation in bad:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
                         f"({violation['helpUrl']})")
            for node in violation["nodes"]:
                lines.append(f"    at {' > '.join(map(str, node['target']))}: {node['html'][:160]}")
                if node.get("summary"):
                    lines.append("      " + node["summary"].replace("\n", "\n      "))
        pytest.fail("\n".join(lines), pytrace=False)
    assert_no_browser_problems(page)


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
