"""The worked cases in rules/tests, one pytest test each (the same runner as `rules test`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kit import ENGINE

from engine.catalog.loader import load_catalog
from engine.eligibility.rule_tests import load_rule_tests, run_case

RULES = Path(__file__).resolve().parents[3] / "rules"
CASES = load_rule_tests(RULES / "tests")


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{suite.program}:{line}" for _, line, suite, _ in CASES]
)
def test_rule_case(case: tuple) -> None:  # type: ignore[type-arg]
    outcome = run_case(ENGINE.compiled, *case)
    assert outcome.passed, f"{outcome.name}: {outcome.detail}"


def test_every_program_has_at_least_three_cases_with_arithmetic() -> None:
    programs = load_catalog(RULES).programs
    for program_id in programs:
        cases = [c for _, _, suite, c in CASES if suite.program == program_id]
        assert len(cases) >= 3, program_id
        worked = [c for c in cases if c.output.amount is not None]
        assert all(c.arithmetic for c in worked), program_id
        statuses = {c.output.status for c in cases}
        assert {"eligible", "ineligible", "undetermined"} <= statuses, program_id
