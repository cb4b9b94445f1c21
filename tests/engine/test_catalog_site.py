"""`lifeevents rules docs`: the browsable HTML catalog, en and fr, written from the rule files."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.catalog.loader import load_catalog
from engine.catalog.paths import default_rules_dir
from engine.cli import app

_VOID = {"meta", "link", "br", "img", "input", "hr"}


class _Page(HTMLParser):
    """Collects links and ids, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("href"):
            self.links.append(str(values["href"]))
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _docs(out: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(app, ["rules", "docs", "--out", str(out), *args])
    return done.exit_code, done.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    code, output = _docs(out, "--as-of", "2026-01-15")
    assert code == 0, output
    return out


def test_every_program_has_a_page_in_each_language_and_every_local_link_resolves(
    site: Path,
) -> None:
    catalog = load_catalog(default_rules_dir())
    for lang in ("en", "fr"):
        assert {p.stem for p in (site / lang).glob("*.html")} == {*catalog.programs, "index"}
    for path in site.rglob("*.html"):
        page = _parse(path)
        assert not page.problems and not page.stack, (path, page.problems, page.stack)
        for link in page.links:
            if link.startswith(("https://", "http://")):
                continue
            target, _, anchor = link.partition("#")
            target_path = (path.parent / target).resolve() if target else path
            assert target_path.is_file(), (path, link)
            if anchor:
                assert anchor in _parse(target_path).ids, (path, link)


def test_a_program_page_says_its_figures_with_dates_in_the_page_language(site: Path) -> None:
    english = (site / "en" / "ca_cdb.html").read_text(encoding="utf-8")
    french = (site / "fr" / "ca_cdb.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="fr">' in french
    assert "Child disability benefit" in english
    assert "Prestation pour enfants handicapés" in french
    # the per-child maximum from July 2026: $3,480 (ca_cdb.yaml), written per language
    assert "<td>July 1, 2026</td><td>$3,480</td>" in english
    assert "<td>1er juillet 2026</td><td>3\u00a0480\u00a0$</td>" in french
    # rates as percentages, tables row by row
    assert "1: 3.2%<br>2: 5.7%" in english
    # criteria: the explanation with its computed names, and the test as the engine reads it
    assert "\u2039n_dtc\u203a child(ren) under 18" in english
    assert "<code>n_dtc &gt; 0</code>" in english


def test_the_index_groups_programs_by_level_and_lists_what_is_not_assessed(site: Path) -> None:
    catalog = load_catalog(default_rules_dir())
    english = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert "<h2>federal (Canada)</h2>" in english
    for program in catalog.programs:
        assert f'href="{program}.html"' in english
    missing = [e for e in catalog.coverage.entries if e.program not in catalog.programs]
    assert missing, "the coverage file still lists programs not modelled"
    assert "Not assessed yet" in english
    for entry in missing:
        assert f"<code>{entry.program}</code>" in english


def _copy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    return rules


def test_coverage_shows_scope_limitations_and_the_unverified_figures_in_force(
    tmp_path: Path,
) -> None:
    rules = _copy_rules(tmp_path)
    cdb = rules / "programs" / "ca" / "ca_cdb.yaml"
    text = cdb.read_text(encoding="utf-8")
    # mark the July 2025 maximum unverified, with a note that must be escaped
    text = text.replace(
        '      "2025-07-01":\n        value: 3411\n',
        '      "2025-07-01":\n        value: 3411\n        status: unverified\n',
        1,
    ).replace(
        "\nlimitations:\n",
        "\nlimitations:\n"
        "  - {en: 'Children in care <of an agency> are not modelled.', "
        "fr: 'Les enfants pris en charge par un organisme ne sont pas modélisés.'}\n",
        1,
    )
    assert "status: unverified" in text and "<of an agency>" in text
    cdb.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    code, output = _docs(out, "--rules", str(rules), "--as-of", "2026-01-15")
    assert code == 0, output
    page = (out / "en" / "ca_cdb.html").read_text(encoding="utf-8")
    coverage = page[page.index("<h2>Coverage</h2>") :]
    assert "The file declares no limit of scope" in coverage
    assert "Children in care &lt;of an agency&gt; are not modelled." in coverage
    assert re.search(r"not yet confirmed.*href=\"#max_per_child\"", coverage, re.S)
    assert '<span class="unverified">unverified</span>' in page
    # a year later the July 2026 value (verified) is in force: nothing unverified is listed
    code, output = _docs(out, "--rules", str(rules), "--as-of", "2026-08-01")
    assert code == 0, output
    page = (out / "en" / "ca_cdb.html").read_text(encoding="utf-8")
    assert "Every figure in force on August 1, 2026 is confirmed" in page
    french = (out / "fr" / "ca_cdb.html").read_text(encoding="utf-8")
    assert "Les enfants pris en charge par un organisme ne sont pas modélisés." in french


def test_a_scope_is_shown_in_the_coverage_section(site: Path) -> None:
    catalog = load_catalog(default_rules_dir())
    scoped = next(r for r in catalog.programs.values() if r.program.scope is not None)
    page = (site / "fr" / f"{scoped.id}.html").read_text(encoding="utf-8")
    first_words = scoped.program.scope.explain.fr.split()[:4]  # type: ignore[union-attr]
    coverage = page[page.index("<h2>Portée</h2>") :]
    assert " ".join(first_words).replace("'", "&#x27;") in coverage


def test_bad_output_folder_or_date_exits_2_and_says_why(tmp_path: Path) -> None:
    a_file = tmp_path / "taken"
    a_file.write_text("x", encoding="utf-8")
    code, output = _docs(a_file)
    assert code == 2 and "is a file, not a folder" in output
    code, output = _docs(tmp_path / "out", "--as-of", "2026-13-01")
    assert code == 2 and "--as-of: not a date" in output
    assert not (tmp_path / "out").exists()
