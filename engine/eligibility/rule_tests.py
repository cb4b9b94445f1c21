"""Rule tests as data: ``rules/tests/<program_id>.yaml``, worked cases named as plain sentences."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from engine.catalog._yaml import load_located
from engine.catalog.loader import default_rules_dir, parse_model
from engine.catalog.schema import RuleCase, RuleTestFile
from engine.eligibility.evaluate import check, compiled_system
from engine.eligibility.profile import parse_profile
from engine.errors import InputError, RuleSchemaError

__all__ = ["CaseOutcome", "load_rule_tests", "run_case", "run_rule_tests"]


@dataclass(frozen=True)
class CaseOutcome:
    """The outcome of one case: passed, or why not."""

    file: Path
    line: int
    program: str
    name: str
    passed: bool
    detail: str = ""


def load_rule_tests(path: Path | None = None) -> list[tuple[Path, int, RuleTestFile, RuleCase]]:
    """Every case under ``path`` (a tests folder or one file; default: the bundled tests)."""
    root = path or default_rules_dir() / "tests"
    files = [root] if root.is_file() else sorted(root.rglob("*.yaml"))
    cases = []
    for file in files:
        doc = load_located(file)
        suite = parse_model(RuleTestFile, doc)
        for index, case in enumerate(suite.cases):
            cases.append((file, doc.line_of(("cases", index)), suite, case))
    return cases


def run_case(
    file: Path, line: int, suite: RuleTestFile, case: RuleCase, rules_dir: Path | None = None
) -> CaseOutcome:
    """Evaluate one case and compare status and annual amount."""

    def outcome(passed: bool, detail: str = "") -> CaseOutcome:
        return CaseOutcome(file, line, suite.program, case.name, passed, detail)

    if suite.program not in compiled_system(rules_dir).catalog.programs:
        reason = f"unknown program {suite.program!r}: no rule file has this id"
        raise RuleSchemaError(file, line, reason)
    try:
        profile = parse_profile({"as_of": case.as_of.isoformat(), "household": case.input})
    except InputError as exc:
        raise RuleSchemaError(file, line, f"case input is invalid: {exc}") from exc
    result = check(profile, rules_dir)
    found = [r for r in result.results if r.program == suite.program]
    want = case.output
    if not found:  # the program's jurisdiction does not cover the household: not eligible
        if want.status == "ineligible":
            return outcome(True)
        return outcome(False, f"{suite.program} does not apply to this household's jurisdiction")
    got = found[0]
    if got.status != want.status:
        why = "; ".join(f"{c.id}={c.status}" for c in got.criteria)
        missing = f"; missing: {', '.join(got.missing_facts)}" if got.missing_facts else ""
        return outcome(False, f"status {got.status}, expected {want.status} ({why}{missing})")
    if want.amount is not None:
        annual = got.amount.annual if got.amount is not None else math.nan
        if not abs(annual - want.amount) <= case.absolute_error_margin:
            return outcome(False, f"annual amount {annual:.2f}, expected {want.amount:.2f}")
    return outcome(True)


def run_rule_tests(path: Path | None = None, rules_dir: Path | None = None) -> list[CaseOutcome]:
    """Run every case under ``path``."""
    return [run_case(*case, rules_dir=rules_dir) for case in load_rule_tests(path)]
