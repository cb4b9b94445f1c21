"""The next question: the fact whose answer would decide the most undetermined programs.

For every unknown fact some program reads, the household is copied once per representative
answer (each province, true and false, a ladder of incomes and ages) and the copies are evaluated
together with the household itself, in one vectorized run. A program is decided by a fact when it
is determined under every representative answer. Ties are broken by the amount at stake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from engine.catalog.facts import Fact, FactRegistry, Kind
from engine.evaluation.population import Population
from engine.kleene import Array, to_days

__all__ = ["Candidate", "best_question", "candidates", "samples", "with_variants"]

# ages that straddle the limits of the programs (a date of birth is tried at each)
_AGES = (0, 3, 5, 6, 12, 17, 18, 19, 30, 45, 60, 64, 65, 70, 75, 85)
_DEFAULT_NUMBERS = (0.0, 1.0, 10.0, 100.0, 1_000.0, 10_000.0)


@dataclass(frozen=True)
class Candidate:
    """An unknown fact of the household and the representative answers tried for it."""

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


def candidates(population: Population, names: set[str], facts: FactRegistry) -> list[Candidate]:
    """Unknown facts of household 0 that some program reads."""
    out: list[Candidate] = []
    for name in sorted(names):
        fact = facts[name]
        if fact.entity == "household":
            if np.isnan(population.household[name][0]):
                out.append(
                    Candidate(f"household/{name}", name, None, samples(fact, population.as_of))
                )
            continue
        for person in range(population.n_persons):
            if fact.yearly:
                unknown = any(np.isnan(v[person]) for v in population.yearly[name].values())
            else:
                unknown = bool(np.isnan(population.person[name][person]))
            if unknown:
                path = f"members/{population.member_id(person)}/{name}"
                out.append(Candidate(path, name, person, samples(fact, population.as_of)))
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


def best_question(
    found: list[Candidate],
    undetermined: list[str],
    status: dict[str, Array],
    benefit: dict[str, Array],
) -> tuple[Candidate, list[str]] | None:
    """The candidate deciding the most undetermined programs (ties: the most money at stake)."""
    best: tuple[tuple[int, float], Candidate, list[str]] | None = None
    start = 1
    for candidate in found:
        rows = slice(start, start + len(candidate.samples))
        start += len(candidate.samples)
        decided = [p for p in undetermined if not np.isnan(status[p][rows]).any()]
        stake = float(sum(np.nan_to_num(benefit[p][rows]).max() for p in decided))
        score = (len(decided), stake)
        if best is None or score > best[0]:
            best = (score, candidate, decided)
    if best is None or best[0][0] == 0:
        return None
    return best[1], best[2]
