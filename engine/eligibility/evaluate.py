"""Evaluate every applicable program for a household (on one or several days), or a population.

Examples:
    >>> from engine.engine import Engine
    >>> engine = Engine.load()
    >>> profile = engine.parse({"as_of": "2026-01-15", "household": {"province": "ON",
    ...     "members": [{"id": "maria", "role": "applicant", "date_of_birth": "1991-05-02",
    ...                  "residency_status": "citizen", "net_income": 35000},
    ...                 {"id": "leo", "role": "child", "date_of_birth": "2023-09-10",
    ...                  "custody": "full"}]}})
    >>> ccb = next(r for r in check(engine.compiled, profile).results if r.program == "ca_ccb")
    >>> ccb.status, ccb.amount.annual
    ('eligible', 7997.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.catalog.facts import Entity
from engine.catalog.profile import Profile
from engine.catalog.program import BENEFIT, JURISDICTION, STATUS, ProgramRules
from engine.eligibility import result as out
from engine.eligibility.members import by_member
from engine.eligibility.next_question import best_question, candidates, with_variants
from engine.eligibility.program_result import program_result, static_part
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.population import Population, from_profiles
from engine.evaluation.simulate import Run, simulate
from engine.kleene import Array

__all__ = ["PopulationResult", "check", "check_dates", "evaluate_population"]


def check(compiled: CompiledSystem, profile: Profile) -> out.CheckResult:
    """Evaluate every program that applies to the household on ``profile.as_of``.

    Raises:
        ParameterValueMissing: a program has no parameter value on ``profile.as_of``.
    """
    return check_dates(compiled, profile, [profile.as_of])[0]


def check_dates(
    compiled: CompiledSystem, profile: Profile, days: Sequence[dt.date]
) -> list[out.CheckResult]:
    """The household's answer on each of ``days``, from one simulation (a timeline, a life
    event's follow-ups): every value is computed per day and never leaks into another day.

    Raises:
        ParameterValueMissing: a program has no parameter value on one of the days.
    """
    catalog = compiled.catalog
    for day in days:
        catalog.check_parameters(day)
    base = from_profiles([profile], catalog.base_years(*days), catalog.facts)
    programs = _applicable(compiled, base)
    facts = set().union(*(compiled.facts_read[r.id] for r in programs))
    found = candidates(base, facts, catalog.facts)
    run = simulate(compiled, with_variants(base, found, catalog.facts), explain=True)
    static = {r.id: static_part(r) for r in programs}
    return [_answer(run, programs, static, found, day) for day in days]


def _applicable(compiled: CompiledSystem, base: Population) -> list[ProgramRules]:
    """The programs whose jurisdiction may cover the household (an unknown province may)."""
    run = simulate(compiled, base)
    return [
        rules
        for pid, rules in compiled.catalog.programs.items()
        if run.per_household(pid, JURISDICTION)[0] != 0.0
    ]


def _answer(
    run: Run,
    programs: list[ProgramRules],
    static: dict[str, dict[str, Any]],
    found: list[Any],
    day: dt.date,
) -> out.CheckResult:
    status = {r.id: run.per_household(r.id, STATUS, day) for r in programs}
    results = []
    for rules in programs:
        result = program_result(run, rules, status[rules.id][0], static[rules.id], day)
        if rules.program.entity == "person":
            result["by_member"] = by_member(run, rules, day, result)
        results.append(result)
    undetermined = [r["program"] for r in results if r["status"] == "undetermined"]
    next_question = None
    if undetermined:
        benefit = {p: run.per_household(p, BENEFIT, day) for p in undetermined}
        best = best_question(found, undetermined, status, benefit)
        if best is not None:
            next_question = {"fact": best[0].path, "would_decide": best[1]}
        else:
            next_question = _most_frequent(results)
    answer = {"as_of": day, "results": results, "next_question": next_question}
    return out.CheckResult.model_validate(answer)


def _most_frequent(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Fallback when no single answer decides a program: the fact most programs wait on."""
    counts: dict[str, int] = {}
    for result in results:
        if result["status"] != "undetermined":
            continue  # an eligible program's missing facts only decide how much
        for fact in result["missing_facts"]:
            counts[fact] = counts.get(fact, 0) + 1
    if not counts:
        return None
    fact = min(counts, key=lambda f: (-counts[f], f))
    return {"fact": fact, "would_decide": []}


@dataclass(frozen=True)
class PopulationResult:
    """Statuses (1 eligible, 0 not, NaN undetermined) and benefits of every program.

    ``status`` and ``benefit`` are per household: for a person program, a household is eligible
    when any member is, and its benefit is the sum over its members (a couple's two OAS
    pensions count twice). ``person_status`` and ``person_benefit`` hold person programs' values
    per person. A program outside a household's jurisdiction is not eligible there (0).
    """

    entity: dict[str, Entity]
    status: dict[str, Array]
    benefit: dict[str, Array]
    person_status: dict[str, Array]
    person_benefit: dict[str, Array]

    def total(self, program_id: str) -> float:
        """The program's total known benefit over the population (undetermined count 0)."""
        return float(np.nansum(self.benefit[program_id]))

    def undetermined(self, program_id: str) -> int:
        """How many households the program is undetermined for."""
        return int(np.isnan(self.status[program_id]).sum())


def evaluate_population(
    compiled: CompiledSystem, population: Population, on: dt.date | None = None
) -> PopulationResult:
    """Evaluate every program for every household and person of a population, vectorized."""
    day = on or population.as_of
    compiled.catalog.check_parameters(day)
    run = simulate(compiled, population)
    members = run.members
    status: dict[str, Array] = {}
    benefit: dict[str, Array] = {}
    person_status: dict[str, Array] = {}
    person_benefit: dict[str, Array] = {}
    for pid, entity in compiled.programs.items():
        s = run.calculate(pid, STATUS, day)
        b = run.calculate(pid, BENEFIT, day)
        if entity == "person":
            person_status[pid], person_benefit[pid] = s, b
            s = members.kleene_any(s)
            b = members.household_sum(b)
        status[pid], benefit[pid] = s, b
    return PopulationResult(dict(compiled.programs), status, benefit, person_status, person_benefit)
