"""Rule tests as data: ``rules/tests/<program_id>.yaml``, worked cases named as plain sentences.

:func:`run_rule_tests` runs every case it can: a case file that cannot be read, or a case that
cannot be run (an unknown program, invalid input, a date before the rules' figures), is one
``broken`` outcome with its file, line and reason, and the other cases still run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from engine.catalog._yaml import load_located
from engine.catalog.loader import parse_model
from engine.catalog.profile import parse_profile
from engine.catalog.schema import RuleCase, RuleTestFile
from engine.eligibility.evaluate import check
from engine.errors import InputError, ParameterValueMissing, RuleFileError, RuleSchemaError
from engine.evaluation.compiler import CompiledSystem

__all__ = [
    "Case",
    "CaseOutcome",
    "load_rule_test_file",
    "load_rule_tests",
    "rule_test_files",
    "run_case",
    "run_rule_tests",
]

Case = tuple[Path, int, RuleTestFile, RuleCase]
"""One worked case: its file, its line, the file's suite and the case."""


@dataclass(frozen=True)
class CaseOutcome:
    """The outcome of one case: passed, or why not; ``broken`` when the case (or its whole
    file: then ``program`` and ``name`` are empty) could not be run, ``detail`` saying why."""

    file: Path
    line: int
    program: str
    name: str
    passed: bool
    detail: str = ""
    broken: bool = False

    @property
    def location(self) -> str:
        """``file:line`` (just the file when the line is unknown)."""
        return f"{self.file}:{self.line}" if self.line else str(self.file)


def rule_test_files(root: Path) -> list[Path]:
    """The case files under ``root``: ``root`` itself when it is a file, else every ``*.yaml``
    below it.

    Raises:
        RuleFileError: ``root`` does not exist (a mistyped path is not an empty run).
    """
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise RuleFileError(
            root, 0, "no such file or folder (expected a rule test file or a folder of them)"
        )
    return sorted(root.rglob("*.yaml"))


def load_rule_test_file(file: Path) -> list[Case]:
    """Every case of one case file, with its line.

    Raises:
        RuleFileError: the file is not YAML or does not match the schema (file, line, reason).
    """
    doc = load_located(file)
    suite = parse_model(RuleTestFile, doc)
    return [(file, doc.line_of(("cases", i)), suite, case) for i, case in enumerate(suite.cases)]


def load_rule_tests(root: Path) -> list[Case]:
    """Every case under ``root`` (a tests folder or one file).

    Raises:
        RuleFileError: ``root`` does not exist, or the first case file that cannot be read.
    """
    return [case for file in rule_test_files(root) for case in load_rule_test_file(file)]


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
    try:
        result = check(compiled, profile)
    except ParameterValueMissing as exc:
        reason = f"case as_of {case.as_of.isoformat()} is before the rules' figures: {exc}"
        raise RuleSchemaError(file, line, reason) from exc
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
    """Run every case under ``root`` (a tests folder or one file); a file or case that cannot be
    run is a ``broken`` outcome and the others still run.

    Raises:
        RuleFileError: ``root`` does not exist.
    """
    outcomes: list[CaseOutcome] = []
    for file in rule_test_files(root):
        try:
            cases = load_rule_test_file(file)
        except RuleFileError as exc:
            outcomes.append(CaseOutcome(file, exc.line, "", "", False, exc.reason, broken=True))
            continue
        for case in cases:
            try:
                outcomes.append(run_case(compiled, *case))
            except RuleFileError as exc:
                _, line, suite, rule_case = case
                outcomes.append(
                    CaseOutcome(
                        file,
                        exc.line or line,
                        suite.program,
                        rule_case.name,
                        False,
                        exc.reason,
                        broken=True,
                    )
                )
    return outcomes
