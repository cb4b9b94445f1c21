"""A population evaluated on several cores: forked workers write into shared memory.

The parent lays the results out in one anonymous shared mapping (statuses and benefits per
household, and per person for person programs); each forked worker evaluates a contiguous range
of households, chunk by chunk, and writes its rows in place, so nothing is pickled and memory
stays bounded by the chunk size. Results are the same as in one process (a test compares them).
Fork is used on purpose: the compiled catalog is inherited, not rebuilt; call it from a process
without other threads (the CLI, a scenario run), not from inside a threaded server.
"""

from __future__ import annotations

import datetime as dt
import itertools
import mmap
import multiprocessing
import os
import traceback
from collections.abc import Callable

import numpy as np

from engine.errors import EvaluationError
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.population import Population
from engine.kleene import Array

__all__ = ["Chunk", "evaluate_in_parallel"]

#: one chunk's results, as :func:`engine.eligibility.evaluate._evaluate_chunk` returns them
Chunk = dict[str, dict[str, Array]]
_KINDS = ("status", "benefit", "person_status", "person_benefit")


def _layout(compiled: CompiledSystem, population: Population) -> list[tuple[str, str, int]]:
    out = []
    for pid, entity in compiled.programs.items():
        out += [("status", pid, population.n_households), ("benefit", pid, population.n_households)]
        if entity == "person":
            out += [("person_status", pid, population.n_persons)]
            out += [("person_benefit", pid, population.n_persons)]
    return out


def evaluate_in_parallel(
    compiled: CompiledSystem,
    population: Population,
    day: dt.date,
    workers: int,
    chunk: int,
    evaluate_chunk: Callable[[CompiledSystem, Population, dt.date], Chunk],
) -> Chunk:
    """Every program over ``population`` on ``day`` with ``workers`` forked processes, each
    evaluating its households ``chunk`` at a time with ``evaluate_chunk``.

    Raises:
        EvaluationError: a worker failed (its exit status is given).
    """
    layout = _layout(compiled, population)
    size = sum(n for _, _, n in layout) * 8
    shared = mmap.mmap(-1, max(size, 8))  # anonymous and shared: forked workers write into it
    out: Chunk = {kind: {} for kind in _KINDS}
    offset = 0
    for kind, pid, n in layout:
        out[kind][pid] = np.frombuffer(shared, dtype=np.float64, count=n, offset=offset)
        offset += n * 8
    starts = np.linspace(0, population.n_households, workers + 1).astype(int)
    context = multiprocessing.get_context("fork")
    processes = []
    for first, last in itertools.pairwise(starts.tolist()):
        process = context.Process(
            target=_work,
            args=(compiled, population, day, int(first), int(last), chunk, evaluate_chunk, out),
        )
        process.start()
        processes.append(process)
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        raise EvaluationError("population", f"a worker process failed (exit status {failed[0]})")
    # copies the caller owns; the mapping is released with the views
    result = {kind: {pid: values.copy() for pid, values in by.items()} for kind, by in out.items()}
    del out
    shared.close()
    return result


def _work(
    compiled: CompiledSystem,
    population: Population,
    day: dt.date,
    first: int,
    last: int,
    chunk: int,
    evaluate_chunk: Callable[[CompiledSystem, Population, dt.date], Chunk],
    out: Chunk,
) -> None:
    status = 0
    try:
        persons = np.searchsorted(population.household_of, np.arange(first, last + 1, chunk))
        for index, start in enumerate(range(first, last, chunk)):
            stop = min(start + chunk, last)
            part = population.slice(start, stop)
            values = evaluate_chunk(compiled, part, day)
            p0 = int(persons[index])
            for kind, by in values.items():
                rows = slice(start, stop) if kind in ("status", "benefit") else None
                for pid, array in by.items():
                    target = out[kind][pid]
                    if rows is None:
                        target[p0 : p0 + len(array)] = array
                    else:
                        target[rows] = array
    except BaseException:
        traceback.print_exc()
        status = 1
    os._exit(status)  # no atexit handlers or buffered output of the parent run twice
