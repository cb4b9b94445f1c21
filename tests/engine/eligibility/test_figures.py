"""Figures from values in force: the verification status of the values a program reads on the
day asked about, and monthly amounts from the annual ones."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from kit import ENGINE, maria_and_leo

from engine import Engine
from engine.catalog.paths import default_rules_dir
from engine.eligibility.formatting import round_cents
from engine.eligibility.result import Amount


def _statuses(data: dict[str, Any], engine: Engine = ENGINE) -> dict[str, str]:
    return {r.program: r.rule_status for r in engine.check(data).results}


def _family(as_of: str) -> dict[str, Any]:
    return maria_and_leo(as_of)


def _senior(as_of: str) -> dict[str, Any]:
    member = {
        "id": "ruth",
        "role": "applicant",
        "date_of_birth": "1955-01-01",
        "marital_status": "single",
        "residency_status": "citizen",
        "years_in_canada_since_18": 45,
        "net_income": 15000,
        "oas_benefits_income": 8000,
    }
    return {"as_of": as_of, "household": {"province": "ON", "members": [member]}}


def _rules_with(
    tmp_path: Path, unverified: tuple[str, str, str] | None, flag: str = "verified"
) -> Engine:
    """A copy of the bundled rules where every value of the CCB, the OAS and the GIS is
    verified except ``unverified`` = (program, parameter, date); ``flag`` is the status the
    file of that program states."""
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    for pid in ("ca_ccb", "ca_oas", "ca_gis"):
        file = next(rules.glob(f"programs/*/{pid}.yaml"))
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        data["status"] = flag if unverified and pid == unverified[0] else "verified"
        for name, parameter in data["parameters"].items():
            for date, value in parameter["values"].items():
                value["status"] = "unverified" if (pid, name, date) == unverified else "verified"
        file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Engine.load(rules, clock=lambda: dt.date(2026, 1, 15))


def test_a_program_reports_verified_figures_while_every_value_it_reads_in_force_is_verified(
    tmp_path: Path,
) -> None:
    # the file is flagged unverified and holds an unverified value from July 2025; before that
    # date, only the verified July 2024 values are in force
    engine = _rules_with(tmp_path, ("ca_ccb", "max_under_6", "2025-07-01"), "unverified")
    assert _statuses(_family("2025-06-15"), engine)["ca_ccb"] == "verified"


def test_a_program_reports_unverified_figures_once_an_unverified_value_it_reads_is_in_force(
    tmp_path: Path,
) -> None:
    engine = _rules_with(tmp_path, ("ca_ccb", "max_under_6", "2025-07-01"))
    assert _statuses(_family("2025-07-01"), engine)["ca_ccb"] == "unverified"
    assert engine.catalog.unverified_in_force("ca_ccb", dt.date(2026, 1, 15)) == [
        ("ca_ccb", "max_under_6")
    ]


def test_a_program_is_unverified_when_another_programs_parameter_it_reads_is(
    tmp_path: Path,
) -> None:
    verified = _rules_with(tmp_path / "a", None)
    marked = _rules_with(tmp_path / "b", ("ca_oas", "full_residence_years", "2013-07-01"))
    assert ("ca_oas", "full_residence_years") in marked.catalog.parameters_read["ca_gis"]
    before = _statuses(_senior("2026-01-15"), verified)
    after = _statuses(_senior("2026-01-15"), marked)
    assert before["ca_gis"] == "verified"
    # the GIS reads the OAS's 40-year residence rule through parameter("ca_oas", ...)
    assert after["ca_gis"] == "unverified" and after["ca_oas"] == "unverified"


def test_the_monthly_amount_is_the_annual_amount_over_twelve_rounded_to_cents() -> None:
    ccb = next(r for r in ENGINE.check(_family("2026-01-15")).results if r.program == "ca_ccb")
    assert ccb.amount is not None and ccb.amount.annual == 7997.00
    # 7,997 / 12 = 666.4166... -> 666.42
    assert ccb.amount.monthly == 666.42
    assert '"monthly":666.42' in ccb.model_dump_json()


@given(st.integers(min_value=0, max_value=10_000_000).map(lambda cents: cents / 100))
def test_a_monthly_amount_times_twelve_is_within_six_cents_of_the_annual_amount(
    annual: float,
) -> None:
    amount = Amount(annual=annual)
    assert amount.monthly == round_cents(annual / 12)
    assert abs(amount.monthly * 12 - annual) <= 0.06 + 1e-9
