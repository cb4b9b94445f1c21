"""The equity report of the bundled `canada` population (small) under a sample reform opens in
headless Chromium from the file alone (nothing fetched), in English and French, with its
charts, and passes axe-core; screenshots land in ``artifacts/equity/``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from webkit import BLOCKING

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "equity"
REFORM = ROOT / "scenarios" / "reforms" / "ccb_maxima_plus_10.yaml"
EXE = shutil.which("lifeevents", path=str(Path(sys.executable).parent)) or "lifeevents"

pytestmark = pytest.mark.browser

HEADINGS = {
    "en": (
        "Disparity checks by group",
        "Canada child benefit",
        "Change in each gap under the reform",
    ),
    "fr": (
        "Vérification des écarts entre groupes",
        "Allocation canadienne pour enfants",
        "Variation de chaque écart avec la réforme",
    ),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("equity")
    population = folder / "canada.parquet"
    for command in (
        ["scenario", "generate", str(ROOT / "scenarios/populations/canada.yaml"),
         "--size", "4000", "--out", str(population)],
        ["equity", str(population), "--reform", str(REFORM),
         "--by", "gender,indigenous_identity,age_band,disability", "--intersections", "2",
         "--out", str(folder / "out")],
    ):  # fmt: skip
        done = subprocess.run([EXE, *command], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return folder / "out"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_opens_offline_with_its_charts(
    browser: Any, axe_source: str, report: Path, lang: str
) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if not r.url.startswith("file:") else None)
    try:
        page.goto((report / f"report.{lang}.html").as_uri())
        assert page.evaluate("document.documentElement.lang") == lang
        text = page.inner_text("body")
        for heading in HEADINGS[lang]:
            assert heading in text, heading
        ccb = page.locator("#ca_ccb")
        assert ccb.locator("svg circle").count() >= 8  # a dot per group shown
        assert ccb.locator("svg").count() == 2  # rates, and the gap changes under the reform
        assert page.locator("svg").count() > 4
        assert fetched == []  # self-contained: nothing asked of any server
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report.{lang}.png"))
        ccb.screenshot(path=str(ARTIFACTS / f"report.{lang}.ca_ccb.png"))
        page.add_script_tag(content=axe_source)
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help}))"
        )
        assert not [v for v in found if v["impact"] in BLOCKING], found
    finally:
        page.close()
