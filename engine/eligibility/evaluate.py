"""Evaluate every applicable program for one household, on one or several days (a population:
:mod:`engine.eligibility.populations`).

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
import math
import weakref
from collections.abc import Collection, Sequence
from typing import Any

from engine.catalog.profile import Profile
from engine.catalog.program import BENEFIT, JURISDICTION, STATUS, ProgramRules
from engine.eligibility import result as out
from engine.eligibility.answer_json import answer_json, keep_source
from engine.eligibility.exclusions import apply_exclusions
from engine.eligibility.explain import Explanations
from engine.eligibility.members import by_member
from engine.eligibility.next_question import (
    ArrayOutcomes,
    Outcomes,
    best_question,
    candidates,
    question_depth,
    with_variants,
)
from engine.eligibility.program_result import program_result, static_json, static_part
from engine.eligibility.questions import missing_with_questions, next_question_text
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.population import from_profiles
from engine.evaluation.scalar_run import ScalarRun
from engine.evaluation.simulate import HouseholdRun, household_run, simulate

__all__ = ["check", "check_dates", "check_json", "check_written", "compared"]


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
    the criteria are not read out (empty lists, no scope texts) and the missing facts are not
    asked as questions (``missing`` empty, ``missing_facts`` as ever); with ``only``, only those
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
    checked = []
    for answer in _answers(compiled, profile, days, ask=ask, texts=texts, only=only):
        model = out.CheckResult.model_validate(answer)
        keep_source(model, answer)  # a service writes the dicts, not the model (model_json)
        checked.append(model)
    return checked


def compared(
    compiled: CompiledSystem, profile: Profile, *, only: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """The programs' results (of ``only``) on ``profile.as_of`` as the engine's own dicts, in
    the shape of ``ProgramResult`` but not validated into models, without texts and without
    the next question: what a life event's household before it is, only compared with the
    household after it.

    Raises:
        ParameterValueMissing: a program has no parameter value on ``profile.as_of``.
    """
    (answer,) = _answers(
        compiled, profile, [profile.as_of], ask=False, texts=False, only=only, results_only=True
    )
    results: list[dict[str, Any]] = answer["results"]
    return results


def check_json(compiled: CompiledSystem, profile: Profile) -> bytes:
    """:func:`check`'s answer as its JSON, the bytes ``check(...).model_dump_json()`` writes,
    without building the models (a service writes the answer out at once: validating the
    engine's own dicts into models and serializing them again cost more than the JSON itself;
    tests/engine/eligibility/test_answer_json.py compares the two byte for byte).

    Raises:
        ParameterValueMissing: a program has no parameter value on ``profile.as_of``.
    """
    (answer,) = _answers(compiled, profile, [profile.as_of], as_json=True)
    return answer_json(answer)


def check_written(compiled: CompiledSystem, profile: Profile) -> out.CheckResult:
    """:func:`check`'s answer for writing out only (``answer_json.model_json``, inside a life
    event's answer): a ``CheckResult`` made without validation whose fields hold the engine's
    dicts (each program's result a dict, its finished parts their JSON), kept as its source so
    that ``model_json`` writes the same bytes as :func:`check`'s model. Read its results as
    dicts; never hand it to a caller that reads models.

    Raises:
        ParameterValueMissing: a program has no parameter value on ``profile.as_of``.
    """
    (answer,) = _answers(compiled, profile, [profile.as_of], as_json=True)
    model = out.CheckResult.model_construct(**answer)
    keep_source(model, answer)
    return model


def _answers(
    compiled: CompiledSystem,
    profile: Profile,
    days: Sequence[dt.date],
    *,
    ask: bool = True,
    texts: bool = True,
    only: Collection[str] | None = None,
    as_json: bool = False,
    results_only: bool = False,
) -> list[dict[str, Any]]:
    """The answers of :func:`check_dates` as plain dicts in the contract's shape (``as_json``:
    with each program's static part as finished JSON, for :func:`answer_json`;
    ``results_only``: ``{"results": ...}`` alone, without the next question and the programs
    not assessed, for :func:`compared`)."""
    catalog = compiled.catalog
    for day in days:
        catalog.check_parameters(day)
    base = from_profiles([profile], catalog.base_years(*days), catalog.facts)
    run = household_run(compiled, base)
    programs = _applicable(compiled, run, only)
    static = {r.id: static_json(r) if as_json else static_part(r) for r in programs}
    twin_of = base.twins()  # by member and for the next question's candidates
    answers = [_results(run, programs, static, day, texts, twin_of, as_json) for day in days]
    if results_only:
        run.release()
        return [{"results": results} for results in answers]
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
    programs = compiled.catalog.programs
    covering = _covering(compiled, run) if isinstance(run, ScalarRun) else None
    if covering is None:
        covering = _tested(run, [pid for pid in programs if only is None or pid in only])
    return [programs[pid] for pid in covering if only is None or pid in only]


def _tested(run: HouseholdRun, programs: Collection[str]) -> tuple[str, ...]:
    """Those of ``programs`` whose jurisdiction test does not rule household 0 out."""
    return tuple(pid for pid in programs if run.first(pid, JURISDICTION) != 0.0)


#: per compiled system, the programs that may cover a household, by the values of the facts
#: the jurisdiction tests read (``Catalog.jurisdiction_facts``) and whether it has an
#: applicant (a person program's test is the applicant's); at most _PLACES_KEPT places each
_COVERING: weakref.WeakKeyDictionary[CompiledSystem, dict[tuple[Any, ...], tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)
_PLACES_KEPT = 1024


def _covering(compiled: CompiledSystem, run: ScalarRun) -> tuple[str, ...] | None:
    """The ids of the programs whose jurisdiction may cover household 0 of ``run``, worked out
    once per place (every check in Toronto asks the same 66 tests); None when a test reads more
    than the place. Only for the generated code: it is the rule files' own tests (a reform
    that replaces a formula goes through OpenFisca)."""
    names = compiled.catalog.jurisdiction_facts
    if names is None:
        return None
    household = run.population.household
    place = [household[name][0] if name in household else math.nan for name in names]
    key = (*(None if v != v else float(v) for v in place), int(run.members.applicant[0]) >= 0)
    known = _COVERING.get(compiled)
    if known is None:
        known = _COVERING[compiled] = {}
    found = known.get(key)
    if found is None:
        if len(known) >= _PLACES_KEPT:
            known.clear()
        found = known[key] = _tested(run, compiled.catalog.programs)
    return found


def _results(
    run: HouseholdRun,
    programs: list[ProgramRules],
    static: dict[str, dict[str, Any]],
    day: dt.date,
    texts: bool = True,
    twin_of: dict[int, int] | None = None,
    as_json: bool = False,
) -> list[dict[str, Any]]:
    """Every program's answer for household 0 of ``run`` on ``day``, with what it misses
    (``twin_of``: the household's twins, when the caller has them; ``as_json``: finished
    parts as their JSON, see ``program_result``)."""
    facts = run.compiled.catalog.facts
    explanations = Explanations(run, twin_of)
    results = []
    for rules in programs:
        status = run.first(rules.id, STATUS, day)
        result = program_result(
            explanations, rules, status, static[rules.id], day, texts=texts, as_json=as_json
        )
        if rules.program.entity == "person":
            result["by_member"] = by_member(
                explanations, rules, day, result, texts=texts, as_json=as_json
            )
        year = result["income_year"]
        for entry in [result, *(result.get("by_member") or [])] if texts else ():
            entry["missing"] = missing_with_questions(entry["missing_facts"], facts, year, as_json)
        results.append(result)
    apply_exclusions(results, run.compiled.catalog.exclusive_pairs)
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
) -> dict[str, Any]:
    """The answer on ``day``, a plain dict in the contract's shape: the results of household 0
    and the next question, the candidate whose representative answers (the households after 0
    in ``variants``) decide the most undetermined programs."""
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
    return {
        "as_of": day,
        "results": results,
        "next_question": next_question,
        "not_assessed": not_assessed,
    }


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
