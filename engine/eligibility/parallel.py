"""A population evaluated on several cores: forked workers write into shared memory.

The parent lays the results out in one anonymous shared mapping (statuses and benefits per
household, and per person for person programs); each forked worker evaluates its share of the
tasks (households and the programs that may apply to them, see
:mod:`engine.eligibility.jurisdictions`) and writes its rows in place, so nothing is pickled and
memory stays bounded by the chunk size. Results are the same as in one process (a test compares
them). Fork is used on purpose: the compiled catalog is inherited, not rebuilt; call it from a
process without other threads (the CLI, a scenario run), not from inside a threaded server.
"""

from __future__ import annotations

import datetime as dt
import mmap
import multiprocessing
import os
import traceback
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from engine.catalog.facts import Entity
from engine.errors import EvaluationError
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.population import Population
from engine.kleene import Array

__all__ = [
    "Chunk",
    "ChunkFn",
    "Task",
    "evaluate_in_parallel",
    "evaluate_tasks",
    "results_layout",
    "scatter",
]

#: one chunk's results, as :func:`engine.eligibility.populations._evaluate_chunk` returns them
Chunk = dict[str, dict[str, Array]]
#: households (ascending indices into the population) and the programs to evaluate there
Task = tuple[npt.NDArray[np.int64], dict[str, Entity]]
#: evaluates the ``wanted`` programs over a population of its own
ChunkFn = Callable[[CompiledSystem, Population, dt.date, dict[str, Entity]], Chunk]
_KINDS = ("status", "benefit", "person_status", "person_benefit")


def _layout(wanted: Mapping[str, Entity], population: Population) -> list[tuple[str, str, int]]:
    out = []
    for pid, entity in wanted.items():
        out += [("status", pid, population.n_households), ("benefit", pid, population.n_households)]
        if entity == "person":
            out += [("person_status", pid, population.n_persons)]
            out += [("person_benefit", pid, population.n_persons)]
    return out


def results_layout(wanted: Mapping[str, Entity], population: Population) -> Chunk:
    """Result arrays for the whole population, 0 (not eligible, no benefit) until written."""
    out: Chunk = {kind: {} for kind in _KINDS}
    for kind, pid, n in _layout(wanted, population):
        out[kind][pid] = np.zeros(n)
    return out


def scatter(
    out: Chunk, population: Population, households: npt.NDArray[np.int64], values: Chunk
) -> None:
    """Write one task's results (a population of ``households`` of its own) into ``out``."""
    persons = None
    for kind, by in values.items():
        rows = households
        if kind.startswith("person_"):
            persons = population.person_rows(households) if persons is None else persons
            rows = persons
        for pid, array in by.items():
            out[kind][pid][rows] = array


def evaluate_tasks(
    compiled: CompiledSystem,
    population: Population,
    day: dt.date,
    tasks: Sequence[Task],
    evaluate_chunk: ChunkFn,
    out: Chunk,
) -> None:
    """Evaluate each task on its households (a population of their own) and write the rows
    into ``out``, in this process."""
    for households, programs in tasks:
        values = evaluate_chunk(compiled, population.take(households), day, programs)
        scatter(out, population, households, values)


def evaluate_in_parallel(
    compiled: CompiledSystem,
    population: Population,
    day: dt.date,
    workers: int,
    tasks: Sequence[Task],
    wanted: Mapping[str, Entity],
    evaluate_chunk: ChunkFn,
) -> Chunk:
    """The ``wanted`` programs over ``population`` on ``day`` with ``workers`` forked processes
    sharing the ``tasks`` (each evaluated with ``evaluate_chunk``, the largest first, each to the
    least loaded worker); rows no task writes stay 0.

    Raises:
        EvaluationError: a worker failed (its exit status is given).
    """
    layout = _layout(wanted, population)
    size = sum(n for _, _, n in layout) * 8
    shared = mmap.mmap(-1, max(size, 8))  # anonymous, zero-filled and shared with the workers
    out: Chunk = {kind: {} for kind in _KINDS}
    offset = 0
    for kind, pid, n in layout:
        out[kind][pid] = np.frombuffer(shared, dtype=np.float64, count=n, offset=offset)
        offset += n * 8
    loads = [0] * workers
    shares: list[list[Task]] = [[] for _ in range(workers)]
    for task in sorted(tasks, key=lambda t: -len(t[0])):
        least = loads.index(min(loads))
        shares[least].append(task)
        loads[least] += len(task[0])
    context = multiprocessing.get_context("fork")
    processes = []
    for share in shares:
        if not share:
            continue
        process = context.Process(
            target=_work, args=(compiled, population, day, share, evaluate_chunk, out)
        )
        process.start()
        processes.append(process)
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        raise EvaluationError("population", f"a worker process failed (exit status {failed[0]})")
    # the results are views of the mapping, which lives as long as one of them does (a copy
    # would double the parent's memory at the end of a run)
    return out


def _work(
    compiled: CompiledSystem,
    population: Population,
    day: dt.date,
    tasks: list[Task],
    evaluate_chunk: ChunkFn,
    out: Chunk,
) -> None:
    status = 0
    try:
        evaluate_tasks(compiled, population, day, tasks, evaluate_chunk, out)
    except BaseException:
        traceback.print_exc()
        status = 1
    os._exit(status)  # no atexit handlers or buffered output of the parent run twice
