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
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.catalog.facts import Entity
from engine.catalog.profile import Profile
from engine.catalog.program import BENEFIT, JURISDICTION, STATUS, ProgramRules
from engine.eligibility import jurisdictions
from engine.eligibility import result as out
from engine.eligibility.exclusions import apply_exclusions
from engine.eligibility.explain import Explanations
from engine.eligibility.formatting import round_cents
from engine.eligibility.members import by_member
from engine.eligibility.next_question import (
    ArrayOutcomes,
    Outcomes,
    best_question,
    candidates,
    question_depth,
    with_variants,
)
from engine.eligibility.parallel import (
    Task,
    evaluate_in_parallel,
    evaluate_tasks,
    results_layout,
)
from engine.eligibility.program_result import program_result, static_part
from engine.eligibility.questions import missing_with_questions, next_question_text
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.population import Population, from_profiles
from engine.evaluation.scalar_run import ScalarRun
from engine.evaluation.simulate import HouseholdRun, Run, household_run, simulate
from engine.kleene import Array

__all__ = ["PopulationResult", "ProgramTotal", "check", "check_dates", "evaluate_population"]


def check(
    compiled: CompiledSystem,
    profile: Profile,
    *,
    ask: bool = True,
    texts: bool = True,
    only: Collection[str] | None = None,
) -> out.CheckResult:
    """Evaluate every program that applies to the household on ``profile.as_of``; without
    ``ask``, the answers are the same but no representative answer of an unknown fact is tried
    (``next_question`` then falls back to the most frequent missing fact); without ``texts``,
    the criteria are not read out (empty lists, no scope texts); with ``only``, only those
    programs are answered. All three for a life event's household before the event, which is
    only compared with the household after it, where the event may have changed an answer.

    Raises:
        ParameterValueMissing: a program has no parameter value on ``profile.as_of``.
    """
    return check_dates(compiled, profile, [profile.as_of], ask=ask, texts=texts, only=only)[0]


