"""A population evaluated by forked workers gives what one process gives, row for row."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
from kit import CATALOG, ENGINE

from engine.eligibility.evaluate import _evaluate_chunk
from engine.eligibility.parallel import evaluate_in_parallel

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from synthetic import synthetic_population

AS_OF = dt.date(2026, 1, 15)


def test_two_workers_in_small_chunks_give_the_single_process_answers() -> None:
    population = synthetic_population(1_500, AS_OF, CATALOG.base_years(AS_OF), CATALOG.facts)
    alone = ENGINE.evaluate(population)
    shared = evaluate_in_parallel(ENGINE.compiled, population, AS_OF, 2, 97, _evaluate_chunk)
    for kind, by in (
        ("status", alone.status),
        ("benefit", alone.benefit),
        ("person_status", alone.person_status),
        ("person_benefit", alone.person_benefit),
    ):
        assert set(shared[kind]) == set(by)
        for pid, values in by.items():
            assert np.array_equal(shared[kind][pid], values, equal_nan=True), (kind, pid)
    assert (alone.status["ca_ccb"] == 1.0).sum() > 0  # the population is not trivially empty
