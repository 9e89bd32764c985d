import pytest
from tests.browser.conftest import assert_accessible, login, watch
from tests.factories import make_org, verified_device

pytestmark = pytest.mark.xdist_group("browser")

def test_probe(page, live_server):
    world = make_org("A")
    user = world.user("counsellor")
    device = verified_device(user)
    msgs = []
    page.on("console", lambda m: msgs.append((m.type, m.text)))
    page.goto(live_server.url + "/konto/anmelden/")
    print("FONT", page.evaluate("getComputedStyle(document.body).fontFamily"))
    print("FONTS", page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px \"Fira Sans\"'))"))
    print(page.evaluate(open("node_modules/axe-core/axe.min.js").read() + "\n;typeof window.axe;"))
    r = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa"]}})).violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])""")
    print("AXE", r)
    login(page, live_server, user, device)
    print("URL", page.url)
    print("MSGS", msgs)
    print("PROBLEMS", page.problems)
