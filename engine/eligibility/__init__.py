"""Answers: three-valued results per program, explanations, missing facts, the next question."""

from engine.eligibility.evaluate import check, check_dates, check_json
from engine.eligibility.populations import PopulationResult, ProgramTotal, evaluate_population
from engine.eligibility.result import CheckResult, MemberResult, ProgramResult
from engine.eligibility.rule_tests import CaseOutcome, load_rule_tests, run_case, run_rule_tests

__all__ = [
    "CaseOutcome",
    "CheckResult",
    "MemberResult",
    "PopulationResult",
    "ProgramResult",
    "ProgramTotal",
    "check",
    "check_dates",
    "check_json",
    "evaluate_population",
    "load_rule_tests",
    "run_case",
    "run_rule_tests",
]
