"""Evaluate one profile or a population: three-valued results, explanations, next question."""

from engine.eligibility.evaluate import (
    PopulationResult,
    check,
    compiled_system,
    evaluate_population,
)
from engine.eligibility.population import Population, from_profiles
from engine.eligibility.profile import Profile, parse_profile
from engine.eligibility.result import CheckResult, ProgramResult
from engine.eligibility.rule_tests import run_rule_tests

__all__ = [
    "CheckResult",
    "Population",
    "PopulationResult",
    "Profile",
    "ProgramResult",
    "check",
    "compiled_system",
    "evaluate_population",
    "from_profiles",
    "parse_profile",
    "run_rule_tests",
]
