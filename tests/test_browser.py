"""The pages in a real browser: headless Chromium (Debian's package) against a real `datasette` process.

A reader's walk clicks from the home page to every kind of page and back, at a desktop and a phone
width; on each page axe-core (pinned: axe-playwright-python) must find no serious violation.

Each test asserts what a reader sees and saves a screenshot in tests/screenshots/ (not committed);
`make screenshots` copies the README's from there.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import HOSTILE, hostile_database, start_datasette, stop_datasette

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed: `make chromium` installs Debian's package")
SCREENSHOTS = Path(__file__).parent / "screenshots"
# As root, in a sandboxed machine with no network beyond this one: no sandbox, no background traffic.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(real_db):
    """The repository's real knowledge base, served."""
    process, url = start_datasette(real_db)
    yield url
    stop_datasette(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.close()
    assert dialogs == [], f"a script ran and opened a dialog: {dialogs}"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # the first screenful, as a reader sees it


def test_home_page(site, page):
    page.goto(site + "/")
    text = page.inner_text("body")
    assert "Runner's knee evidence" in text
    assert "Conflict of interest: The publisher is a clinic that offers and sells the PRP and prolotherapy injections" in text
    assert "How verdicts are decided" in text
    assert "Audit: claims whose cited studies are only indirect evidence" in text
    screenshot(page, "home")


def test_treatment_page_for_prp(site, page):
    page.goto(site + "/treatment/prp")
    text = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
    assert "Platelet-rich plasma (PRP) injection" in text
    assert "Verdict: weak" in text
    assert "PRP is a promising non-surgical treatment for chondromalacia patellae and other knee conditions." in text
    assert "Bennell et al. 2021" in text and "indirect-population" in text
    screenshot(page, "treatment-prp")
    page.click("text=Bennell et al. 2021 >> nth=0")
    page.wait_for_load_state()
    assert page.url.endswith("/study/bennell2021effect")
    assert "RESTORE Randomized Clinical Trial" in page.inner_text("h1")


def test_treatment_page_for_exercise_therapy(site, page):
    page.goto(site + "/treatment/exercise-therapy")
    text = page.inner_text("body")
    assert "Exercise therapy (general)" in text
    assert "Verdict: supported" in text
    assert "van der Heijden et al. 2015" in text
    screenshot(page, "treatment-exercise-therapy")


def test_claim_page(site, page):
    page.goto(site + "/claim/ortho-regen-relieves-runners-knee")
    assert "Verdict: indirect only" in page.inner_text("body")
    highlighted = page.inner_text("mark")
    assert highlighted.startswith("Regenerative Orthopedics, along with vastus medialis strengthening, will relieve the pain")
    assert "Conflict of interest" in page.inner_text(".conflict")
    assert "Yıldırım Uslu 2024" in page.inner_text("body")
    screenshot(page, "claim")


def test_study_page(site, page):
    page.goto(site + "/study/bennell2021effect")
    assert "The RESTORE Randomized Clinical Trial" in page.inner_text("h1")
    assert page.get_attribute("p.links-out a >> text=DOI", "href") == "https://doi.org/10.1001/jama.2021.19415"
    assert page.get_attribute("p.links-out a >> text=PubMed", "href") == "https://pubmed.ncbi.nlm.nih.gov/34812863/"
    assert "Participants\n288" in page.inner_text("dl.facts")
    screenshot(page, "study")


def test_treatment_page_on_a_phone(site, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "/treatment/prp")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # a study is a card: its cells under their column's names, none cut off
    card = page.locator("table.studies tbody tr >> nth=0")
    assert card.evaluate("row => row.getBoundingClientRect().right") <= 390
    assert page.locator("table.studies thead >> nth=0").evaluate("head => head.getBoundingClientRect().width") <= 1  # for screen readers only
    screenshot(page, "treatment-prp-phone")


def test_evidence_map(site, page):
    page.goto(site + "/evidence-map")
    assert "Evidence map" in page.inner_text("h1")
    rows = page.query_selector_all("svg.evidence-map g.row")
    assert len(rows) == 33
    assert page.is_visible("svg.evidence-map >> text=Platelet-rich plasma (PRP) injection")
    screenshot(page, "evidence-map")
    page.click("svg.evidence-map >> text=Exercise therapy (general)")
    page.wait_for_load_state()
    assert page.url.endswith("/treatment/exercise-therapy")


def test_evidence_map_on_a_phone_and_by_keyboard(site, page):
    """At 390 px the page does not scroll sideways (the picture scrolls in its box, the words wrap);
    Tab reaches the map's treatment links, each named with its verdict, and Enter follows one."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site + "/evidence-map")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widest = "Math.max(...[...document.querySelectorAll('.map-list *')].map(e => e.getBoundingClientRect().right))"
    assert 0 < page.evaluate(widest) <= 390
    # every block drawn is a study in the map in words
    assert page.locator(".map-list .map-studies li").count() == page.locator("svg.evidence-map g.row title").count() > 0
    screenshot(page, "evidence-map-phone")
    first, href = (page.get_attribute("svg.evidence-map g.row a", name) for name in ("aria-label", "href"))
    assert re.fullmatch(r".+: (supported|conflicting|contradicted|weak|indirect only|no evidence)", first)
    focused = None
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("(e => e.closest('svg.evidence-map') && e.getAttribute('aria-label'))(document.activeElement)")
        if focused:
            break
    assert focused == first
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert href.startswith("/treatment/") and page.url == site + href


def test_search(site, page):
    page.goto(site + "/")
    page.fill("input[name=q]", "orthoses")
    page.click("input[type=submit][value=Search]")
    page.wait_for_load_state()
    assert page.url == site + "/search?q=orthoses"
    text = page.inner_text("body")
    assert "Foot orthoses for patellofemoral pain in adults" in text
    assert "Knee orthoses for treating patellofemoral pain syndrome" in text
    screenshot(page, "search")
    page.click("a.hit >> text=Foot orthoses (orthotics)")
    page.wait_for_load_state()
    assert page.url == site + "/treatment/foot-orthoses"


@pytest.mark.parametrize("q", ["insoles", "x" * 500, "Örsçelik " + "https://example.org/" + "a" * 150])
def test_search_on_a_phone(site, page, q):
    """At 390 px the search page does not scroll sideways: long words and addresses wrap."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site + "/search?" + urlencode({"q": q}))
    assert page.title().startswith("Search: ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widest = "Math.max(...[...document.querySelectorAll('main *, .content *, form *')].map(e => e.getBoundingClientRect().right))"
    assert 0 < page.evaluate(widest) <= 390
    if q == "insoles":
        screenshot(page, "search-phone")


def test_markup_in_the_data_is_shown_as_text(tmp_path, page):
    hostile_database(tmp_path / "evidence.db")
    process, url = start_datasette(tmp_path / "evidence.db")
    try:
        page.goto(url + "/treatment/tx")
        text = page.inner_text("body")
        assert HOSTILE["treatment"] in text
        assert HOSTILE["claim_text"] in text
        assert HOSTILE["study_title"] in text
        page.goto(url + "/claim/c1")
        assert page.inner_text("mark") == HOSTILE["quote"]  # and no dialog opened: the page fixture checks
        screenshot(page, "hostile-claim")
    finally:
        stop_datasette(process)


# A reader's walk, by clicking only, at a desktop and a phone width. Every page on the way must say
# its language, fit the screen, and have no serious or critical accessibility violation (axe-core).
WIDTHS = {"desktop": 1280, "phone": 390}
SERIOUS = ("serious", "critical")


def check(page, width: int, visited: list) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()
    where = page.url.split("/", 3)[3]
    assert page.evaluate("document.documentElement.lang") == "en", where
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"/{where} is wider than the screen"
    violations = [(found["id"], found["impact"], [node["target"] for node in found["nodes"]][:3])
                  for found in Axe().run(page).response["violations"] if found["impact"] in SERIOUS]
    assert violations == [], f"/{where}"
    visited.append("/" + where)


def follow(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.parametrize("device", WIDTHS)
def test_a_reader_reaches_every_kind_of_page_by_clicking(site, browser, device):
    width, visited = WIDTHS[device], []
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(site + "/")
        check(page, width, visited)
        for selector in ['ul.start a:text-is("Treatments")', 'ul.treatments a:text-is("Platelet-rich plasma (PRP) injection")',
                         'table.studies a:text-is("Bennell et al. 2021") >> nth=0', 'table.studies a[href^="/claim/"] >> nth=0',
                         'ul.sections a:text-is("Claims")', 'ul.sections a:text-is("Studies")', 'ul.sections a:text-is("Evidence map")',
                         '.map-list a:text-is("Exercise therapy (general)")', 'a:text-is("As a table")', 'td.col-treatment_id a >> nth=0',
                         'ul.sections a:text-is("Search")']:
            follow(page, selector)
            check(page, width, visited)
        page.fill("input[name=q]", "insoles")
        follow(page, "input[type=submit][value=Search]")
        check(page, width, visited)
        for selector in ['a.hit:text-is("Foot orthoses (orthotics)")', 'p.crumbs a:text-is("home")', 'a:text-is("Audit: retracted studies and the claims that lean on them")',
                         'p.crumbs a:text-is("home")', '.content a:text-is("evidence") >> nth=-1', 'h3 a:text-is("studies")',
                         'td.col-key a >> nth=0', 'td.col-key a']:
            follow(page, selector)
            check(page, width, visited)
        page.goto(site + "/study/an-old-link")  # a link from elsewhere that leads nowhere: the way back
        check(page, width, visited)
        follow(page, '.content a:text-is("home page")')
        check(page, width, visited)
        screenshot(page, f"walk-{device}")
    finally:
        page.close()
    assert [re.sub(r"/(treatment|claim|study)/[^/?]+$", r"/\1/<id>", path) for path in visited] == [
        "/", "/treatments", "/treatment/<id>", "/study/<id>", "/claim/<id>", "/claims", "/studies", "/evidence-map",
        "/treatment/<id>", "/evidence/summary_of_findings?treatment_id=exercise-therapy", "/treatment/<id>", "/search", "/search?q=insoles",
        "/treatment/<id>", "/", "/evidence/audit_retracted_studies", "/", "/evidence", "/evidence/studies",
        "/evidence/studies/" + visited[-3].rsplit("/", 1)[1], "/study/<id>", "/study/<id>", "/"]
