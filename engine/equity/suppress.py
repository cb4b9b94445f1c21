"""Small-cell suppression: no published figure is about fewer sampled units than the threshold,
and no suppressed cell can be worked out from what is published.

Primary suppression hides every cell of fewer than ``threshold`` sampled units (persons for a
person program, households for a household program; the same units the cell counts). Amount
figures (mean and total amount) are hidden, in addition, where fewer than ``amount_threshold``
recipients stand behind them. Every count of a table is a sum of finest cells (the cross of
every attribute asked for), and every table of one kind of unit, the whole-population row
included, is published together: a suppressed cell is recoverable exactly when its row of
finest cells lies in the span of the published rows (checked on the relations among the
published cells, so a check costs little however fine the cells). Complementary suppression
hides more cells
(the smallest that share a line with a recoverable one first) until none is; the same pattern
then protects every additive figure of the table (counts, weights, amounts), since each is the
same sum of finest cells.

The ``statcan`` preset follows Statistics Canada's practice for its public tables: under 40
persons suppressed, under 250 for income (amount) figures, published counts randomly rounded
to base 5 (unbiased: up with probability remainder/5), here seeded so a report is reproducible.
Rates and intervals are worked out before rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engine.errors import InputError

__all__ = ["PRESETS", "Policy", "Structure", "protect", "round_counts"]

Mask = npt.NDArray[np.bool_]
_TOLERANCE = 1e-8


@dataclass(frozen=True)
class Policy:
    """How figures are protected.

    Attributes:
        name: the preset's name.
        threshold: fewest sampled units a published cell may count.
        amount_threshold: fewest recipients behind a published amount.
        rounding: base of the random rounding of published counts (0: none).
        seed: seed of the random rounding.
    """

    name: str
    threshold: int
    amount_threshold: int
    rounding: int = 0
    seed: int = 0

    @staticmethod
    def named(name: str, threshold: int | None = None, seed: int = 0) -> Policy:
        """A preset, its threshold optionally raised.

        Raises:
            InputError: an unknown preset, or a threshold under the preset's.
        """
        if name not in PRESETS:
            known = ", ".join(sorted(PRESETS))
            raise InputError(
                "preset",
                f"unknown preset {name!r} (known: {known})",
                fr=f"préréglage inconnu {name!r} (connus : {known})",
            )
        preset = PRESETS[name]
        if threshold is None:
            return Policy(
                preset.name, preset.threshold, preset.amount_threshold, preset.rounding, seed
            )
        if threshold < preset.threshold:
            raise InputError(
                "threshold",
                f"at least {preset.threshold} with the {name} preset, not {threshold}",
                fr=f"au moins {preset.threshold} avec le préréglage {name}, et non {threshold}",
            )
        return Policy(
            preset.name, threshold, max(threshold, preset.amount_threshold), preset.rounding, seed
        )


PRESETS = {
    "default": Policy("default", threshold=10, amount_threshold=10),
    "statcan": Policy("statcan", threshold=40, amount_threshold=250, rounding=5),
}


class Structure:
    """Every published cell of a report as the finest cells it sums, and the linear relations
    among them (each cell of a table is the sum of the cells of a table with one attribute
    more: these relations span every linear dependency among the margins of one cross
    table, which a test checks).

    Args:
        members: each published cell's finest cells.
        tables: each published cell's table (its index).
        lines: for each published cell, the cells of its table that share a line with it
            (differ in exactly one attribute), or every other cell of a one-attribute table.
        relations: pairs (margin cell, cells summing to it), as indexes of published cells.
    """

    def __init__(
        self,
        members: Sequence[npt.NDArray[np.int64]],
        tables: Sequence[int],
        lines: Sequence[Sequence[int]],
        relations: Sequence[tuple[int, Sequence[int]]],
    ) -> None:
        self.members = members
        self.tables = np.asarray(tables)
        self.lines = lines
        self.relations = np.zeros((len(members), len(relations)))
        for j, (margin, parts) in enumerate(relations):
            self.relations[margin, j] = -1.0
            self.relations[list(parts), j] = 1.0
        self._memo: dict[bytes, Mask] = {}

    def recoverable(self, hidden: Mask) -> Mask:
        """Which hidden cells the published ones determine exactly.

        A hidden cell is a combination of published ones exactly when some relation among the
        cells involves it and no other hidden cell: when its unit vector lies in the span of
        the relations restricted to the hidden cells.
        """
        out = np.zeros(len(hidden), dtype=bool)
        at = np.flatnonzero(hidden)
        if not len(at):
            return out
        restricted = self.relations[at]
        restricted = restricted[:, np.abs(restricted).sum(axis=0) > 0]
        if not restricted.shape[1]:
            return out
        reduced, pivots = _rref(restricted.T)
        for row, column in enumerate(pivots):
            others = np.abs(reduced[row]).sum() - abs(reduced[row, column])
            out[at[column]] = others < 1e-9
        return out

    def pattern(self, primary: Mask, sizes: npt.NDArray[np.int64]) -> Mask:
        """``primary`` and the complementary cells that leave no hidden cell recoverable
        (memoized: many programs share a primary pattern)."""
        empty = sizes == 0
        key = np.packbits(primary).tobytes() + np.packbits(empty).tobytes()
        if key not in self._memo:
            self._memo[key] = self._protect(primary.copy(), sizes)
        return self._memo[key].copy()

    def _protect(self, hidden: Mask, sizes: npt.NDArray[np.int64]) -> Mask:
        # An empty cell is hidden like any small one, but an attacker who knows counts are never
        # negative may still work it out (hidden cells summing to a published 0 are all 0), and
        # from it the others: so empty cells count as published when the others are checked.
        # Every other hidden cell holds someone, so the only exact answers left are the linear
        # ones checked here (a cell pinned by the bounds at 0 would have to be empty).
        empty = sizes == 0
        while True:
            exposed = np.flatnonzero(self.recoverable(hidden & ~empty))
            if not len(exposed):
                return hidden
            for cell in exposed:
                partner = self._partner(int(cell), hidden, sizes)
                if partner is None:
                    continue
                hidden[partner] = True

    def _partner(self, cell: int, hidden: Mask, sizes: npt.NDArray[np.int64]) -> int | None:
        """The smallest published cell sharing a line with ``cell``; else the smallest of its
        table; else the smallest published cell of all."""
        for pool in (
            np.asarray(self.lines[cell], dtype=np.int64),
            np.flatnonzero(self.tables == self.tables[cell]),
            np.arange(len(hidden)),
        ):
            open_ = pool[~hidden[pool]] if len(pool) else pool
            if len(open_):
                return int(open_[np.argmin(sizes[open_])])
        return None


def _rref(matrix: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], list[int]]:
    """The reduced row echelon form of ``matrix`` and its pivot columns (Gauss-Jordan with
    partial pivoting; small matrices of 0 and ±1, no threaded BLAS call).

    Examples:
        >>> reduced, pivots = _rref(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]]))
        >>> reduced.tolist(), pivots
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [0, 1])
    """
    m = matrix.astype(float).copy()
    rows, columns = m.shape
    pivots: list[int] = []
    row = 0
    for column in range(columns):
        if row == rows:
            break
        best = row + int(np.argmax(np.abs(m[row:, column])))
        if abs(m[best, column]) < 1e-9:
            continue
        m[[row, best]] = m[[best, row]]
        m[row] /= m[row, column]
        factors = m[:, column].copy()
        factors[row] = 0.0
        m -= np.outer(factors, m[row])
        pivots.append(column)
        row += 1
    m[np.abs(m) < 1e-12] = 0.0
    return m[: len(pivots)], pivots


def protect(structure: Structure, sizes: npt.NDArray[np.int64], threshold: int) -> Mask:
    """The cells to hide: under ``threshold`` sampled units, and their complements.

    Examples:
        >>> rows = [np.array([0, 1]), np.array([0]), np.array([1])]
        >>> s = Structure(rows, [0, 1, 1], [[], [2], [1]], [(0, [1, 2])])
        >>> protect(s, np.array([20, 3, 17]), 10).tolist()
        [False, True, True]
    """
    return structure.pattern(sizes < threshold, sizes)


def round_counts(
    values: npt.NDArray[np.float64], base: int, uniforms: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Unbiased random rounding to a multiple of ``base`` (0 or 1: unchanged): up with
    probability remainder/base, drawn from ``uniforms`` (one per cell, broadcast over the last
    axis, so a count that is published twice is rounded the same way twice).

    Examples:
        >>> values, uniforms = np.array([0.0, 5.0, 7.0, 12.0]), np.array([0.1, 0.9, 0.3, 0.5])
        >>> round_counts(values, 5, uniforms).tolist()
        [0.0, 5.0, 10.0, 10.0]
    """
    if base <= 1:
        return values
    values = np.rint(values)
    remainder = np.mod(values, base)
    up = uniforms < remainder / base
    return values - remainder + np.where(up, base, 0)