def check_dates(
    compiled: CompiledSystem,
    profile: Profile,
    days: Sequence[dt.date],
    *,
    ask: bool = True,
    texts: bool = True,
    only: Collection[str] | None = None,
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
    run = household_run(compiled, base)
    programs = _applicable(compiled, run, only)
    static = {r.id: static_part(r) for r in programs}
    twin_of = base.twins()  # by member and for the next question's candidates
    answers = [_results(run, programs, static, day, texts, twin_of) for day in days]
    found: list[Any] = []
    if ask:  # only a fact an undetermined answer is missing can decide it
        missing = {
            path
            for results in answers
            for result in results
            if result["status"] == "undetermined"
            for entry in [result, *(result.get("by_member") or [])]
            for path in entry["missing_facts"]
        }
        names = {path.rsplit("/", 1)[-1] for path in missing}
        found = candidates(base, names, catalog.facts, missing, twin_of)
    variants: Any = run  # a scalar run makes its variants itself, as outcomes ask for them
    if found and not isinstance(run, ScalarRun):
        variants = simulate(compiled, with_variants(base, found, catalog.facts))
    place = profile.household
    not_assessed = [
        {
            "program": e.program,
            "name": {"en": e.name.en, "fr": e.name.fr},
            "level": e.level,
            "code": e.code,
            "url": e.url,
        }
        for e in catalog.coverage.not_assessed(place.province, place.municipality, catalog.programs)
    ]
    checked = [
        _answer(variants, run, programs, results, found, day, not_assessed)
        for day, results in zip(days, answers, strict=True)
    ]
    # a run's objects refer to one another: released here they are freed at once, rather than
    # by a full collection of the cyclic garbage collector (a pause of tens of milliseconds)
    for used in {id(run): run, id(variants): variants}.values():
        used.release()
    return checked


def _applicable(
    compiled: CompiledSystem, run: HouseholdRun, only: Collection[str] | None = None
) -> list[ProgramRules]:
    """The programs (of ``only``) whose jurisdiction may cover the household (an unknown
    province may)."""
    return [
        rules
        for pid, rules in compiled.catalog.programs.items()
        if (only is None or pid in only) and run.first(pid, JURISDICTION) != 0.0
    ]


def _results(
    run: HouseholdRun,
    programs: list[ProgramRules],
    static: dict[str, dict[str, Any]],
    day: dt.date,
    texts: bool = True,
    twin_of: dict[int, int] | None = None,
) -> list[dict[str, Any]]:
    """Every program's answer for household 0 of ``run`` on ``day``, with what it misses
    (``twin_of``: the household's twins, when the caller has them)."""
    facts = run.compiled.catalog.facts
    explanations = Explanations(run, twin_of)
    results = []
    for rules in programs:
        status = run.first(rules.id, STATUS, day)
        result = program_result(explanations, rules, status, static[rules.id], day, texts=texts)
        if rules.program.entity == "person":
            result["by_member"] = by_member(explanations, rules, day, result, texts=texts)
        year = result["income_year"]
        for entry in [result, *(result.get("by_member") or [])]:
            entry["missing"] = missing_with_questions(entry["missing_facts"], facts, year)
        results.append(result)
    apply_exclusions(results, run.compiled.catalog.exclusive_pairs)
    for result in results:  # given, not defaulted: pydantic deep-copies a list default
        result.setdefault("exclusive_with", [])
        result.setdefault("excluded_by", [])
    explanations.release()
    return results


def _answer(
    variants: Any,
    run: HouseholdRun,
    programs: list[ProgramRules],
    results: list[dict[str, Any]],
    found: list[Any],
    day: dt.date,
    not_assessed: list[dict[str, Any]],
) -> out.CheckResult:
    """The answer on ``day``: the results of household 0 and the next question, the
    candidate whose representative answers (the households after 0 in ``variants``) decide the
    most undetermined programs."""
    facts = run.compiled.catalog.facts
    undetermined = [r["program"] for r in results if r["status"] == "undetermined"]
    next_question: dict[str, Any] | None = None
    if undetermined:
        if isinstance(variants, ScalarRun):
            outcomes: Outcomes = variants.variants(day)
        else:
            status = {p: variants.per_household(p, STATUS, day) for p in undetermined}
            benefit = {p: variants.per_household(p, BENEFIT, day) for p in undetermined}
            outcomes = ArrayOutcomes(found, status, benefit)
        depth = question_depth(run, programs, results)
        missing = {r["program"]: set(r["missing_facts"]) for r in results}
        best = best_question(found, undetermined, outcomes, depth, missing)
        if best is not None:
            next_question = {"fact": best[0].path, "would_decide": best[1]}
        else:
            next_question = _most_frequent(results)
    if next_question is not None:
        next_question["question"] = next_question_text(next_question, results, facts)
    answer = {
        "as_of": day,
        "results": results,
        "next_question": next_question,
        "not_assessed": not_assessed,
    }
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
class ProgramTotal:
    """One program over a population: the benefit of the answers that are known, and how many
    answers are not (so a total is never read as complete when it is not).

    ``undetermined_*_share`` is the fraction (0 to 1) of households, or of persons for a person
    program, whose answer is undetermined and whose benefit the total leaves out.
    """

    program: str
    entity: Entity
    total: float
    households: int
    undetermined_households: int
    undetermined_household_share: float
    persons: int | None = None
    undetermined_persons: int | None = None
    undetermined_person_share: float | None = None


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class PopulationResult:
    """Statuses (1 eligible, 0 not, NaN undetermined) and benefits of every program.

    ``status`` and ``benefit`` are per household: for a person program, a household is eligible
    when any member is, and its benefit is the sum over its members (a couple's two OAS
    pensions count twice; unknown when a member's is). ``person_status`` and ``person_benefit``
    hold person programs' values per person. A program outside a household's jurisdiction is
    not eligible there (0). Totals count the known answers only: :meth:`totals` says how many
    are left out.
    """

    entity: dict[str, Entity]
    status: dict[str, Array]
    benefit: dict[str, Array]
    person_status: dict[str, Array]
    person_benefit: dict[str, Array]

    def total(self, program_id: str) -> float:
        """The program's total benefit over the answers that are known (per person for a
        person program, so a couple's known pension counts when the other's is unknown),
        rounded to cents; :meth:`undetermined_share` says how much of the population it
        leaves out."""
        values = self.person_benefit.get(program_id, self.benefit[program_id])
        return round_cents(float(np.nansum(values)))

    def undetermined(self, program_id: str) -> int:
        """How many households the program is undetermined for."""
        return int(np.isnan(self.status[program_id]).sum())

    def undetermined_share(self, program_id: str) -> float:
        """The fraction of households (0 to 1) the program is undetermined for."""
        return _share(self.undetermined(program_id), len(self.status[program_id]))

    def totals(self) -> dict[str, ProgramTotal]:
        """Every program's total and the share of undetermined answers it leaves out
        (households, and persons for person programs)."""
        out: dict[str, ProgramTotal] = {}
        for pid, entity in self.entity.items():
            households = len(self.status[pid])
            persons = unknown_persons = person_share = None
            if pid in self.person_status:
                persons = len(self.person_status[pid])
                unknown_persons = int(np.isnan(self.person_status[pid]).sum())
                person_share = _share(unknown_persons, persons)
            out[pid] = ProgramTotal(
                pid,
                entity,
                self.total(pid),
                households,
                self.undetermined(pid),
                self.undetermined_share(pid),
                persons,
                unknown_persons,
                person_share,
            )
        return out


#: up to this many households a population is evaluated by the generated one-household code
#: (about 3 ms a household for the whole catalog), beyond by vectorized runs (about 20 ms each
#: however small, and one per jurisdiction block)
SCALAR_POPULATION = 4

#: households evaluated at once, at most: bounds the memory a run holds (every intermediate
#: array is per chunk), and big enough that the per-run overhead (about 20 ms a run for the
#: whole catalog, from the number of expression nodes, not of households) hardly shows
CHUNK_HOUSEHOLDS = 13_000


def evaluate_population(
    compiled: CompiledSystem,
    population: Population,
    on: dt.date | None = None,
    *,
    workers: int = 1,
    programs: Collection[str] | None = None,
) -> PopulationResult:
    """Evaluate every program (or only ``programs``) for every household and person of a
    population, vectorized: each program only on the households its jurisdiction may cover
    (elsewhere it is not eligible, see :mod:`engine.eligibility.jurisdictions`), in chunks of
    at most :data:`CHUNK_HOUSEHOLDS` households, small groups merged (results are the same as
    in one run); with ``workers`` > 1, that many forked processes share the chunks (see
    :mod:`engine.eligibility.parallel`: not from inside a threaded server)."""
    day = on or population.as_of
    compiled.catalog.check_parameters(day)
    wanted = dict(compiled.programs)
    if programs is not None:
        wanted = {pid: e for pid, e in wanted.items() if pid in programs}
    if population.n_households <= SCALAR_POPULATION:  # one household's code, all programs
        out = _read_results(household_run(compiled, population, explain=False), wanted, day)
    else:
        found = jurisdictions.blocks(compiled, population, day, wanted)
        tasks: list[Task] = [
            (work.households, work.programs)
            for work in jurisdictions.tasks(found, CHUNK_HOUSEHOLDS)
        ]
        if workers > 1 and population.n_households > CHUNK_HOUSEHOLDS:
            out = evaluate_in_parallel(
                compiled, population, day, workers, tasks, wanted, _evaluate_chunk
            )
        else:
            out = results_layout(wanted, population)
            evaluate_tasks(compiled, population, day, tasks, _evaluate_chunk, out)
    return PopulationResult(
        wanted, out["status"], out["benefit"], out["person_status"], out["person_benefit"]
    )


def _evaluate_chunk(
    compiled: CompiledSystem, population: Population, day: dt.date, wanted: dict[str, Entity]
) -> dict[str, dict[str, Array]]:
    """The chunk's results for the ``wanted`` programs, from one vectorized run whatever its
    size (the generated one-household code costs milliseconds a household; a vectorized run
    costs about as much for a whole small block)."""
    return _read_results(Run(compiled, population), wanted, day)


def _read_results(
    run: HouseholdRun, wanted: dict[str, Entity], day: dt.date
) -> dict[str, dict[str, Array]]:
    """The ``wanted`` programs' statuses and benefits per household (and per person for a
    person program) on ``day``; the run is released after."""
    if isinstance(run, ScalarRun):
        return run.results(day, wanted)  # only the wanted programs (and what they read)
    members = run.members
    out: dict[str, dict[str, Array]] = {
        "status": {},
        "benefit": {},
        "person_status": {},
        "person_benefit": {},
    }
    for pid, entity in wanted.items():
        s = run.calculate(pid, STATUS, day)
        b = run.calculate(pid, BENEFIT, day)
        if entity == "person":
            out["person_status"][pid], out["person_benefit"][pid] = s, b
            s = members.kleene_any(s)
            b = members.household_sum(b)
        out["status"][pid], out["benefit"][pid] = s, b
    run.release()  # the next chunk must not wait for the cyclic collector to free this one
    return out
