"""The browser checks themselves must be able to fail: CSP violations, JS errors and axe findings."""

import pytest

from tests.browser.conftest import assert_accessible, assert_no_browser_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_csp_is_enforced_and_violations_are_reported(page, live_server):
    page.goto(f"{live_server.url}/konto/anmelden/")
    assert_no_browser_problems(page)
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.body.append(script);
        document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline style</p>');
    }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__inlineRan === undefined"), "inline script ran: the CSP is not enforced"
    violations = page.problems.csp_violations
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
    with pytest.raises(AssertionError, match="CSP violation"):
        assert_no_browser_problems(page)
    page.problems.csp_violations.clear()  # handled: keep the fixture's teardown check quiet


def test_js_errors_are_reported(page, live_server):
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.evaluate("setTimeout(() => { throw new Error('boom from test'); }, 0)")
    page.wait_for_timeout(100)
    assert any("boom from test" in e for e in page.problems.js_errors), page.problems.js_errors
    page.problems.js_errors.clear()


def test_axe_reports_serious_violations(page, live_server):
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.evaluate("""() => {
        const input = document.createElement('input');
        input.id = 'unlabelled-canary';
        document.querySelector('main').append(input);
    }""")
    with pytest.raises(pytest.fail.Exception, match=r"(?s)\[critical\] label:.*#unlabelled-canary"):
        assert_accessible(page)
