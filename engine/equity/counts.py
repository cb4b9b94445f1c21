"""Additive counts by finest group cell: what a chunk of households contributes, so that adding
chunks in any order, in this process or on other machines, gives the same counts.

The unit is a person for a person program (its ``person_status``) and a household for a
household program, placed in its reference person's groups. For each run (baseline, reform),
program and finest cell, four classes of unit are counted: eligible with a known amount,
eligible with an amount not known, undetermined, ineligible; each as the number of sampled units
``n``, their weight ``Σw`` and ``Σw²`` (integers, exact). Over the eligible with a known amount,
the amounts: ``Σw·a`` in integer cents (exact), ``Σw·a²`` and ``Σw²·a²`` in dollars squared
(floats, for the variances: their merged value agrees to rounding, not to the bit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.eligibility.populations import PopulationResult
from engine.equity.layout import Layout, Provinces
from engine.evaluation.population import Population
from engine.kleene import Array

__all__ = ["CLASSES", "ELIGIBLE", "INELIGIBLE", "UNDETERMINED", "UNKNOWN_AMOUNT", "GroupCounts"]

#: the classes of a unit for one program, in the order of the counts' class axis
CLASSES = ("eligible", "unknown_amount", "undetermined", "ineligible")
ELIGIBLE, UNKNOWN_AMOUNT, UNDETERMINED, INELIGIBLE = range(4)
_EXACT = 2**53


def _exact(sums: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    if np.abs(sums).max(initial=0) >= _EXACT:
        raise OverflowError("a weighted sum exceeds what float64 adds exactly")
    return np.asarray(np.rint(sums), dtype=np.int64)


@dataclass
class GroupCounts:
    """Sums by run, program and finest cell.

    Attributes:
        layout: the attributes and levels of the finest cells.
        programs: program ids, in the order of the arrays.
        entities: ``person`` or ``household`` per program.
        runs: 1 (baseline) or 2 (baseline, reform).
        units: shape (runs, programs, cells, 4 classes, 3): n, Σw, Σw² (int64).
        cents: Σw·a over the eligible with a known amount, in cents, shape (runs, programs,
            cells) (int64).
        squares: Σw·a² and Σw²·a² in dollars², shape (runs, programs, cells, 2) (float64).
    """

    layout: Layout
    programs: tuple[str, ...]
    entities: tuple[str, ...]
    runs: int
    units: npt.NDArray[np.int64] = field(init=False)
    cents: npt.NDArray[np.int64] = field(init=False)
    squares: npt.NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        shape = (self.runs, len(self.programs), self.layout.cells)
        self.units = np.zeros((*shape, len(CLASSES), 3), dtype=np.int64)
        self.cents = np.zeros(shape, dtype=np.int64)
        self.squares = np.zeros((*shape, 2), dtype=np.float64)

    def __iadd__(self, other: GroupCounts) -> GroupCounts:
        same = (other.layout, other.programs, other.entities, other.runs)
        if same != (self.layout, self.programs, self.entities, self.runs):
            raise ValueError("counts of different layouts or catalogs cannot be added")
        self.units += other.units
        self.cents += other.cents
        self.squares += other.squares
        return self

    def totals(self) -> dict[str, int]:
        """Sampled persons and households, and the persons they stand for (from the first
        program of each kind of unit: every program counts every unit once)."""
        out = {"persons": 0, "households": 0, "weighted_persons": 0}
        for kind, key in (("person", "persons"), ("household", "households")):
            if kind in self.entities:
                p = self.entities.index(kind)
                out[key] = int(self.units[0, p, :, :, 0].sum())
                if kind == "person":
                    out["weighted_persons"] = int(self.units[0, p, :, :, 1].sum())
        return out

    def add(
        self,
        population: Population,
        results: list[PopulationResult],
        provinces: Provinces = (),
    ) -> None:
        """Add one chunk: its results on the baseline and, when given, on the reform."""
        if len(results) != self.runs:
            raise ValueError(f"{len(results)} results for counts of {self.runs} runs")
        person_code = self.layout.code(population, provinces)
        codes = {
            "person": person_code,
            "household": self.layout.household_code(population, person_code),
        }
        weight = population.weight.astype(np.int64)
        weights = {"person": weight[population.household_of], "household": weight}
        cells = self.layout.cells
        for entity in ("person", "household"):
            chosen = [p for p, e in enumerate(self.entities) if e == entity]
            if not chosen:
                continue
            code, units = codes[entity], len(codes[entity])
            w = weights[entity].astype(float)
            # every unit of the chunk, whatever the program: the ineligible are the rest
            everyone = np.stack([
                np.bincount(code, minlength=cells).astype(np.int64),
                _exact(np.bincount(code, w, cells)),
                _exact(np.bincount(code, w * w, cells)),
            ], axis=-1)  # fmt: skip
            # shared by both runs: where each unit of each program lands, and its weights
            place = np.arange(len(chosen), dtype=np.int64)[:, None] * cells + code[None, :]
            wf = np.broadcast_to(w, (len(chosen), units)).ravel()
            for run, result in enumerate(results):
                dense = self._uniform(run, result, chosen, entity, everyone)
                if dense:
                    status, benefit = self._stacked(result, dense, entity, units)
                    rows = len(dense) * units  # row r of place and wf: any program's r-th
                    self._add(
                        run, dense, place.ravel()[:rows], wf[:rows], everyone, status, benefit
                    )

    def _uniform(
        self,
        run: int,
        result: PopulationResult,
        chosen: list[int],
        entity: str,
        everyone: npt.NDArray[np.int64],
    ) -> list[int]:
        """Count at once the programs whose answer is the same for every unit of the chunk
        (undetermined for all, or ineligible for all); the others, to count unit by unit."""
        dense = []
        for p in chosen:
            pid = self.programs[p]
            found = result.person_status if entity == "person" else result.status
            status = found.get(pid)
            if status is None or not len(status):
                kind: int | None = INELIGIBLE  # a program only the reform has: nobody before
            elif np.isnan(status[0]) and np.isnan(status).all():
                kind = UNDETERMINED
            elif status[0] == 0 and not status.any():
                kind = INELIGIBLE
            else:
                kind = None
            if kind is None:
                dense.append(p)
            else:
                self.units[run, p, :, kind] += everyone
        return dense

    def _stacked(
        self, result: PopulationResult, chosen: list[int], entity: str, units: int
    ) -> tuple[Array, Array]:
        """The statuses and amounts of ``chosen`` programs, one row each."""
        status, benefit = np.empty((len(chosen), units)), np.empty((len(chosen), units))
        for row, p in enumerate(chosen):
            pid = self.programs[p]
            if pid not in result.status:  # a program only the reform has: nobody before
                status[row], benefit[row] = 0.0, np.nan
            elif entity == "person":
                status[row], benefit[row] = result.person_status[pid], result.person_benefit[pid]
            else:
                status[row], benefit[row] = result.status[pid], result.benefit[pid]
        return status, benefit

    def _add(
        self,
        run: int,
        chosen: list[int],
        place: npt.NDArray[np.int64],
        wf: Array,
        everyone: npt.NDArray[np.int64],
        status: Array,
        benefit: Array,
    ) -> None:
        """Count the units of every program in ``chosen`` at once (one row each): only the
        eligible and the undetermined are visited; the ineligible are everyone else."""
        cells, classes, programs = self.layout.cells, len(CLASSES), len(chosen)
        at = np.flatnonzero(status.ravel() != 0)  # eligible, or undetermined (NaN)
        s, b, where, ww = status.ravel()[at], benefit.ravel()[at], place[at], wf[at]
        unknown = np.isnan(b)
        kind = np.where(np.isnan(s), UNDETERMINED, np.where(unknown, UNKNOWN_AMOUNT, ELIGIBLE))
        index = where * classes + kind
        size = programs * cells * classes
        shape = (programs, cells, classes)
        counted = np.stack([
            np.bincount(index, minlength=size).reshape(shape).astype(np.int64),
            _exact(np.bincount(index, ww, size)).reshape(shape),
            _exact(np.bincount(index, ww * ww, size)).reshape(shape),
        ], axis=-1)  # fmt: skip
        counted[:, :, INELIGIBLE] = everyone[None] - counted[:, :, :INELIGIBLE].sum(axis=2)
        self.units[run, chosen] += counted
        paid = (kind == ELIGIBLE) & (s == 1)
        if paid.any():
            spot, wp, amount = where[paid], ww[paid], b[paid]
            size = programs * cells
            cents = _exact(np.bincount(spot, wp * np.rint(amount * 100), size))
            self.cents[run, chosen] += cents.reshape(programs, cells)
            square = wp * amount * amount
            self.squares[run, chosen, :, 0] += np.bincount(spot, square, size).reshape(
                programs, cells
            )
            self.squares[run, chosen, :, 1] += np.bincount(spot, wp * square, size).reshape(
                programs, cells
            )
