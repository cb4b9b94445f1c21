"""Published tables: the finest counts summed to one attribute, or an intersection, and every
figure of each cell for every run and program (arrays shaped (runs, programs, cells)).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.equity import stats
from engine.equity.counts import ELIGIBLE, UNDETERMINED, UNKNOWN_AMOUNT, GroupCounts
from engine.kleene import Array

__all__ = ["Table", "marginal"]


@dataclass
class Table:
    """One table's cells and figures.

    Attributes:
        dims: the attribute indexes of the layout (empty: the whole population).
        attributes: their names.
        cells: each cell's levels, in the order of ``dims``.
        members: each cell's finest cells (indexes into the layout's cells).
        figures: name to an array shaped (runs, programs, cells).
    """

    dims: tuple[int, ...]
    attributes: tuple[str, ...]
    cells: list[tuple[str, ...]]
    members: list[npt.NDArray[np.int64]]
    figures: dict[str, Array] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``all``, an attribute, or attributes joined by ``*``."""
        return "*".join(self.attributes) if self.attributes else "all"


def marginal(counts: GroupCounts, dims: tuple[int, ...]) -> Table:
    """The table of ``dims`` with its figures (before any comparison or suppression)."""
    layout = counts.layout
    shape = layout.shape
    runs, programs = counts.runs, len(counts.programs)
    others = tuple(2 + i for i in range(len(shape)) if i not in dims)

    def fold(values: npt.NDArray[Any], tail: tuple[int, ...]) -> npt.NDArray[Any]:
        full = values.reshape(runs, programs, *shape, *tail)
        summed = full.sum(axis=others) if others else full
        return np.asarray(summed.reshape(runs, programs, -1, *tail))

    units = fold(counts.units, counts.units.shape[3:]).astype(float)
    cents = fold(counts.cents, ())
    squares = fold(counts.squares, (2,))
    finest = np.arange(layout.cells).reshape(shape)
    cells, members = [], []
    for index in itertools.product(*(range(shape[d]) for d in dims)):
        cells.append(tuple(layout.levels[d][i] for d, i in zip(dims, index, strict=True)))
        take: list[Any] = [slice(None)] * len(shape)
        for d, i in zip(dims, index, strict=True):
            take[d] = i
        members.append(np.asarray(finest[tuple(take)]).ravel())
    table = Table(dims, tuple(layout.attributes[d] for d in dims), cells, members)
    table.figures = _figures(units, cents, squares)
    return table


def _figures(units: Array, cents: Array, squares: Array) -> dict[str, Array]:
    n, w, w2 = units[..., 0], units[..., 1], units[..., 2]
    determined = [c for c in range(units.shape[-2]) if c != UNDETERMINED]
    det_w, det_w2 = w[..., determined].sum(-1), w2[..., determined].sum(-1)
    eligible_w = w[..., ELIGIBLE] + w[..., UNKNOWN_AMOUNT]
    rate = np.full(det_w.shape, np.nan)
    np.divide(eligible_w, det_w, out=rate, where=det_w > 0)
    n_eff = stats.kish(det_w, det_w2)
    low, high = stats.wilson(rate, n_eff)
    n_all = n.sum(-1)
    total = cents / 100.0
    mean, mean_low, mean_high = stats.mean_interval(
        w[..., ELIGIBLE], w2[..., ELIGIBLE], total, squares[..., 0]
    )
    total_low, total_high = stats.total_interval(n_all, total, squares[..., 1])
    return {
        "n": n_all,
        "n_weighted": w.sum(-1),
        "determined": n[..., determined].sum(-1),
        "eligible": n[..., ELIGIBLE] + n[..., UNKNOWN_AMOUNT],
        "eligible_weighted": eligible_w,
        "undetermined": n[..., UNDETERMINED],
        "undetermined_weighted": w[..., UNDETERMINED],
        "unknown_amount": n[..., UNKNOWN_AMOUNT],
        "n_eff": n_eff,
        "rate": rate,
        "rate_low": low,
        "rate_high": high,
        "recipients": n[..., ELIGIBLE],
        "recipients_weighted": w[..., ELIGIBLE],
        "mean_amount": mean,
        "mean_low": mean_low,
        "mean_high": mean_high,
        "total_amount": total,
        "total_low": total_low,
        "total_high": total_high,
    }
