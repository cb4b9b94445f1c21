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

import numpy as np

from engine import kleene
from engine.catalog.compiler import CompiledSystem, compile_catalog
from engine.catalog.loader import ProgramRules, cached_catalog, default_rules_dir
from engine.catalog.schema import Text
from engine.eligibility import result as out
from engine.eligibility.explain import Explainer
from engine.eligibility.formatting import render
from engine.eligibility.next_question import (
    best_question,
    candidates,
    read_facts,
    with_variants,
)
from engine.eligibility.population import Population, from_profiles
from engine.eligibility.profile import Household, Profile
from engine.eligibility.simulate import Run, simulate
from engine.kleene import Array

__all__ = ["PopulationResult", "check", "compiled_system", "evaluate_population"]

_POSITIVE = out.LocalizedText(
    en="The benefit works out to {amount:money} a year.",
    fr="La prestation s'élève à {amount:money} par année.",
)


@lru_cache(maxsize=4)
def _compiled(root: Path) -> CompiledSystem:
    return compile_catalog(cached_catalog(root))


def compiled_system(rules_dir: Path | None = None) -> CompiledSystem:
    """The compiled catalog of ``rules_dir`` (default: the bundled rules), built once."""
    return _compiled((rules_dir or default_rules_dir()).resolve())


def _applies(rules: ProgramRules, household: Household) -> bool:
    """Does the program's jurisdiction cover the household (or might it, if unknown)?"""
    jurisdiction = rules.program.jurisdiction
    if jurisdiction.level == "federal":
        return True
    if jurisdiction.level == "municipal":
        return household.municipality in (None, jurisdiction.code)
    return household.province in (None, jurisdiction.code)


def check(profile: Profile, rules_dir: Path | None = None) -> out.CheckResult:
    """Evaluate every program that applies to the household, with explanations.

    Raises:
        ParameterValueMissing: a program has no parameter value on ``profile.as_of``.
    """
    compiled = compiled_system(rules_dir)
    catalog = compiled.catalog
    catalog.check_parameters(profile.as_of)
    programs = [r for r in catalog.programs.values() if _applies(r, profile.household)]
    base = from_profiles([profile], catalog.base_years(profile.as_of))
    found = candidates(base, read_facts(programs))
    run = simulate(compiled, with_variants(base, found), explain=True)
    status = {r.id: run.per_household(r.id, "status") for r in programs}
    results = [_program_result(run, rules, status[rules.id][0]) for rules in programs]
    undetermined = [r.program for r in results if r.status == "undetermined"]
    next_question = None
    if undetermined:
        benefit = {p: run.per_household(p, "benefit") for p in undetermined}
        best = best_question(found, undetermined, status, benefit)
        if best is not None:
            next_question = out.NextQuestion(fact=best[0].path, would_decide=best[1])
        else:
            next_question = _most_frequent(results)
    return out.CheckResult(as_of=profile.as_of, results=results, next_question=next_question)


def _most_frequent(results: list[out.ProgramResult]) -> out.NextQuestion | None:
    """Fallback when no single answer decides a program: the fact most programs wait on."""
    counts: dict[str, int] = {}
    for result in results:
        for fact in result.missing_facts:
            counts[fact] = counts.get(fact, 0) + 1
    if not counts:
        return None
    fact = min(counts, key=lambda f: (-counts[f], f))
    return out.NextQuestion(fact=fact, would_decide=[])


def _status_name(value: float) -> out.Status:
    if np.isnan(value):
        return "undetermined"
    return "eligible" if value == 1.0 else "ineligible"


def _text(template: Text | out.LocalizedText, values: dict[str, float]) -> out.LocalizedText:
    en, fr = template.en, template.fr
    return out.LocalizedText(en=render(en, values, "en"), fr=render(fr, values, "fr"))


