"""Disparity checks by group: additive counts by group cell (merged across row groups, forked
workers or a Dask cluster), rates with Wilson intervals, two-proportion tests with Holm's
correction, the four-fifths flag, amounts with intervals, small-cell suppression with
complementary suppression, reform gap changes; JSON, CSV and an offline HTML report."""

from engine.equity.analysis import Analysis, analyse, gaps, rows
from engine.equity.counts import GroupCounts
from engine.equity.layout import Layout
from engine.equity.suppress import PRESETS, Policy

__all__ = ["PRESETS", "Analysis", "GroupCounts", "Layout", "Policy", "analyse", "gaps", "rows"]
