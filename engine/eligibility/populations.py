"""A population's answers: every program's statuses and benefits for every household and person,
vectorized, in chunks, on one or more cores (:func:`evaluate_population`), and their totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from engine.catalog.facts import Entity
from engine.catalog.program import BENEFIT, STATUS
from engine.eligibility import jurisdictions
from engine.eligibility.formatting import round_cents
from engine.eligibility.parallel import (
    Task,
    evaluate_in_parallel,
    evaluate_tasks,
    results_layout,
)
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.population import Population
from engine.evaluation.scalar_run import ScalarRun
from engine.evaluation.simulate import HouseholdRun, Run, household_run
from engine.kleene import Array

__all__ = ["CHUNK_HOUSEHOLDS", "PopulationResult", "ProgramTotal", "evaluate_population"]


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
            compiled.compile_vectorized()  # once, shared by the forked workers
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
