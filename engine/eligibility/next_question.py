"""The next question: the fact whose answer would decide the most undetermined programs.

For every unknown fact some program reads, the household is copied once per representative
answer (each province, true and false, a ladder of incomes and ages) and the copies are evaluated
together with the household itself, in one vectorized run. A program is decided by a fact when it
is determined under every representative answer. Ties are broken by the amount at stake; facts
that decide the same programs by how directly the undetermined criteria ask for them (see
:func:`fact_depths`). The words of the question are in :mod:`engine.eligibility.questions`.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np

from engine.catalog.facts import Fact, FactRegistry, Kind
from engine.catalog.program import Catalog, ProgramRules
from engine.catalog.tree import Expr, placeholders
from engine.evaluation.population import Population
from engine.evaluation.simulate import HouseholdRun as Run
from engine.kleene import Array, to_days

__all__ = [
    "ArrayOutcomes",
    "Candidate",
    "Outcomes",
    "Scored",
    "best_question",
    "candidates",
    "fact_depths",
    "question_depth",
    "samples",
    "winner",
    "with_variants",
]

# ages that straddle the limits of the programs (a date of birth is tried at each)
_AGES = (0, 3, 5, 6, 12, 17, 18, 19, 30, 45, 60, 64, 65, 70, 75, 85)
_DEFAULT_NUMBERS = (0.0, 1.0, 10.0, 100.0, 1_000.0, 10_000.0)


class Candidate(NamedTuple):
    """An unknown fact of the household and the representative answers tried for it (a named
    tuple: a check makes about sixty, and a frozen dataclass takes three times as long to
    make)."""

    path: str
    fact: str
    person: int | None
    samples: tuple[float, ...]


def samples(fact: Fact, as_of: dt.date) -> tuple[float, ...]:
    """The representative answers tried for a fact (the registry's samples for numbers)."""
    if fact.kind == Kind.BOOL:
        return (0.0, 1.0)
    if fact.kind == Kind.ENUM:
        return tuple(float(code) for code in sorted(fact.codes.values()))
    if fact.kind == Kind.DATE:
        today = to_days(as_of)
        return tuple(today - age * 365.25 - 40 for age in _AGES)
    return fact.samples or _DEFAULT_NUMBERS


def _places_here(
    fact: Fact, tried: tuple[float, ...], population: Population, facts: FactRegistry
) -> tuple[float, ...]:
    """For a place that lies in a province (a municipality), only the places of the
    household's province when it is stated: another answer would not be a valid profile."""
    provinces = {fact.codes[v]: province for v, province in fact.value_provinces.items()}
    stated = population.household.get("province")
    if not provinces or stated is None or np.isnan(stated[0]):
        return tried
    here = facts["province"].value_of(float(stated[0]))
    return tuple(code for code in tried if provinces.get(int(code)) in (None, here))


def candidates(
    population: Population,
    names: set[str],
    facts: FactRegistry,
    paths: Collection[str] | None = None,
    twin_of: Mapping[int, int] | None = None,
) -> list[Candidate]:
    """Unknown facts of household 0 that some program reads (for members with the same role
    and facts, only the first one's: see ``Population.twins``, or ``twin_of`` when the caller
    has them); with ``paths``, only those."""
    out: list[Candidate] = []
    if twin_of is None:
        twin_of = population.twins()
    persons = [
        (person, f"members/{population.member_id(person)}/")
        for person in range(population.n_persons)
        if person not in twin_of
    ]
    for name in sorted(names):
        fact = facts[name]
        if fact.entity == "household":
            if paths is not None and f"household/{name}" not in paths:
                continue
            if math.isnan(population.household[name][0]):
                tried = _places_here(fact, samples(fact, population.as_of), population, facts)
                out.append(Candidate(f"household/{name}", name, None, tried))
            continue
        # math.isnan on a float64: NumPy's ufunc on one number costs twenty times more
        columns = (
            list(population.yearly[name].values()) if fact.yearly else [population.person[name]]
        )
        answers: tuple[float, ...] | None = None  # the same for every person: made once
        for person, prefix in persons:
            path = prefix + name
            if paths is not None and path not in paths:
                continue
            for column in columns:
                if math.isnan(column[person]):
                    if answers is None:
                        answers = samples(fact, population.as_of)
                    out.append(Candidate(path, name, person, answers))
                    break
    return out


def with_variants(
    population: Population, found: list[Candidate], facts: FactRegistry
) -> Population:
    """Household 0 followed by one copy per (candidate, sample) with that fact answered."""
    copies = 1 + sum(len(c.samples) for c in found)
    n = population.n_persons

    def tile(values: Array) -> Array:
        return np.tile(values, copies)

    out = Population(
        as_of=population.as_of,
        household_of=np.repeat(np.arange(copies, dtype=np.int64), n),
        role=np.tile(population.role, copies),
        n_households=copies,
        person={k: tile(v) for k, v in population.person.items()},
        yearly={k: {y: tile(v) for y, v in by.items()} for k, by in population.yearly.items()},
        household={k: np.tile(v, copies) for k, v in population.household.items()},
        member_ids=list(population.member_ids) * copies,
    )
    copy = 1
    for candidate in found:
        for sample in candidate.samples:
            if candidate.person is None:
                out.household[candidate.fact][copy] = sample
            else:
                row = copy * n + candidate.person
                if facts[candidate.fact].yearly:
                    for values in out.yearly[candidate.fact].values():
                        values[row] = sample
                else:
                    out.person[candidate.fact][row] = sample
            copy += 1
    return out


Depth = Callable[[str, list[str]], float]
#: a program's benefit under each of a candidate's answers (an array, or plain floats)
Benefits = Array | Sequence[float]


class Outcomes(Protocol):
    """How the undetermined programs fare under each candidate's representative answers."""

    def decided(self, index: int, candidate: Candidate, program: str) -> Benefits | None:
        """The program's benefit under each of the candidate's answers (``index``: its place
        in the candidates), when every answer determines the program; else None."""


class ArrayOutcomes:
    """Outcomes read from arrays laid out as :func:`with_variants` lays the copies out: row 0
    the household, then each candidate's answers in turn."""

    def __init__(
        self, found: list[Candidate], status: dict[str, Array], benefit: dict[str, Array]
    ) -> None:
        self.status = status
        self.benefit = benefit
        self.rows: list[slice] = []
        start = 1
        for candidate in found:
            self.rows.append(slice(start, start + len(candidate.samples)))
            start += len(candidate.samples)

    def decided(self, index: int, candidate: Candidate, program: str) -> Array | None:
        """See :meth:`Outcomes.decided`."""
        rows = self.rows[index]
        if np.isnan(self.status[program][rows]).any():
            return None
        return self.benefit[program][rows]


def best_question(
    found: list[Candidate],
    undetermined: list[str],
    outcomes: Outcomes,
    depth: Depth | None = None,
    missing: Mapping[str, Collection[str]] | None = None,
) -> tuple[Candidate, list[str]] | None:
    """The candidate deciding the most undetermined programs.

    ``missing``: each program's missing facts (paths); a candidate outside them cannot decide
    the program (an unknown fact that no unknown part of the answer reaches leaves it as it
    is), so that pair is not tried.

    Ties are broken by the money at stake in the programs decided (each program's largest
    benefit under the answers that decide it); between facts deciding the same programs, the
    one the undetermined criteria ask for most directly wins (``depth(fact, decided)``: lower
    is more direct), then the largest benefit under the fact's own answers, then the order of
    ``found``.
    """
    # Only the candidates deciding the most programs can win, so a candidate that names fewer
    # programs than the best count found so far is not tried, nor the rest of one that can no
    # longer reach it; the money at stake in a program is then taken over every candidate
    # that decides it (the answer is the one trying every pair gives: a test compares them).
    if missing is None:
        names = [list(undetermined) for _ in found]
    else:  # each candidate's programs, in the order of ``undetermined``
        naming: dict[str, list[str]] = {}
        for program in undetermined:
            for path in missing[program]:
                naming.setdefault(path, []).append(program)
        names = [naming.get(candidate.path, []) for candidate in found]
    tried: dict[tuple[int, str], Benefits | None] = {}

    def outcome(index: int, program: str) -> Benefits | None:
        key = (index, program)
        if key not in tried:
            tried[key] = outcomes.decided(index, found[index], program)
        return tried[key]

    most = 1  # a candidate deciding nothing is never asked
    complete: dict[int, list[str]] = {}
    for index in sorted(range(len(found)), key=lambda i: -len(names[i])):
        programs = names[index]
        if len(programs) < most:
            break  # sorted: every later candidate names fewer programs
        decided: list[str] = []
        for done, program in enumerate(programs):
            if len(decided) + len(programs) - done < most:
                break
            if outcome(index, program) is not None:
                decided.append(program)
        else:
            if len(decided) >= most:
                most = len(decided)
                complete[index] = decided
    top_sets = {i: d for i, d in sorted(complete.items()) if len(d) == most}
    if not top_sets:
        return None
    naming_it: dict[str, list[int]] = {}  # the candidates naming each program, in order
    for index, programs in enumerate(names):
        for program in programs:
            naming_it.setdefault(program, []).append(index)
    stake: dict[str, float] = {}
    for program in {p for d in top_sets.values() for p in d}:
        stake[program] = 0.0
        for index in naming_it[program]:
            benefits = outcome(index, program)
            if benefits is not None:
                stake[program] = max(stake[program], _largest(benefits, 0.0))
    scored: list[tuple[tuple[int, float, float], Candidate, list[str]]] = []
    for index, programs in top_sets.items():
        benefits_of = [outcome(index, p) for p in programs]
        own = float(sum(_largest(b) for b in benefits_of if b is not None))
        score = (len(programs), sum(stake[p] for p in programs), own)
        scored.append((score, found[index], programs))
    return winner(scored, depth)


Scored = tuple[tuple[int, float, float], Candidate, list[str]]

_LARGEST_FLOAT = sys.float_info.max


def _largest(benefits: Benefits, floor: float = -math.inf) -> float:
    """The largest benefit, at least ``floor``, NaN read as 0 and infinities as the largest
    finite floats (``np.nan_to_num(benefits).max()``, without NumPy's cost on a few numbers)."""
    out = floor
    for value in benefits:
        number = float(value)
        if number != number:
            number = 0.0
        elif number in (math.inf, -math.inf):
            number = math.copysign(_LARGEST_FLOAT, number)
        if number > out:
            out = number
    return out


def winner(scored: list[Scored], depth: Depth | None) -> tuple[Candidate, list[str]]:
    """The best of the scored candidates ((programs decided, money at stake in them, largest
    benefit under the candidate's own answers), candidate, programs): the most programs, then
    the most money at stake; between those, the most direct (``depth``), then the largest own
    benefit, then the first."""
    top = max(score[:2] for score, _, _ in scored)
    tied = [entry for entry in scored if entry[0][:2] == top]

    def key(entry: Scored) -> tuple[float, float]:
        (_, _, own), candidate, decided = entry
        directness = -depth(candidate.fact, decided) if depth and len(tied) > 1 else 0.0
        return directness, own

    best = tied[0]
    for entry in tied[1:]:
        if key(entry) > key(best):
            best = entry
    return best[1], best[2]


def fact_depths(catalog: Catalog, rules: ProgramRules, exprs: Iterable[Expr]) -> dict[str, int]:
    """How directly ``exprs`` of ``rules`` (undetermined criteria, their texts' placeholders)
    ask for each stated fact: 0 when the fact is named in them (a derived fact such as ``age``
    counts as its stated facts), one more for each variable, shared definition or other
    program the fact is reached through.

    Examples:
        >>> from engine.catalog.loader import load_catalog
        >>> from engine.catalog.paths import default_rules_dir
        >>> catalog = load_catalog(default_rules_dir())
        >>> cdb = catalog.programs["ca_cdb"]
        >>> depths = fact_depths(catalog, cdb, cdb.criteria.values())
        >>> depths["disability_tax_credit"] < depths["residency_status"]
        True
    """
    facts = catalog.facts
    best: dict[str, int] = {}
    reached: dict[tuple[str, int], int] = {}
    queue: deque[tuple[int, ProgramRules, Expr]] = deque((0, rules, e) for e in exprs)

    def push(level: int, owner: ProgramRules, expr: Expr, step: int) -> None:
        if step:
            queue.append((level + step, owner, expr))
        else:
            queue.appendleft((level, owner, expr))

    while queue:  # 0-1 breadth-first search: each node is settled at its smallest depth
        level, owner, expr = queue.popleft()
        key = (owner.id, id(expr))
        if reached.get(key, math.inf) <= level:
            continue
        reached[key] = level
        op, value = expr.op, expr.value
        if op == "fact":
            best[value] = min(best.get(value, level), level)
        elif op == "var":
            push(level, owner, owner.variables[value], 1)
        elif op == "def":
            derived = value in facts and facts[value].derived
            push(level, owner, expr.args[0], 0 if derived else 1)
        elif op == "call" and value == "age_on":
            best["date_of_birth"] = min(best.get("date_of_birth", level), level)
        elif op == "call" and value in ("is_eligible", "amount_of"):
            other = catalog.programs[expr.args[0].value]
            for _, part in other.parts():
                push(level, other, part, 1)
        elif op == "call" and value == "criterion":
            other = catalog.programs[expr.args[0].value]
            push(level, other, other.criteria[expr.args[1].value], 1)
        if op not in ("var", "def"):
            for arg in expr.args:
                push(level, owner, arg, 0)
    return best


def question_depth(
    run: Run, programs: list[ProgramRules], results: list[dict[str, Any]]
) -> Callable[[str, list[str]], float]:
    """``depth(fact, decided)`` for :func:`best_question`: how directly the unknown criteria of
    the ``decided`` programs ask for ``fact`` (0: named in a criterion or its text; see
    :func:`fact_depths`), computed per program when first needed."""
    catalog = run.compiled.catalog
    by_id = {r.id: r for r in programs}
    answers = {r["program"]: r for r in results}
    cache: dict[str, dict[str, int]] = {}

    def of_program(pid: str) -> dict[str, int]:
        if pid not in cache:
            rules, result = by_id[pid], answers[pid]
            cache[pid] = fact_depths(catalog, rules, _asking(rules, result))
        return cache[pid]

    def depth(fact: str, decided: list[str]) -> float:
        return min((of_program(p).get(fact, math.inf) for p in decided), default=math.inf)

    return depth


def _asking(rules: ProgramRules, result: dict[str, Any]) -> list[Expr]:
    """The expressions an undetermined answer asks about: its unknown criteria and the
    placeholders of their texts, the amount while unknown, the scope and the jurisdiction."""
    unknown = {c["id"] for c in result["criteria"] if c["status"] == "unknown"}
    exprs: list[Expr] = [rules.jurisdiction]
    if rules.scope is not None and result.get("scope") is not None:
        exprs.append(rules.scope)
    if "has_positive_amount" in unknown and rules.amount is not None:
        exprs.append(rules.amount)
    for criterion in rules.program.eligibility:
        if criterion.id not in unknown:
            continue
        exprs.append(rules.criteria[criterion.id])
        for text in (criterion.explain, criterion.when_unknown):
            for name, _ in placeholders(text.en) if text is not None else ():
                placeholder = rules.amount if name == "amount" else rules.texts.get(name)
                if placeholder is not None:
                    exprs.append(placeholder)
    return exprs
