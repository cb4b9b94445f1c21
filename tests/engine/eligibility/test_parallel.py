"""A population evaluated by jurisdiction blocks and by forked workers gives what every program
evaluated on every household gives, row for row."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pytest
from kit import CATALOG, ENGINE

from engine.eligibility.jurisdictions import blocks, tasks
from engine.eligibility.parallel import Chunk, evaluate_in_parallel
from engine.eligibility.populations import _evaluate_chunk, _read_results
from engine.evaluation.population import Population
from engine.evaluation.simulate import Run

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from synthetic import synthetic_population

AS_OF = dt.date(2026, 1, 15)
KINDS = ("status", "benefit", "person_status", "person_benefit")


def _placed(seed: int, n_persons: int = 1_500) -> Population:
    """The synthetic population with municipalities: some in their province's cities, some
    not stated, a few in another province's city, and some provinces not stated."""
    population = synthetic_population(n_persons, AS_OF, CATALOG.base_years(AS_OF), CATALOG.facts)
    rng = np.random.default_rng(seed)
    facts = CATALOG.facts
    spec = facts["municipality"].spec
    cities = {name: (facts["province"].code(v.province), v.code) for name, v in spec.values.items()}
    province = population.household["province"].copy()
    municipality = np.full(population.n_households, np.nan)
    for province_code, code in cities.values():
        here = (province == province_code) & (rng.random(len(province)) < 0.4)
        municipality[here & np.isnan(municipality)] = code
    odd = rng.random(len(province)) < 0.03  # a city outside the stated province
    municipality[odd] = rng.choice([c for _, c in cities.values()], int(odd.sum()))
    province[rng.random(len(province)) < 0.05] = np.nan
    population.household["province"] = province
    population.household["municipality"] = municipality
    return population


def _everywhere(population: Population) -> Chunk:
    """Every program on every household, in one vectorized run."""
    run = Run(ENGINE.compiled, population)
    return _read_results(run, dict(ENGINE.compiled.programs), AS_OF)


def _assert_same(found: Chunk, expected: Chunk) -> None:
    for kind in KINDS:
        assert set(found[kind]) == set(expected[kind]), kind
        for pid, values in expected[kind].items():
            assert np.array_equal(found[kind][pid], values, equal_nan=True), (kind, pid)


@pytest.mark.parametrize(("seed", "chunk"), [(1, None), (2, None), (1, 120)])
def test_jurisdiction_blocks_give_the_answers_of_every_program_everywhere(
    seed: int, chunk: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By blocks (default chunks: the small blocks of a small population are merged), and in
    chunks of 120 households (large blocks split, small ones merged into mixed tasks)."""
    from engine.eligibility import populations

    if chunk is not None:
        monkeypatch.setattr(populations, "CHUNK_HOUSEHOLDS", chunk)
    population = _placed(seed)
    result = ENGINE.evaluate(population)
    found = {
        "status": result.status,
        "benefit": result.benefit,
        "person_status": result.person_status,
        "person_benefit": result.person_benefit,
    }
    _assert_same(found, _everywhere(population))
    assert (result.status["to_fair_pass"] != 0).sum() > 0  # the city programs were evaluated
    assert (result.status["ca_ccb"] == 1.0).sum() > 0  # the population is not trivially empty


def test_blocks_hold_only_the_programs_that_may_apply() -> None:
    population = _placed(3)
    found = blocks(ENGINE.compiled, population, AS_OF, dict(ENGINE.compiled.programs))
    households = np.concatenate([b.households for b in found])
    assert len(households) == len(set(households.tolist())) == population.n_households
    on, bc = CATALOG.facts["province"].code("ON"), CATALOG.facts["province"].code("BC")
    for block in found:
        province = population.household["province"][block.households]
        assert "ca_ccb" in block.programs
        if (province == bc).all():
            assert not any(p.startswith(("on_", "to_", "ab_")) for p in block.programs)
        if np.isnan(province).all():  # an unknown province keeps every provincial program
            assert {"on_ocb", "bc_family_benefit", "qc_family_allowance"} <= set(block.programs)
    assert any((population.household["province"][b.households] == on).all() for b in found)


def test_tasks_split_large_blocks_and_merge_small_ones() -> None:
    population = _placed(5)
    found = blocks(ENGINE.compiled, population, AS_OF, dict(ENGINE.compiled.programs))
    chunk = 120
    work = tasks(found, chunk)
    households = np.concatenate([t.households for t in work])
    assert len(households) == len(set(households.tolist())) == population.n_households
    assert all(len(t.households) <= chunk for t in work)
    assert all(np.all(np.diff(t.households) > 0) for t in work)  # ascending, as tasks must be
    for block in found:  # each household's task runs every program that may apply to it
        for task in work:
            if np.isin(block.households, task.households).any():
                assert set(block.programs) <= set(task.programs)
    small = [b for b in found if len(b.households) < chunk // 4]
    assert len(small) >= 2  # the population has small blocks: they were merged, not run alone
    assert len(work) < sum(-(-len(b.households) // chunk) for b in found)


def test_two_workers_in_small_chunks_give_the_single_process_answers() -> None:
    population = _placed(4)
    wanted = dict(ENGINE.compiled.programs)
    tasks = [
        (block.households[start : start + 97], block.programs)
        for block in blocks(ENGINE.compiled, population, AS_OF, wanted)
        for start in range(0, len(block.households), 97)
    ]
    shared = evaluate_in_parallel(
        ENGINE.compiled, population, AS_OF, 2, tasks, wanted, _evaluate_chunk
    )
    _assert_same(shared, _everywhere(population))


def test_take_renumbers_households_and_keeps_their_persons() -> None:
    population = synthetic_population(300, AS_OF, CATALOG.base_years(AS_OF), CATALOG.facts)
    picked = np.array([0, 5, 6, 40], dtype=np.int64)
    part = population.take(picked)
    assert part.n_households == 4
    rows = population.person_rows(picked)
    sizes = np.bincount(part.household_of)
    assert np.array_equal(population.household_of[rows], np.repeat(picked, sizes))
    births = population.person["date_of_birth"]
    assert np.array_equal(part.person["date_of_birth"], births[rows], equal_nan=True)
    assert np.array_equal(part.household["province"], population.household["province"][picked])
