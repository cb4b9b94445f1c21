"""A disparity check from merged counts: the tables, suppression, comparisons to a reference
group, Holm's correction and, for a reform, the change in every gap; then the published rows
(nothing suppressed in them, counts rounded where the policy says).

The reference of a table is the cell named by ``reference`` (one level per attribute of the
table) when it is published, else the table's largest published cell (by weighted units). The
family of Holm's correction is every published comparison of a run (all tables and programs):
an analyst reads them together. A gap is a group's rate minus the reference's (and its mean
amount minus the reference's); under a reform, a gap widens when its size grows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from math import isfinite
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.equity import stats
from engine.equity.counts import GroupCounts
from engine.equity.layout import Layout
from engine.equity.suppress import Policy, Structure, round_counts
from engine.equity.tables import Table, marginal
from engine.errors import InputError
from engine.kleene import Array

__all__ = ["COUNTS", "Analysis", "analyse", "check_options", "gaps", "rows"]

#: published counts (randomly rounded under a rounding policy)
COUNTS = (
    "n", "n_weighted", "determined", "eligible", "eligible_weighted", "undetermined",
    "undetermined_weighted", "unknown_amount", "recipients", "recipients_weighted",
)  # fmt: skip
_RATES = ("rate", "rate_low", "rate_high", "difference", "ratio", "p_value", "p_holm")
_AMOUNTS = ("mean_amount", "mean_low", "mean_high", "total_amount", "total_low", "total_high")
_PUBLISHED = (*COUNTS, *_RATES)
_WIDEN = 1e-12


@dataclass
class Analysis:
    """Tables with their figures, what is hidden, and the comparisons.

    Attributes:
        counts: the merged counts.
        policy: the suppression policy.
        tables: every published table.
        hidden: per table, cells hidden (runs, programs, cells): every figure.
        hidden_amounts: per table, cells whose amount figures are hidden.
        reference: per table, the reference cell of each program (-1: none).
    """

    counts: GroupCounts
    policy: Policy
    tables: list[Table]
    hidden: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    hidden_amounts: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    reference: list[npt.NDArray[np.int64]] = field(default_factory=list)


def _lines(table: Table) -> list[list[int]]:
    """For each cell, the cells of its table that differ in exactly one attribute."""
    out = []
    for cell in table.cells:
        out.append([
            j for j, other in enumerate(table.cells)
            if sum(a != b for a, b in zip(cell, other, strict=True)) == 1
        ])  # fmt: skip
    return out


def _structure(tables: list[Table]) -> tuple[Structure, list[slice]]:
    members: list[npt.NDArray[np.int64]] = []
    owners: list[int] = []
    lines: list[list[int]] = []
    spans: list[slice] = []
    for t, table in enumerate(tables):
        start = len(members)
        members.extend(table.members)
        owners.extend([t] * len(table.cells))
        lines.extend([[start + j for j in line] for line in _lines(table)])
        spans.append(slice(start, len(members)))
    index = {table.dims: t for t, table in enumerate(tables)}
    relations: list[tuple[int, list[int]]] = []
    for t, table in enumerate(tables):
        for drop in range(len(table.dims)):
            kept = table.dims[:drop] + table.dims[drop + 1 :]
            margin = index[kept]
            where = {cell: spans[margin].start + j for j, cell in enumerate(tables[margin].cells)}
            parts: dict[int, list[int]] = {}
            for j, cell in enumerate(table.cells):
                key = cell[:drop] + cell[drop + 1 :]
                parts.setdefault(where[key], []).append(spans[t].start + j)
            relations.extend(parts.items())
    return Structure(members, owners, lines, relations), spans


def _suppress(analysis: Analysis, structure: Structure, spans: list[slice]) -> None:
    counts, policy = analysis.counts, analysis.policy
    runs, programs = counts.runs, len(counts.programs)
    n = np.concatenate([t.figures["n"] for t in analysis.tables], axis=2)
    recipients = np.concatenate([t.figures["recipients"] for t in analysis.tables], axis=2)
    hidden = np.zeros(n.shape, dtype=bool)
    hidden_amounts = np.zeros(n.shape, dtype=bool)
    for r in range(runs):
        for p in range(programs):
            sizes = n[r, p].astype(np.int64)
            hidden[r, p] = structure.pattern(sizes < policy.threshold, sizes)
            primary = hidden[r, p] | (recipients[r, p] < policy.amount_threshold)
            hidden_amounts[r, p] = structure.pattern(primary, recipients[r, p].astype(np.int64))
    analysis.hidden = [hidden[:, :, s] for s in spans]
    analysis.hidden_amounts = [hidden_amounts[:, :, s] for s in spans]


def _reference_of(
    table: Table, hidden: npt.NDArray[np.bool_], chosen: Mapping[str, str]
) -> npt.NDArray[np.int64]:
    """Per program, the reference cell (from run 0; -1 when every cell is hidden)."""
    weights = np.where(hidden[0], -1.0, table.figures["n_weighted"][0])
    largest = np.where(weights.max(axis=-1) >= 0, weights.argmax(axis=-1), -1)
    if table.attributes and all(a in chosen for a in table.attributes):
        wanted = tuple(chosen[a] for a in table.attributes)
        if wanted in table.cells:
            at = table.cells.index(wanted)
            return np.where(~hidden[0, :, at], at, largest).astype(np.int64)
    return largest.astype(np.int64)


def _compare(
    table: Table,
    hidden: npt.NDArray[np.bool_],
    hidden_amounts: npt.NDArray[np.bool_],
    ref: npt.NDArray[np.int64],
) -> None:
    f = table.figures
    programs = np.arange(len(ref))
    safe = np.maximum(ref, 0)

    def at_ref(name: str) -> Array:
        return np.asarray(f[name][:, programs, safe][..., None])

    rate, rate_ref = f["rate"], at_ref("rate")
    f["difference"] = rate - rate_ref
    f["ratio"] = np.divide(rate, rate_ref, out=np.full(rate.shape, np.nan), where=rate_ref > 0)
    p = stats.two_proportion(rate, f["n_eff"], rate_ref, at_ref("n_eff"))
    is_ref = np.arange(len(table.cells))[None, :] == ref[:, None]
    no_ref = (ref < 0)[:, None]
    p = np.where(is_ref[None] | no_ref[None] | hidden, np.nan, p)
    f["p_value"] = p
    f["four_fifths"] = stats.four_fifths(rate, rate_ref) & ~is_ref[None]
    mean_ref = at_ref("mean_amount")
    amount_ref_hidden = np.take_along_axis(hidden_amounts, safe[None, :, None], axis=2)
    f["amount_difference"] = np.where(amount_ref_hidden, np.nan, f["mean_amount"] - mean_ref)


def check_options(layout: Layout, intersections: int, reference: Mapping[str, str]) -> None:
    """Refuse options a run's layout cannot serve.

    Raises:
        InputError: ``intersections`` outside 1 to 3, or a reference level the run does not
            have (the option and the reason).
    """
    if not 1 <= intersections <= 3:
        raise InputError(
            "intersections",
            f"1, 2 or 3, not {intersections}",
            fr=f"1, 2 ou 3, et non {intersections}",
        )
    for attribute, level in reference.items():
        if attribute not in layout.attributes:
            raise InputError(
                f"reference/{attribute}",
                f"'{attribute}' is not among the groups asked for",
                fr=f"'{attribute}' ne fait pas partie des groupes demandés",
            )
        levels = layout.levels[layout.attributes.index(attribute)]
        if level not in levels:
            raise InputError(
                f"reference/{attribute}",
                f"'{attribute}' has no level '{level}' (it has: {', '.join(levels)})",
                fr=f"'{attribute}' n'a pas de niveau '{level}' (il a : {', '.join(levels)})",
            )


def analyse(
    counts: GroupCounts,
    policy: Policy,
    *,
    intersections: int = 1,
    reference: Mapping[str, str] | None = None,
) -> Analysis:
    """Every table, suppressed and compared.

    Raises:
        InputError: ``intersections`` outside 1 to 3, or a reference level the run does not have.
    """
    chosen = dict(reference or {})
    check_options(counts.layout, intersections, chosen)
    tables = [marginal(counts, dims) for dims in counts.layout.tables(intersections)]
    analysis = Analysis(counts, policy, tables)
    # whether a hidden cell can be worked out depends on which cells are hidden, not on what
    # they count: one structure serves persons and households, every run and program
    structure, spans = _structure(tables)
    _suppress(analysis, structure, spans)
    hidden, hidden_amounts = analysis.hidden, analysis.hidden_amounts
    for t, table in enumerate(tables):
        ref = _reference_of(table, hidden[t], chosen)
        analysis.reference.append(ref)
        _compare(table, hidden[t], hidden_amounts[t], ref)
    for run in range(counts.runs):
        family = np.concatenate([t.figures["p_value"][run].ravel() for t in tables])
        adjusted = stats.holm(family)
        at = 0
        for table in tables:
            size = table.figures["p_value"][run].size
            table.figures.setdefault("p_holm", np.full(table.figures["p_value"].shape, np.nan))
            table.figures["p_holm"][run] = adjusted[at : at + size].reshape(
                table.figures["p_value"][run].shape
            )
            at += size
    return analysis


def _listed(values: Array, digits: int | None) -> list[Any]:
    """An array as nested lists of floats, rounded (``digits``) or to 6 significant digits
    (``None``: p-values keep their small digits), NaN as None."""
    if digits is None:
        flat = [float(f"{v:.6g}") if isfinite(v) else None for v in np.ravel(values).tolist()]
    else:
        rounded = np.round(values, digits).ravel().tolist()
        flat = [v if isfinite(v) else None for v in rounded]
    out: Any = flat
    for size in reversed(np.shape(values)[1:]):
        out = [out[i : i + size] for i in range(0, len(out), size)]
    return list(out)


def rows(analysis: Analysis) -> list[dict[str, Any]]:
    """The published rows: one per table, cell, program and run; a hidden cell keeps only its
    labels and ``suppressed: true``."""
    counts, policy = analysis.counts, analysis.policy
    rng = np.random.default_rng(policy.seed)
    run_names = ("baseline", "reform")
    out: list[dict[str, Any]] = []
    for t, table in enumerate(analysis.tables):
        f = table.figures
        uniforms = rng.random(len(table.cells))
        figures: dict[str, Any] = {
            k: np.rint(round_counts(f[k], policy.rounding, uniforms)).astype(np.int64).tolist()
            for k in COUNTS
        }
        figures.update({k: _listed(f[k], 6) for k in _RATES if k not in ("p_value", "p_holm")})
        figures.update({k: _listed(f[k], None) for k in ("p_value", "p_holm")})
        figures.update({k: _listed(f[k], 2) for k in (*_AMOUNTS, "amount_difference")})
        flags = f["four_fifths"].tolist()
        hidden, hidden_amounts = analysis.hidden[t].tolist(), analysis.hidden_amounts[t].tolist()
        ref = analysis.reference[t].tolist()
        groups = [dict(zip(table.attributes, cell, strict=True)) for cell in table.cells]
        for p, pid in enumerate(counts.programs):
            for c in range(len(table.cells)):
                for r in range(counts.runs):
                    row: dict[str, Any] = {
                        "table": table.name,
                        "group": dict(groups[c]),
                        "program": pid,
                        "entity": counts.entities[p],
                        "run": run_names[r],
                        "reference": ref[p] == c,
                        "suppressed": hidden[r][p][c],
                    }
                    if not row["suppressed"]:
                        for k in _PUBLISHED:
                            row[k] = figures[k][r][p][c]
                        holm = row["p_holm"]
                        row["significant"] = holm is not None and holm < 0.05
                        row["four_fifths"] = flags[r][p][c]
                        row["amount_suppressed"] = hidden_amounts[r][p][c]
                        if not row["amount_suppressed"]:
                            for k in (*_AMOUNTS, "amount_difference"):
                                row[k] = figures[k][r][p][c]
                    out.append(row)
    return out


def gaps(analysis: Analysis) -> list[dict[str, Any]]:
    """For a reform: each published gap before and after, its change, and whether it widens
    (rates, and mean amounts where both runs publish them)."""
    counts = analysis.counts
    if counts.runs < 2:
        return []
    out: list[dict[str, Any]] = []
    for t, table in enumerate(analysis.tables):
        f = table.figures
        ref = analysis.reference[t]
        for p, pid in enumerate(counts.programs):
            for c, cell in enumerate(table.cells):
                if ref[p] == c or ref[p] < 0 or analysis.hidden[t][:, p, c].any():
                    continue
                before, after = f["difference"][0, p, c], f["difference"][1, p, c]
                if not (np.isfinite(before) and np.isfinite(after)):
                    continue
                row: dict[str, Any] = {
                    "table": table.name,
                    "group": dict(zip(table.attributes, cell, strict=True)),
                    "reference": dict(zip(table.attributes, table.cells[ref[p]], strict=True)),
                    "program": pid,
                    "gap_before": round(float(before), 6),
                    "gap_after": round(float(after), 6),
                    "gap_change": round(float(after - before), 6),
                    "widened": bool(abs(after) > abs(before) + _WIDEN),
                }
                a0, a1 = f["amount_difference"][0, p, c], f["amount_difference"][1, p, c]
                amounts = not analysis.hidden_amounts[t][:, p, c].any()
                if amounts and np.isfinite(a0) and np.isfinite(a1):
                    row.update({
                        "amount_gap_before": round(float(a0), 2),
                        "amount_gap_after": round(float(a1), 2),
                        "amount_gap_change": round(float(a1 - a0), 2),
                        "amount_widened": bool(abs(a1) > abs(a0) + 0.005),
                    })  # fmt: skip
                out.append(row)
    return out