def _program_result(run: Run, rules: ProgramRules, status_value: float) -> out.ProgramResult:
    program = rules.program
    explainer = Explainer(run, rules)
    values = explainer.placeholder_values(0)
    status = _status_name(status_value)
    criteria: list[out.CriterionResult] = []
    for criterion in program.eligibility:
        value = float(run.per_household(program.id, f"crit__{criterion.id}")[0])
        name = kleene.status_name(value)
        template = criterion.explain
        if name == "false" and criterion.when_false is not None:
            template = criterion.when_false
        elif name == "unknown" and criterion.when_unknown is not None:
            template = criterion.when_unknown
        criteria.append(
            out.CriterionResult(id=criterion.id, status=name, explain=_text(template, values))
        )
    amount_value = float("nan")
    if not program.in_kind:
        amount_value = float(run.per_household(program.id, "amount")[0])
        positive = kleene.status_name(kleene.compare(">", np.array([amount_value]), np.zeros(1))[0])
        criteria.append(
            out.CriterionResult(
                id="has_positive_amount", status=positive, explain=_text(_POSITIVE, values)
            )
        )
    scope_text = None
    missing: set[str] = set()
    if status == "undetermined":
        inside = float(run.per_household(program.id, "scope")[0]) if rules.scope else 1.0
        if inside != 1.0 and program.scope is not None:
            scope_text = _text(program.scope.explain, values)
            if np.isnan(inside):
                missing = explainer.missing_facts(0, [rules.scope])  # type: ignore[list-item]
        else:
            unknown = [
                rules.criteria[c.id]
                for c, r in zip(
                    program.eligibility, criteria[: len(program.eligibility)], strict=True
                )
                if r.status == "unknown"
            ]
            if rules.amount is not None and np.isnan(amount_value):
                unknown.append(rules.amount)
            missing = explainer.missing_facts(0, unknown)
    amount = None
    if not program.in_kind and not np.isnan(amount_value) and status != "ineligible":
        amount = out.Amount(annual=_cents(amount_value), estimate=status == "undetermined")
    member = None
    if program.entity == "person":
        member = run.population.person_ids[int(run.members.applicant[0])]
    return out.ProgramResult(
        program=program.id,
        name=out.LocalizedText(en=program.name.en, fr=program.name.fr),
        jurisdiction=out.JurisdictionOut(
            level=program.jurisdiction.level, code=program.jurisdiction.code
        ),
        agency=program.agency.en,
        agency_name=out.LocalizedText(en=program.agency.en, fr=program.agency.fr),
        status=status,
        amount=amount,
        in_kind=program.in_kind,
        criteria=criteria,
        missing_facts=sorted(missing),
        references=[out.ReferenceOut(title=r.title, url=r.url) for r in program.references],
        delivery=out.DeliveryOut(
            mode=program.delivery.mode,
            how=out.LocalizedText(en=program.delivery.how.en, fr=program.delivery.how.fr),
            deadline=(
                out.LocalizedText(en=program.delivery.deadline.en, fr=program.delivery.deadline.fr)
                if program.delivery.deadline
                else None
            ),
        ),
        member=member,
        scope=scope_text,
        rule_status=program.status,
    )


def _cents(value: float) -> float:
    """Round half away from zero to cents (money is not rounded half-to-even)."""
    return float(np.trunc(value * 100 + np.copysign(0.5, value)) / 100)


@dataclass(frozen=True)
class PopulationResult:
    """Per-household status (1 eligible, 0 ineligible, NaN undetermined) and benefit, by program."""

    status: dict[str, Array]
    benefit: dict[str, Array]


def evaluate_population(population: Population, rules_dir: Path | None = None) -> PopulationResult:
    """Evaluate every program for every household of a population, vectorized.

    Programs whose jurisdiction does not cover a household report it as ineligible (status 0).
    """
    compiled = compiled_system(rules_dir)
    compiled.catalog.check_parameters(population.as_of)
    run = simulate(compiled, population)
    status: dict[str, Array] = {}
    benefit: dict[str, Array] = {}
    province = population.household.get("province")
    for pid, rules in compiled.catalog.programs.items():
        s = run.per_household(pid, "status")
        b = run.per_household(pid, "benefit")
        jurisdiction = rules.program.jurisdiction
        if jurisdiction.level in ("provincial", "territorial") and province is not None:
            from engine.catalog.facts import FACTS

            code = float(FACTS["province"].code(jurisdiction.code))
            outside = province != code
            outside &= ~np.isnan(province)
            s = np.where(outside, 0.0, s)
            b = np.where(outside, 0.0, b)
        status[pid], benefit[pid] = s, b
    return PopulationResult(status, benefit)
