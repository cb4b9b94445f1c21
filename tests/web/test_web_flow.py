"""The caseworker page in a real browser (Debian's Chromium through Playwright) against the
real server on loopback and a real SQLite file: the whole flow in English and in French, with
axe-core on every screen (no serious or critical violation) and a screenshot of each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from webkit import ARTIFACTS, Screens, say

from api.web.words import WORDS

pytestmark = pytest.mark.browser

LANGS = ("en", "fr")


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def _answer(page: Any) -> None:
    """Answer the next question whatever its kind (a choice, a date or a number)."""
    form = page.locator("section.next form")
    radios = form.locator("input[type=radio][value=false]")
    if radios.count():
        radios.first.check()
    elif form.locator("select").count():
        form.locator("select").select_option(index=1)
    elif form.locator("input[type=date]").count():
        form.locator("input[type=date]").fill("1990-01-01")
    else:
        form.locator("input[name=value]").fill("20000")
    form.locator("button[type=submit]").click()


@pytest.mark.parametrize("lang", LANGS)
def test_the_whole_flow(
    lang: str, page: Any, server: str, axe_source: str, request: pytest.FixtureRequest
) -> None:
    words = WORDS[lang]
    screens = Screens(page, axe_source, ARTIFACTS / lang)

    # sign in: a wrong token is refused with a clear message, the demo button signs in
    page.goto(f"{server}/{lang}/")
    assert page.locator("html").get_attribute("lang") == lang
    screens.check("sign-in")
    page.fill("#f-token", "not-a-token")
    page.get_by_role("button", name=words["sign_in"], exact=True).click()
    assert say(lang, "error_token_invalid") in page.locator("[role=alert]").inner_text()
    screens.check("sign-in-refused")
    page.get_by_role("button", name=words["demo_sign_in"]).click()

    # find a client: the demo's family, found by a member's name
    assert page.url.endswith(f"/{lang}/clients")
    page.fill("#f-q", "maria")
    page.get_by_role("button", name=words["search_button"]).click()
    assert page.locator("tbody tr").count() == 1
    screens.check("clients")

    # register a client: a bad income is named inline, in the page's language
    page.get_by_role("link", name=words["new_client"]).click()
    page.select_option("#f-province", "ON")
    page.select_option("#f-municipality", "toronto")
    page.fill("[id='f-m0.id']", "amara")
    page.select_option("[id='f-m0.role']", "applicant")
    page.fill("[id='f-m0.date_of_birth']", "1988-04-12")
    page.select_option("[id='f-m0.residency_status']", "citizen")
    page.fill("[id='f-m0.net_income']", "lots")
    page.get_by_role("button", name=words["register"]).click()
    income = page.locator("[id='f-m0.net_income']")
    assert income.get_attribute("aria-invalid") == "true"
    assert page.locator("[id='f-m0.net_income-error']").inner_text().strip()
    assert page.locator("#error-summary a").get_attribute("href") == "#f-m0.net_income"
    screens.check("household-error")
    income.fill("24000")
    page.fill("[id='f-m1.id']", "kofi")
    page.select_option("[id='f-m1.role']", "child")
    page.fill("[id='f-m1.date_of_birth']", "2021-06-01")
    page.get_by_role("button", name=words["register"]).click()

    # results: every level of government, statuses, amounts in the locale, the criteria
    for level in ("federal", "provincial_territorial", "municipal"):
        assert page.locator(f"#level-{level}").inner_text().startswith(words[f"level_{level}"])
    statuses = {words[f"status_{s}"] for s in ("eligible", "ineligible", "undetermined")}
    shown = set(page.locator(".program .status").all_inner_texts())
    assert shown <= statuses and words["status_ineligible"] in shown
    ccb = page.locator("#p-ca_ccb")
    money = r"\$\d{1,3}(,\d{3})*\.\d\d" if lang == "en" else r"\d{1,3}(\u00a0\d{3})*,\d\d\u00a0\$"
    assert re.search(money, ccb.locator(".amount").inner_text())
    ccb.locator("summary").click()
    assert ccb.locator(".criteria li").count() >= 1
    assert ccb.locator("details a[href^='https://']").count() >= 1
    screens.check("results")

    # the next question, answered in place: the results come back updated
    asked = page.locator("section.next legend, section.next label").first.inner_text()
    _answer(page)
    assert say(lang, "answered") in page.locator("[role=status]").inner_text()
    after = page.locator("section.next legend, section.next label")
    assert after.count() == 0 or after.first.inner_text() != asked
    screens.check("results-answered")

    # the language toggle keeps the screen
    toggle = page.locator("a.toggle")
    other = "fr" if lang == "en" else "en"
    assert toggle.get_attribute("lang") == other
    here = page.url.split("#")[0].split("?")[0]
    toggle.click()
    assert page.locator("html").get_attribute("lang") == other
    assert page.url.split("?")[0].replace(f"/{other}/", f"/{lang}/") == here
    page.go_back()

    # consents: give consent to the child benefits agreement
    page.get_by_role("link", name=words["nav_consents"]).click()
    screens.check("consents")
    page.get_by_role("button", name=say(lang, "grant", agreement="cra_child_benefits")).click()
    assert (
        say(lang, "granted", agreement="cra_child_benefits")
        in page.locator("[role=status]").inner_text()
    )

    # a life event: a birth, told once; ranked suggestions, deadlines, agencies told
    page.get_by_role("link", name=words["nav_event"]).click()
    page.select_option("#f-type", "birth")
    page.get_by_role("button", name=words["event_choose"]).click()
    screens.check("event")
    page.fill("[id='f-d.child.id']", "nia")
    page.get_by_role("button", name=words["record_event"]).click()
    assert page.locator("#sugg-h").inner_text() == words["suggestions"]
    assert page.locator("ol.programs > li").count() >= 1
    assert page.locator(".deadline").count() >= 1
    assert "cra_child_benefits" in page.locator("section[aria-labelledby=told-h]").inner_text()
    screens.check("event-recorded")

    # what was shared with whom, now
    page.get_by_role("link", name=words["nav_consents"]).click()
    shared = page.locator("table[aria-labelledby=shared-h] tbody tr")
    assert shared.count() >= 1
    screens.check("consents-shared")

    # the household, corrected: the new child is there; a member added in the blank row
    page.get_by_role("link", name=words["nav_household"]).click()
    assert page.locator("input[type=text][value=nia]").count() == 1
    blank = page.locator("input[type=text][name$='.id']").count() - 1
    page.fill(f"[id='f-m{blank}.id']", "abena")
    page.select_option(f"[id='f-m{blank}.role']", "dependant")
    page.fill(f"[id='f-m{blank}.date_of_birth']", "1950-02-03")
    page.get_by_role("button", name=words["save_household"]).click()
    assert page.locator("[role=status]").inner_text().startswith(say(lang, "saved", n=1)[:5])
    assert page.locator("input[type=text][value=abena]").count() == 1
    screens.check("household")

    # the summary for the client, printed without the page's navigation
    page.get_by_role("link", name=words["nav_summary"]).click()
    assert page.locator("h1").inner_text() == words["summary_title"]
    screens.check("summary")
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()
    page.screenshot(path=str(ARTIFACTS / lang / "summary-print.png"), full_page=True)
    page.emulate_media(media="screen")

    assert len(screens.seen) >= 10
    request.node.user_properties.append(("axe", screens.seen))


def test_keyboard_only(page: Any, server: str) -> None:
    """The first Tab reaches the skip link, focus is visible, and a form is usable with keys."""
    page.goto(f"{server}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    for _ in range(4):  # to the demo button, through the token field and the first button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == WORDS["en"]["demo_sign_in"]:
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/en/clients")
