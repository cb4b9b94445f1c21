"""A population split by the programs whose jurisdiction may cover each household.

A provincial program's status is ``jurisdiction AND …``: outside its province it is not
eligible (0) whatever else is known, and so is its benefit. Evaluating a province's programs
only on that province's households, and a city's only on that city's (or where the city is
not stated), gives the same answers as evaluating every program everywhere and skips most of
the work: most of the catalog is provincial, territorial or municipal. The households are
grouped by the set of programs that may apply to them, decided by the programs' own compiled
jurisdiction tests on one representative household per (province, municipality) pair found
in the population (no second reading of the jurisdiction rules here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engine.catalog.facts import ROLE_CODES, Entity
from engine.catalog.program import JURISDICTION
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.population import Population
from engine.evaluation.simulate import Run

__all__ = ["Block", "blocks", "tasks"]

IntArray = npt.NDArray[np.int64]
_PLACE = ("province", "municipality")
_SPAN = 1_000_000.0  # more than any enum code


@dataclass(frozen=True)
class Block:
    """Households (ascending indices into the population) and the programs that may apply to
    every one of them; every other program is not eligible there."""

    households: IntArray
    programs: dict[str, Entity]


def blocks(
    compiled: CompiledSystem,
    population: Population,
    day: dt.date,
    wanted: Mapping[str, Entity],
) -> list[Block]:
    """The population's households grouped by the ``wanted`` programs that may apply to them
    (largest group first); a household no wanted program may cover is in no block."""
    n = population.n_households
    if n == 0:
        return []
    place = [population.household.get(name, np.full(n, np.nan)) for name in _PLACE]
    # one number per (province, municipality) pair, NaN (not stated) a value of its own (codes
    # are small positive integers, so 0 stands for NaN and the pair fits in one float)
    province, municipality = (np.where(np.isnan(v), 0.0, v) for v in place)
    keys, inverse = np.unique(province * _SPAN + municipality, return_inverse=True)
    inverse = inverse.reshape(-1)
    pairs = np.stack([keys // _SPAN, keys % _SPAN], axis=1)
    applies = _jurisdictions(compiled, population, pairs, day, wanted)
    grouped: dict[tuple[str, ...], list[int]] = {}
    for pair in range(len(pairs)):
        covered = tuple(pid for pid in wanted if applies[pid][pair])
        if covered:
            grouped.setdefault(covered, []).append(pair)
    out = [
        Block(
            np.flatnonzero(np.isin(inverse, members)).astype(np.int64),
            {pid: wanted[pid] for pid in covered},
        )
        for covered, members in grouped.items()
    ]
    return sorted(out, key=lambda b: -len(b.households))


def tasks(found: list[Block], chunk: int) -> list[Block]:
    """The blocks as units of work of at most ``chunk`` households each: a large block in
    equal chunks; small blocks (under a quarter of a chunk) merged, with every program that may
    apply to one of them, so that a few hundred households of a territory or a city do not pay
    a whole run's fixed cost (about 20 ms for the catalog) each. Merging keeps the answers: a
    program evaluated on a household outside its jurisdiction answers 0 there by its own test,
    as in one run of every program everywhere."""
    out: list[Block] = []
    pending: list[Block] = []
    held = 0
    for block in sorted(found, key=lambda b: len(b.households)):
        n = len(block.households)
        if n >= chunk // 4:
            parts = np.array_split(block.households, -(-n // chunk))
            out += [Block(part, block.programs) for part in parts]
            continue
        if pending and held + n > chunk:
            out.append(_merged(pending))
            pending, held = [], 0
        pending.append(block)
        held += n
    if pending:
        out.append(_merged(pending))
    return sorted(out, key=lambda b: -len(b.households))


def _merged(found: list[Block]) -> Block:
    if len(found) == 1:
        return found[0]
    households = np.sort(np.concatenate([b.households for b in found]))
    programs: dict[str, Entity] = {}
    for block in found:
        programs.update(block.programs)
    return Block(households, programs)


def _jurisdictions(
    compiled: CompiledSystem,
    population: Population,
    pairs: npt.NDArray[np.float64],
    day: dt.date,
    wanted: Mapping[str, Entity],
) -> dict[str, npt.NDArray[np.bool_]]:
    """For each wanted program, whether its jurisdiction test is not false on each pair (0:
    not stated): one household of one applicant per pair, evaluated by the compiled tests."""
    k = len(pairs)
    sample = Population(
        as_of=population.as_of,
        household_of=np.arange(k, dtype=np.int64),
        role=np.full(k, ROLE_CODES["applicant"], dtype=np.int64),
        n_households=k,
        household={
            name: np.where(pairs[:, i] == 0.0, np.nan, pairs[:, i]) for i, name in enumerate(_PLACE)
        },
    )
    run = Run(compiled, sample)
    try:
        return {pid: run.per_household(pid, JURISDICTION, day) != 0.0 for pid in wanted}
    finally:
        run.release()
