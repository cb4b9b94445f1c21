"""What was not assessed: the coverage file names, per place, the programs the catalog does not
model yet; a check lists those of the household's places, and a broken file is rejected with
its file, line and reason."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from kit import CATALOG, ENGINE, FACTS

from engine import Engine
from engine.catalog._yaml import load_located
from engine.catalog.loader import validate_catalog
from engine.catalog.paths import default_rules_dir

PROVINCES = FACTS["province"].values
REST = set(FACTS["municipality"].rest_of_province.values())  # no municipal program there
MUNICIPALITIES = tuple(m for m in FACTS["municipality"].values if m not in REST)
TERRITORIES = ("NT", "NU", "YT")


def _check(**household: Any) -> Any:
    members = [{"id": "maria", "role": "applicant", "date_of_birth": "1991-05-02"}]
    return ENGINE.check({"as_of": "2026-01-15", "household": {**household, "members": members}})


def _entry(pid: str, en: str, fr: str, url: str) -> str:
    return f'{{id: {pid}, name: {{en: "{en}", fr: "{fr}"}}, url: "{url}"}}'


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """An engine whose coverage file lists one program not modelled in each of a few places
    (the bundled file empties as program files land, so these tests bring their own)."""
    rules = _rules(tmp_path_factory.mktemp("planned"))
    places = {
        "CA": _entry(
            "ca_new", "New federal benefit", "Nouvelle prestation", "https://www.canada.ca/x"
        ),
        "ON": _entry(
            "on_new",
            "New Ontario benefit",
            "Nouvelle prestation ontarienne",
            "https://www.ontario.ca/x",
        ),
        "toronto": _entry(
            "to_new",
            "New Toronto benefit",
            "Nouvelle prestation torontoise",
            "https://www.toronto.ca/x",
        ),
        "AB": _entry(
            "ab_new",
            "New Alberta benefit",
            "Nouvelle prestation albertaine",
            "https://www.alberta.ca/x",
        ),
        "YT": _entry(
            "yt_new", "New Yukon benefit", "Nouvelle prestation du Yukon", "https://yukon.ca/x"
        ),
        "calgary": _entry(
            "cgy_new",
            "New Calgary benefit",
            "Nouvelle prestation de Calgary",
            "https://www.calgary.ca/x",
        ),
    }
    coverage = _places(**{code: f"[{entry}]" for code, entry in places.items()})
    (rules / "coverage.yaml").write_text(coverage, encoding="utf-8")
    return Engine.load(rules, clock=lambda: dt.date(2026, 1, 15))


def _planned_check(engine: Engine, **household: Any) -> Any:
    members = [{"id": "maria", "role": "applicant", "date_of_birth": "1991-05-02"}]
    return engine.check({"household": {**household, "members": members}})


def test_a_toronto_household_is_told_the_federal_ontario_and_toronto_programs_not_assessed(
    planned: Engine,
) -> None:
    listed = _planned_check(planned, province="ON", municipality="toronto").not_assessed
    assert [entry.program for entry in listed] == ["ca_new", "on_new", "to_new"]
    # federal first, then the province, then the city
    assert [entry.level for entry in listed] == ["federal", "provincial", "municipal"]
    ontario = listed[1]
    assert ontario.name.en == "New Ontario benefit"
    assert ontario.name.fr == "Nouvelle prestation ontarienne"
    assert ontario.url == "https://www.ontario.ca/x"


def test_a_household_whose_province_is_unknown_is_told_only_the_federal_programs(
    planned: Engine,
) -> None:
    listed = _planned_check(planned).not_assessed
    assert [entry.program for entry in listed] == ["ca_new"]


def test_a_municipality_stated_without_a_province_brings_its_provinces_programs(
    planned: Engine,
) -> None:
    listed = _planned_check(planned, municipality="calgary").not_assessed
    assert [entry.program for entry in listed] == ["ca_new", "ab_new", "cgy_new"]


def test_the_bundled_coverage_file_answers_a_check_with_what_it_lists() -> None:
    listed = _check(province="ON", municipality="toronto").not_assessed
    expected = [
        e.program
        for e in CATALOG.coverage.entries
        if e.code in ("CA", "ON", "toronto") and e.program not in CATALOG.programs
    ]
    assert sorted(entry.program for entry in listed) == sorted(expected)


def test_a_territory_is_reported_at_the_territorial_level(planned: Engine) -> None:
    listed = _planned_check(planned, province="YT").not_assessed
    assert [(entry.program, entry.level) for entry in listed] == [
        ("ca_new", "federal"),
        ("yt_new", "territorial"),
    ]


def test_no_program_the_catalog_models_is_reported_as_not_assessed() -> None:
    for province in PROVINCES:
        listed = _check(province=province).not_assessed
        assert not {entry.program for entry in listed} & set(CATALOG.programs)


def test_every_place_of_the_registry_has_its_entry_with_official_pages() -> None:
    listed = load_located(default_rules_dir() / "coverage.yaml").data  # the engine's YAML rules
    codes = {place["code"] for place in listed["jurisdictions"]}
    assert codes == {"CA", *PROVINCES, *MUNICIPALITIES}
    assert len(MUNICIPALITIES) > 0
    for entry in CATALOG.coverage.entries:
        assert entry.url.startswith("https://"), entry.program
        assert entry.name.en and entry.name.fr


def _rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    return rules


def _places(**programs: str) -> str:
    """A coverage file listing every place, with ``programs`` (code -> YAML list) where given."""
    lines = ["jurisdictions:"]
    for level, codes in (
        ("federal", ("CA",)),
        ("provincial", [p for p in PROVINCES if p not in TERRITORIES]),
        ("territorial", TERRITORIES),
        ("municipal", MUNICIPALITIES),
    ):
        for code in codes:
            listed = programs.get(code, "[]")
            lines += [f"  - level: {level}", f"    code: {code}", f"    programs: {listed}"]
    return "\n".join(lines) + "\n"


ENTRY = '[{id: ca_new, name: {en: "New", fr: "Nouveau"}, url: "https://www.canada.ca/x"}]'


def test_an_entry_disappears_once_a_program_file_with_its_id_is_in_the_catalog(
    tmp_path: Path,
) -> None:
    rules = _rules(tmp_path)
    ccb = '[{id: ca_ccb, name: {en: "CCB", fr: "ACE"}, url: "https://www.canada.ca/ccb"}]'
    both = ccb[:-1] + ", " + ENTRY[1:]
    (rules / "coverage.yaml").write_text(_places(CA=both), encoding="utf-8")
    engine = Engine.load(rules, clock=lambda: dt.date(2026, 1, 15))
    assert [e.program for e in engine.catalog.coverage.entries] == ["ca_ccb", "ca_new"]
    members = [{"id": "maria", "role": "applicant"}]
    result = engine.check({"household": {"province": "ON", "members": members}})
    assert [entry.program for entry in result.not_assessed] == ["ca_new"]


def _line_of(text: str, needle: str, last: bool = False) -> int:
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[-1] if last else found[0]


def _broken(kind: str) -> tuple[str, int, str]:
    """(coverage text, the line the error must name, words of the reason)."""
    if kind == "a place left out":
        text = _places().replace("  - level: municipal\n    code: iqaluit\n    programs: []\n", "")
        return text, _line_of(text, "jurisdictions:"), "missing: iqaluit"
    if kind == "an unknown place":
        text = _places() + "  - level: municipal\n    code: atlantis\n    programs: []\n"
        return text, _line_of(text, "code: atlantis"), "'atlantis' is not a municipal code"
    if kind == "a level that does not fit its code":
        ontario = "level: provincial\n    code: ON"
        text = _places().replace(ontario, ontario.replace("provincial", "municipal"))
        return text, _line_of(text, "code: ON"), "'ON' is not a municipal code"
    if kind == "a place listed twice":
        text = _places() + "  - level: provincial\n    code: QC\n    programs: []\n"
        return text, _line_of(text, "code: QC", last=True), "jurisdiction 'QC' is listed twice"
    if kind == "an id listed twice":
        text = _places(CA=ENTRY, QC=ENTRY)
        return text, _line_of(text, "code: QC") + 1, "program id 'ca_new' is listed twice"
    if kind == "a missing French name":
        text = _places(ON=ENTRY.replace(', fr: "Nouveau"', ""))
        return text, _line_of(text, "code: ON") + 1, "missing French text"
    if kind == "an entry under another jurisdiction than its program file":
        ccb = '[{id: ca_ccb, name: {en: "CCB", fr: "ACE"}, url: "https://www.canada.ca/ccb"}]'
        text = _places(ON=ccb)
        return text, _line_of(text, "code: ON") + 1, "ca_ccb is listed under ON but its program"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "a place left out",
        "an unknown place",
        "a level that does not fit its code",
        "a place listed twice",
        "an id listed twice",
        "a missing French name",
        "an entry under another jurisdiction than its program file",
    ],
)
def test_a_broken_coverage_file_is_rejected_with_its_file_line_and_reason(
    tmp_path: Path, kind: str
) -> None:
    rules = _rules(tmp_path)
    text, line, words = _broken(kind)
    (rules / "coverage.yaml").write_text(text, encoding="utf-8")
    errors = validate_catalog(rules)
    assert len(errors) == 1, errors
    assert errors[0].file == rules / "coverage.yaml"
    assert (errors[0].line, words in errors[0].reason) == (line, True), errors[0]
