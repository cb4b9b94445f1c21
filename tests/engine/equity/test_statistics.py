"""Every statistic of a disparity check against an independent computation on fixed data: hand
arithmetic, numpy, and statsmodels' own two-proportion z test (the report computes its p-values
itself, vectorized)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from equity_kit import analysed, people, result, row
from statsmodels.stats.proportion import proportions_ztest

from engine.equity import Policy

Z = 1.959963984540054
OPEN = Policy("open", threshold=1, amount_threshold=1)  # no suppression: the figures alone


def wilson_by_hand(p: float, n: float) -> tuple[float, float]:
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def _fixed() -> tuple[list[str], list[float], list[float]]:
    """30 men (12 eligible), 50 women (35 eligible, 10 not, 5 undetermined)."""
    gender = ["man"] * 30 + ["woman"] * 50
    status = [1.0] * 12 + [0.0] * 18 + [1.0] * 35 + [0.0] * 10 + [math.nan] * 5
    amounts = [100.0 * (i + 1) for i in range(12)] + [0.0] * 18
    amounts += [50.0 * (i + 1) for i in range(35)] + [0.0] * 10 + [math.nan] * 5
    return gender, status, amounts


def test_rates_intervals_tests_and_flags_match_an_independent_computation() -> None:
    gender, status, amounts = _fixed()
    _, rows_ = analysed(people({"gender": gender}), [result(status, amounts)], policy=OPEN)
    men, women = row(rows_, {"gender": "man"}), row(rows_, {"gender": "woman"})
    assert women["reference"] and not men["reference"]  # the largest group
    assert (men["n"], men["eligible"], men["undetermined"]) == (30, 12, 0)
    assert (women["n"], women["eligible"], women["undetermined"]) == (50, 35, 5)
    assert men["rate"] == pytest.approx(12 / 30, abs=1e-6)
    assert women["rate"] == pytest.approx(35 / 45, abs=1e-6)  # undetermined left out
    low, high = wilson_by_hand(12 / 30, 30)
    assert (men["rate_low"], men["rate_high"]) == (
        pytest.approx(low, abs=1e-6),
        pytest.approx(high, abs=1e-6),
    )
    _, p = proportions_ztest([12, 35], [30, 45])
    assert men["p_value"] == pytest.approx(p, rel=1e-4)
    # the family: this comparison for the household and the person program (Holm: 2p)
    assert men["p_holm"] == pytest.approx(min(1.0, 2 * p), rel=1e-4)
    assert men["significant"] is bool(2 * p < 0.05)
    assert men["difference"] == pytest.approx(12 / 30 - 35 / 45, abs=1e-6)
    assert men["ratio"] == pytest.approx((12 / 30) / (35 / 45), abs=1e-6)
    assert men["four_fifths"] is True  # 0.4 < 0.8 x 0.778
    assert women["p_value"] is None and women["four_fifths"] is False


def test_amounts_match_an_independent_computation() -> None:
    gender, status, amounts = _fixed()
    _, rows_ = analysed(people({"gender": gender}), [result(status, amounts)], policy=OPEN)
    men = row(rows_, {"gender": "man"})
    paid = np.array([100.0 * (i + 1) for i in range(12)])
    se = paid.std(ddof=1) / math.sqrt(12)
    assert men["recipients"] == 12
    assert men["mean_amount"] == pytest.approx(650.0)
    assert men["mean_low"] == pytest.approx(650 - Z * se, abs=0.01)
    assert men["mean_high"] == pytest.approx(650 + Z * se, abs=0.01)
    y = np.r_[paid, np.zeros(18)]  # every unit of the cell, 0 where nothing is paid
    se_total = math.sqrt(30 * y.var(ddof=1))
    assert men["total_amount"] == pytest.approx(7800.0)
    assert men["total_low"] == pytest.approx(7800 - Z * se_total, abs=0.01)
    assert men["total_high"] == pytest.approx(7800 + Z * se_total, abs=0.01)
    women = row(rows_, {"gender": "woman"})
    assert men["amount_difference"] == pytest.approx(650.0 - women["mean_amount"], abs=0.01)


def test_weighted_estimates_use_the_weights_and_kish_effective_size() -> None:
    gender = ["man"] * 3 + ["woman"] * 3
    weights = [1, 2, 3, 4, 1, 1]
    status = [1.0, 0.0, 1.0, 1.0, 1.0, 0.0]
    _, rows_ = analysed(people({"gender": gender}, weights), [result(status)], policy=OPEN)
    men = row(rows_, {"gender": "man"})
    w = np.array([1.0, 2.0, 3.0])
    rate = (1 + 3) / w.sum()
    n_eff = w.sum() ** 2 / (w**2).sum()  # 36 / 14
    assert men["rate"] == pytest.approx(rate, abs=1e-6)
    assert men["n"] == 3 and men["n_weighted"] == 6 and men["eligible_weighted"] == 4
    low, high = wilson_by_hand(rate, n_eff)
    assert men["rate_low"] == pytest.approx(low, abs=1e-6)
    assert men["rate_high"] == pytest.approx(high, abs=1e-6)
    everyone = row(rows_, {})
    assert everyone["rate"] == pytest.approx((1 + 3 + 4 + 1) / 12, abs=1e-6)
    assert everyone["n_weighted"] == 12


def test_a_named_reference_replaces_the_largest_group() -> None:
    gender, status, amounts = _fixed()
    _, rows_ = analysed(
        people({"gender": gender}), [result(status, amounts)], policy=OPEN,
        reference={"gender": "man"},
    )  # fmt: skip
    women = row(rows_, {"gender": "woman"})
    assert row(rows_, {"gender": "man"})["reference"]
    assert women["difference"] == pytest.approx(35 / 45 - 12 / 30, abs=1e-6)


@pytest.mark.parametrize(
    ("reform_men", "widened"),
    [(20, False), (6, True)],  # men 12/30 -> 20/30 narrows the gap, -> 6/30 widens it
)
def test_a_reform_reports_each_gap_before_and_after(reform_men: int, widened: bool) -> None:
    from engine.equity import gaps

    gender, status, amounts = _fixed()
    after = [1.0] * reform_men + [0.0] * (30 - reform_men) + status[30:]
    analysis, rows_ = analysed(
        people({"gender": gender}), [result(status, amounts), result(after)], policy=OPEN
    )
    found = [g for g in gaps(analysis) if g["program"] == "h" and g["group"] == {"gender": "man"}]
    assert len(found) == 1
    gap = found[0]
    assert gap["reference"] == {"gender": "woman"}
    assert gap["gap_before"] == pytest.approx(12 / 30 - 35 / 45, abs=1e-6)
    assert gap["gap_after"] == pytest.approx(reform_men / 30 - 35 / 45, abs=1e-6)
    assert gap["gap_change"] == pytest.approx((reform_men - 12) / 30, abs=1e-6)
    assert gap["widened"] is widened
    assert row(rows_, {"gender": "man"}, run="reform")["rate"] == pytest.approx(
        reform_men / 30, abs=1e-6
    )
