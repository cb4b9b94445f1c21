"""The statistics of a disparity check, on merged counts (never on persons).

Weights are household weights (every member of a household carries its weight). Estimates are
weighted: a rate is ``Σw`` of the eligible over ``Σw`` of the units whose answer is determined.
Uncertainty uses Kish's effective sample size ``n_eff = (Σw)² / Σw²`` of the units behind the
estimate: it equals the sampled count when the weights are equal and is smaller when they vary,
so an interval is never narrower than the sample allows. Wilson 95% intervals (statsmodels) and
the pooled two-proportion z test run on the weighted rate with ``n_eff``; Holm's correction
(statsmodels) runs across the family of every published comparison of a run. Mean amounts per
recipient carry a normal interval from the weighted variance and ``n_eff``; totals a normal
interval from the Hansen-Hurwitz variance of the weighted sum over the cell's units. Suppression
counts sampled units (not weights): see :mod:`engine.equity.suppress`.
"""

from __future__ import annotations

import gc
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from engine.kleene import Array

__all__ = [
    "FOUR_FIFTHS",
    "Z95",
    "four_fifths",
    "holm",
    "kish",
    "mean_interval",
    "total_interval",
    "two_proportion",
    "wilson",
]

Z95 = float(norm.ppf(0.975))
FOUR_FIFTHS = 0.8


def _ratio(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> Array:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=np.asarray(den) > 0)
    return out


def kish(sum_w: Array, sum_w2: Array) -> Array:
    """Kish's effective sample size ``(Σw)² / Σw²`` (0 where there is no unit).

    Examples:
        >>> kish(np.array([4.0, 6.0]), np.array([4.0, 20.0])).tolist()
        [4.0, 1.8]
    """
    return np.nan_to_num(_ratio(np.asarray(sum_w, float) ** 2, np.asarray(sum_w2, float)))


def wilson(rate: Array, nobs: Array) -> tuple[Array, Array]:
    """Wilson 95% interval of ``rate`` observed on ``nobs`` (effective) units; NaN where
    ``nobs`` is 0.

    Examples:
        >>> low, high = wilson(np.array([0.5]), np.array([100.0]))
        >>> round(float(low[0]), 4), round(float(high[0]), 4)
        (0.4038, 0.5962)
    """
    rate, nobs = np.asarray(rate, float), np.asarray(nobs, float)
    ok = (nobs > 0) & ~np.isnan(rate)
    low, high = np.full(rate.shape, np.nan), np.full(rate.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(rate[ok] * nobs[ok], nobs[ok], alpha=0.05, method="wilson")
        low[ok], high[ok] = np.minimum(lo, rate[ok]), np.maximum(hi, rate[ok])
    return low, high


def two_proportion(p1: Array, n1: Array, p2: Array, n2: Array) -> Array:
    """Two-sided p-value of the pooled two-proportion z test (NaN where it cannot be run).

    Examples:
        >>> round(float(two_proportion(np.array(0.6), np.array(100.0), np.array(0.5),
        ...     np.array(100.0))), 4)
        0.1552
    """
    p1, n1, p2, n2 = (np.asarray(x, float) for x in (p1, n1, p2, n2))
    pooled = _ratio(np.asarray(p1 * n1 + p2 * n2), np.asarray(n1 + n2))
    one = np.ones(n1.shape)
    se = np.sqrt(pooled * (1 - pooled) * (_ratio(one, n1) + _ratio(np.ones(n2.shape), n2)))
    z = _ratio(np.abs(p1 - p2), se)
    p = 2 * norm.sf(z)
    # equal rates with no variance at all (both 0 or both 1) differ by nothing
    return np.where((se == 0) & (p1 == p2), 1.0, p)


def holm(pvalues: Array) -> Array:
    """Holm-adjusted p-values (NaN stays NaN and is left out of the family).

    Examples:
        >>> holm(np.array([0.01, np.nan, 0.04, 0.03])).round(2).tolist()
        [0.03, nan, 0.06, 0.06]
    """
    pvalues = np.asarray(pvalues, float)
    out = np.full(pvalues.shape, np.nan)
    ok = ~np.isnan(pvalues)
    if ok.any():
        # statsmodels' Holm ends with gc.collect(): spare it the objects already alive (the
        # engines' catalogs), which it would otherwise walk for nothing
        gc.freeze()
        try:
            out[ok] = multipletests(pvalues[ok], alpha=0.05, method="holm")[1]
        finally:
            gc.unfreeze()
    return out


def four_fifths(rate: Array, reference: Array) -> npt.NDArray[np.bool_]:
    """True where the lower of a group's rate and the reference's is under four fifths of
    the higher (the four-fifths rule, read both ways).

    Examples:
        >>> four_fifths(np.array([0.3, 0.45, 0.6]), np.array(0.5)).tolist()
        [True, False, False]
    """
    rate, reference = np.asarray(rate, float), np.asarray(reference, float)
    low, high = np.fmin(rate, reference), np.fmax(rate, reference)
    return np.asarray((high > 0) & (low < FOUR_FIFTHS * high))


def mean_interval(
    sum_w: Array, sum_w2: Array, sum_wa: Array, sum_wa2: Array
) -> tuple[Array, Array, Array]:
    """Weighted mean of the amounts and its normal 95% interval (variance over ``n_eff``).

    Examples:
        >>> m, lo, hi = mean_interval(np.array(3.0), np.array(3.0), np.array(6.0),
        ...     np.array(14.0))
        >>> float(m), round(float(lo), 3), round(float(hi), 3)
        (2.0, 0.868, 3.132)
    """
    sum_w, sum_wa, sum_wa2 = (np.asarray(x, float) for x in (sum_w, sum_wa, sum_wa2))
    mean = _ratio(sum_wa, sum_w)
    n_eff = kish(sum_w, sum_w2)
    spread = np.maximum(_ratio(sum_wa2, sum_w) - mean**2, 0.0)
    variance = _ratio(spread * n_eff, n_eff - 1)  # the unbiased weighted variance
    se = np.sqrt(_ratio(variance, n_eff))
    return mean, mean - Z95 * se, mean + Z95 * se


def total_interval(n: Array, total: Array, sum_w2a2: Array) -> tuple[Array, Array]:
    """Normal 95% interval of a weighted total over ``n`` sampled units (units without an
    amount count as 0): Hansen-Hurwitz, ``n/(n-1)·(Σ(w·a)² - T²/n)``.

    Examples:
        >>> lo, hi = total_interval(np.array(4.0), np.array(20.0), np.array(200.0))
        >>> round(float(lo), 3), round(float(hi), 3)
        (-2.632, 42.632)
    """
    n, total, sum_w2a2 = (np.asarray(x, float) for x in (n, total, sum_w2a2))
    variance = _ratio(n * np.maximum(sum_w2a2 - _ratio(total**2, n), 0.0), n - 1)
    se = np.sqrt(variance)
    return total - Z95 * se, total + Z95 * se
