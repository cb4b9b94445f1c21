"""The rest of a province (``municipality: elsewhere_on``): a household that lives in none of
the catalog's cities says so, and no city's program is then undetermined for it or asked
about (a population drawn from a spec puts every household outside the cities there:
tests/engine/scenarios)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from kit import ENGINE, FACTS

from engine.catalog.paths import default_rules_dir
from engine.engine import Engine
from engine.errors import RuleSchemaError

PROVINCES = FACTS["province"].values
REST = FACTS["municipality"].rest_of_province


def _check(household: dict[str, Any]) -> dict[str, Any]:
    member = {
        "id": "a",
        "role": "applicant",
        "date_of_birth": "1990-01-01",
        "net_income": 18000,
        "residency_status": "citizen",
        "marital_status": "single",
    }
    data = {"as_of": "2026-06-15", "household": {**household, "members": [member]}}
    return ENGINE.check(data).model_dump(mode="json")


def test_every_province_and_territory_has_a_rest_that_lies_in_it() -> None:
    assert set(REST) == set(PROVINCES)
    for province, value in REST.items():
        assert FACTS["municipality"].value_provinces[value] == province


def test_outside_the_cities_no_city_program_waits_on_the_municipality() -> None:
    programs = ENGINE.catalog.programs.items()
    cities = {p for p, r in programs if r.program.jurisdiction.level == "municipal"}
    in_ontario = {p for p in cities if p.startswith(("to_", "ott_"))}
    assert in_ontario  # Toronto's and Ottawa's programs are in the catalog
    unknown = _check({"province": "ON"})
    waiting = {r["program"] for r in unknown["results"] if r["program"] in cities}
    assert waiting == in_ontario  # not stated: they may apply
    assert all(r["status"] == "undetermined" for r in unknown["results"] if r["program"] in cities)
    elsewhere = _check({"province": "ON", "municipality": "elsewhere_on"})
    assert not [r for r in elsewhere["results"] if r["program"] in cities]
    asked = elsewhere["next_question"]
    assert asked is None or asked["fact"] != "household/municipality"
    for result in elsewhere["results"]:
        assert "household/municipality" not in result["missing_facts"], result["program"]


def test_the_rest_of_a_province_states_the_province() -> None:
    # (refused in another province: test_profile_domains, for every place)
    members = [{"id": "a", "role": "applicant"}]
    household = {"municipality": "elsewhere_qc", "members": members}
    stated = ENGINE.parse({"as_of": "2026-06-15", "household": household})
    assert stated.household.province == "QC"


def _rules(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    facts = rules / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert old in text
    facts.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


def test_two_rests_of_one_province_are_refused_with_file_and_line(tmp_path: Path) -> None:
    old = 'elsewhere_ab: {code: 21, province: "AB"'
    rules = _rules(tmp_path, old, 'elsewhere_ab: {code: 21, province: "ON"')
    with pytest.raises(RuleSchemaError) as caught:
        Engine.load(rules)
    assert caught.value.file.name == "facts.yaml" and caught.value.line > 0
    assert "both the rest of ON" in str(caught.value)


def test_elsewhere_on_a_fact_other_than_the_municipality_is_refused(tmp_path: Path) -> None:
    old = '"AB": {code: 1, label:'
    rules = _rules(tmp_path, old, '"AB": {code: 1, elsewhere: true, label:')
    with pytest.raises(RuleSchemaError, match="municipality values only"):
        Engine.load(rules)
