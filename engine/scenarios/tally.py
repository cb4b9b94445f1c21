"""Additive aggregates of a baseline-versus-reform run: what a chunk of households contributes,
in integer cents and integer weighted counts, so that adding chunks in any order or on any
machine gives the same totals to the cent.

Amounts are the programs' annual amounts, rounded to the cent per household and program before
they are weighted. A household whose answer is undetermined, or who is eligible for an amount
that is not known (a fact it depends on is unknown), adds nothing to the cost and is counted
among the undetermined or the unknown amounts instead: a total never passes for complete when
it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from engine.eligibility.populations import PopulationResult
from engine.evaluation.population import Population
from engine.kleene import Array

__all__ = ["DECILES", "Tally", "household_income", "income_deciles"]

Counts = npt.NDArray[np.int64]
DECILES = 10
#: sums of integers in float64 are exact below this; a tally refuses anything larger
_EXACT = 2**53


def _exact_sum(index: npt.NDArray[np.int64], values: Array, size: int) -> Counts:
    """Sums of integer-valued ``values`` by ``index`` (0 to size - 1), exactly."""
    sums = np.bincount(index, weights=values, minlength=size)
    if np.abs(sums).max(initial=0) >= _EXACT:
        raise OverflowError("a weighted sum exceeds what float64 adds exactly")
    return np.rint(sums).astype(np.int64)


def household_income(population: Population, year: int) -> Array:
    """Each household's net income in ``year`` (the sum of its members' known incomes)."""
    income = population.yearly.get("net_income", {}).get(year)
    if income is None:
        return np.zeros(population.n_households)
    sums = np.bincount(
        population.household_of, weights=np.nan_to_num(income), minlength=population.n_households
    )
    return np.asarray(sums, dtype=float)


def income_deciles(incomes: Array, weights: Counts) -> Array:
    """The nine weighted cut points between the ten income deciles of households.

    Examples:
        >>> income_deciles(np.arange(10.0), np.ones(10, dtype=np.int64)).tolist()
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    """
    order = np.argsort(incomes, kind="stable")
    cumulative = np.cumsum(weights[order])
    if not len(cumulative) or cumulative[-1] == 0:
        return np.zeros(DECILES - 1)
    wanted = cumulative[-1] * np.arange(1, DECILES) / DECILES
    at = np.minimum(np.searchsorted(cumulative, wanted, side="left"), len(order) - 1)
    return np.asarray(incomes[order][at], dtype=float)


@dataclass
class Tally:
    """Integer sums by run (0 baseline, 1 reform), program and province (the last index: no
    province stated), and the winners and losers by income decile and province.

    Attributes:
        programs: program ids, in the order of the arrays.
        provinces: province codes, in the order of the arrays.
        cost: weighted annual cents, shape (2, programs, provinces + 1).
        households: weighted households eligible, same shape.
        persons: weighted persons eligible (person programs; 0 for household programs).
        undetermined: weighted households whose answer is undetermined.
        unknown_amount: weighted households eligible for an amount that is not known.
        population: weighted households, weighted persons, sampled households, sampled persons.
        by_decile / by_province: rows winners, losers, cents gained, cents lost.
    """

    programs: tuple[str, ...]
    provinces: tuple[str, ...]
    cost: Counts = field(init=False)
    households: Counts = field(init=False)
    persons: Counts = field(init=False)
    undetermined: Counts = field(init=False)
    unknown_amount: Counts = field(init=False)
    population: Counts = field(init=False)
    by_decile: Counts = field(init=False)
    by_province: Counts = field(init=False)

    def __post_init__(self) -> None:
        shape = (2, len(self.programs), len(self.provinces) + 1)
        self.cost = np.zeros(shape, dtype=np.int64)
        self.households = np.zeros(shape, dtype=np.int64)
        self.persons = np.zeros(shape, dtype=np.int64)
        self.undetermined = np.zeros(shape, dtype=np.int64)
        self.unknown_amount = np.zeros(shape, dtype=np.int64)
        self.population = np.zeros(4, dtype=np.int64)
        self.by_decile = np.zeros((4, DECILES), dtype=np.int64)
        self.by_province = np.zeros((4, len(self.provinces) + 1), dtype=np.int64)

    def __iadd__(self, other: Tally) -> Tally:
        if (other.programs, other.provinces) != (self.programs, self.provinces):
            raise ValueError("tallies of different catalogs cannot be added")
        for name in (
            "cost", "households", "persons", "undetermined", "unknown_amount", "population",
            "by_decile", "by_province",
        ):  # fmt: skip
            getattr(self, name).__iadd__(getattr(other, name))
        return self

    def add(
        self,
        population: Population,
        province_index: npt.NDArray[np.int64],
        cuts: Array,
        year: int,
        results: list[PopulationResult],
    ) -> None:
        """Add one chunk: its results on the baseline and, when given, on the reform."""
        w = population.weight.astype(float)
        person_w = w[population.household_of]
        regions = len(self.provinces) + 1
        self.population += np.array(
            [int(w.sum()), int(person_w.sum()), population.n_households, population.n_persons]
        )
        totals = []
        for run, result in enumerate(results):
            total = np.zeros(population.n_households, dtype=np.int64)
            for p, pid in enumerate(self.programs):
                if pid not in result.status:
                    continue  # a program the reform adds: nothing in the law's run
                status, benefit = result.status[pid], result.benefit[pid]
                cents = np.rint(np.nan_to_num(benefit) * 100).astype(np.int64)
                total += cents
                self.cost[run, p] += _exact_sum(province_index, cents * w, regions)
                self.households[run, p] += _exact_sum(province_index, (status == 1) * w, regions)
                self.undetermined[run, p] += _exact_sum(
                    province_index, np.isnan(status) * w, regions
                )
                self.unknown_amount[run, p] += _exact_sum(
                    province_index, ((status == 1) & np.isnan(benefit)) * w, regions
                )
                person_status = result.person_status.get(pid)
                if person_status is not None:
                    self.persons[run, p] += _exact_sum(
                        province_index[population.household_of],
                        (person_status == 1) * person_w,
                        regions,
                    )
            totals.append(total)
        if len(totals) == 2:
            change = totals[1] - totals[0]
            decile = np.searchsorted(cuts, household_income(population, year), side="right")
            self._winners(self.by_decile, decile, change, w, DECILES)
            self._winners(self.by_province, province_index, change, w, regions)

    @staticmethod
    def _winners(
        into: Counts, index: npt.NDArray[np.int64], change: Counts, w: Array, size: int
    ) -> None:
        gain, loss = change > 0, change < 0
        into[0] += _exact_sum(index, gain * w, size)
        into[1] += _exact_sum(index, loss * w, size)
        into[2] += _exact_sum(index, np.where(gain, change, 0) * w, size)
        into[3] += _exact_sum(index, np.where(loss, -change, 0) * w, size)
