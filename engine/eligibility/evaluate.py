"""Evaluate every applicable program for a household, or a whole population.

Examples:
    >>> from engine.eligibility.profile import parse_profile
    >>> profile = parse_profile({"as_of": "2026-01-15", "household": {"province": "ON",
    ...     "members": [{"id": "maria", "role": "applicant", "date_of_birth": "1991-05-02",
    ...                  "residency_status": "citizen", "net_income": 35000},
    ...                 {"id": "leo", "role": "child", "date_of_birth": "2023-09-10",
    ...                  "custody": "full"}]}})
    >>> ccb = next(r for r in check(profile).results if r.program == "ca_ccb")
    >>> ccb.status, ccb.amount.annual
    ('eligible', 7997.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.catalog.compiler import CompiledSystem, compile_catalog
from engine.catalog.facts import FACTS
from engine.catalog.loader import ProgramRules, cached_catalog, default_rules_dir
from engine.eligibility import result as out
from engine.eligibility.next_question import (
    best_question,
    candidates,
    read_facts,
    with_variants,
)
from engine.eligibility.population import Population, from_profiles
from engine.eligibility.profile import Profile
from engine.eligibility.program_result import program_result
from engine.eligibility.simulate import simulate
from engine.kleene import Array

__all__ = ["PopulationResult", "check", "compiled_system", "evaluate_population"]


@lru_cache(maxsize=4)
def _compiled(root: Path) -> CompiledSystem:
    return compile_catalog(cached_catalog(root))


def compiled_system(rules_dir: Path | None = None) -> CompiledSystem:
    """The compiled catalog of ``rules_dir`` (default: the bundled rules), built once."""
    return _compiled((rules_dir or default_rules_dir()).resolve())


def check(profile: Profile, rules_dir: Path | None = None) -> out.CheckResult:
    """Evaluate every program that applies to the household, with explanations.

    Raises:
        ParameterValueMissing: a program has no parameter value on ``profile.as_of``.
    """
    compiled = compiled_system(rules_dir)
    catalog = compiled.catalog
    catalog.check_parameters(profile.as_of)
    base = from_profiles([profile], catalog.base_years(profile.as_of))
    programs = [r for r in catalog.programs.values() if not _outside(r, base)[0]]
    found = candidates(base, read_facts(programs))
    run = simulate(compiled, with_variants(base, found), explain=True)
    status = {r.id: run.per_household(r.id, "status") for r in programs}
    results = [program_result(run, rules, status[rules.id][0]) for rules in programs]
    undetermined = [r["program"] for r in results if r["status"] == "undetermined"]
    next_question = None
    if undetermined:
        benefit = {p: run.per_household(p, "benefit") for p in undetermined}
        best = best_question(found, undetermined, status, benefit)
        if best is not None:
            next_question = {"fact": best[0].path, "would_decide": best[1]}
        else:
            next_question = _most_frequent(results)
    answer = {"as_of": profile.as_of, "results": results, "next_question": next_question}
    return out.CheckResult.model_validate(answer)


def _most_frequent(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Fallback when no single answer decides a program: the fact most programs wait on."""
    counts: dict[str, int] = {}
    for result in results:
        for fact in result["missing_facts"]:
            counts[fact] = counts.get(fact, 0) + 1
    if not counts:
        return None
    fact = min(counts, key=lambda f: (-counts[f], f))
    return {"fact": fact, "would_decide": []}


@dataclass(frozen=True)
class PopulationResult:
    """Per-household status (1 eligible, 0 ineligible, NaN undetermined) and benefit, by program."""

    status: dict[str, Array]
    benefit: dict[str, Array]


def evaluate_population(population: Population, rules_dir: Path | None = None) -> PopulationResult:
    """Evaluate every program for every household of a population, vectorized.

    A program whose jurisdiction does not cover a household counts as not eligible there
    (status 0, benefit 0); where the household's province or municipality is unknown it stays
    as evaluated.
    """
    compiled = compiled_system(rules_dir)
    compiled.catalog.check_parameters(population.as_of)
    run = simulate(compiled, population)
    status: dict[str, Array] = {}
    benefit: dict[str, Array] = {}
    for pid, rules in compiled.catalog.programs.items():
        s = run.per_household(pid, "status")
        b = run.per_household(pid, "benefit")
        outside = _outside(rules, population)
        if outside.any():
            s = np.where(outside, 0.0, s)
            b = np.where(outside, 0.0, b)
        status[pid], benefit[pid] = s, b
    return PopulationResult(status, benefit)


def _outside(rules: ProgramRules, population: Population) -> npt.NDArray[np.bool_]:
    """Households certainly outside the program's jurisdiction (an unknown place might be in)."""
    jurisdiction = rules.program.jurisdiction
    fact = "municipality" if jurisdiction.level == "municipal" else "province"
    where = population.household.get(fact)
    if jurisdiction.level == "federal" or where is None:
        return np.zeros(population.n_households, dtype=bool)
    code = float(FACTS[fact].code(jurisdiction.code))
    return np.asarray((where != code) & ~np.isnan(where))
