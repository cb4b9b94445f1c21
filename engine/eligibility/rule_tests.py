"""Rule tests as data: ``rules/tests/<program_id>.yaml``, worked cases named as plain sentences."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from engine.catalog._yaml import load_located
from engine.catalog.loader import parse_model
from engine.catalog.profile import parse_profile
from engine.catalog.schema import RuleCase, RuleTestFile
from engine.eligibility.evaluate import check
from engine.errors import InputError, RuleSchemaError
from engine.evaluation.compiler import CompiledSystem

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


def load_rule_tests(root: Path) -> list[tuple[Path, int, RuleTestFile, RuleCase]]:
    """Every case under ``root`` (a tests folder or one file)."""
    files = [root] if root.is_file() else sorted(root.rglob("*.yaml"))
    cases = []
    for file in files:
        doc = load_located(file)
        suite = parse_model(RuleTestFile, doc)
        for index, case in enumerate(suite.cases):
            cases.append((file, doc.line_of(("cases", index)), suite, case))
    return cases


def run_case(
    compiled: CompiledSystem, file: Path, line: int, suite: RuleTestFile, case: RuleCase
) -> CaseOutcome:
    """Evaluate one case and compare status and annual amount."""

    def outcome(passed: bool, detail: str = "") -> CaseOutcome:
        return CaseOutcome(file, line, suite.program, case.name, passed, detail)

    if suite.program not in compiled.catalog.programs:
        reason = f"unknown program {suite.program!r}: no rule file has this id"
        raise RuleSchemaError(file, line, reason)
    model = compiled.catalog.profile_model
    try:
        data = {"as_of": case.as_of.isoformat(), "household": case.input}
        profile = parse_profile(data, model)
    except InputError as exc:
        raise RuleSchemaError(file, line, f"case input is invalid: {exc}") from exc
    result = check(compiled, profile)
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
    if want.minimum is not None:
        floor = got.amount.minimum if got.amount is not None else None
        if floor is None or not abs(floor - want.minimum) <= case.absolute_error_margin:
            shown = "no lower bound" if floor is None else f"at least {floor:.2f}"
            return outcome(False, f"amount {shown}, expected at least {want.minimum:.2f}")
    return outcome(True)


def run_rule_tests(compiled: CompiledSystem, root: Path) -> list[CaseOutcome]:
    """Run every case under ``root`` (a tests folder or one file)."""
    return [run_case(compiled, *case) for case in load_rule_tests(root)]
