"""A run's tables: cost and caseload by program and by province, winners and losers by income
decile and by province, as one JSON document and as CSV files (money in dollars to the cent,
counts weighted to the real population)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from engine.engine import Engine
from engine.scenarios.run import Plan
from engine.scenarios.tally import DECILES, Counts, Tally

__all__ = ["report", "write_report"]

_NO_PROVINCE = "unknown"


def _dollars(cents: int) -> float:
    return round(cents / 100, 2)


def _side(tally: Tally, run: int, p: int, where: slice | int) -> dict[str, Any]:
    return {
        "cost": _dollars(int(tally.cost[run, p, where].sum())),
        "households": int(tally.households[run, p, where].sum()),
        "persons": int(tally.persons[run, p, where].sum()),
        "undetermined_households": int(tally.undetermined[run, p, where].sum()),
        "unknown_amount_households": int(tally.unknown_amount[run, p, where].sum()),
    }


def _change(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {
        "cost": round(new["cost"] - base["cost"], 2),
        "households": new["households"] - base["households"],
        "persons": new["persons"] - base["persons"],
    }


def _winners(rows: Counts, labels: list[str], key: str) -> list[dict[str, Any]]:
    out = []
    for i, label in enumerate(labels):
        winners, losers, gained, lost = (int(v) for v in rows[:, i])
        out.append({
            key: label,
            "winners": winners,
            "losers": losers,
            "mean_gain": _dollars(gained // winners) if winners else 0.0,
            "mean_loss": _dollars(lost // losers) if losers else 0.0,
            "total_gain": _dollars(gained),
            "total_loss": _dollars(lost),
        })  # fmt: skip
    return out


def report(tally: Tally, plan: Plan, engine: Engine, reform_name: str | None) -> dict[str, Any]:
    """The run as one JSON-ready document."""
    provinces = [*plan.provinces, _NO_PROVINCE]
    reformed = reform_name is not None
    programs, by_province = [], []
    for p, pid in enumerate(plan.programs):
        jurisdiction = engine.catalog.programs[pid].program.jurisdiction
        row: dict[str, Any] = {
            "program": pid,
            "level": jurisdiction.level,
            "jurisdiction": jurisdiction.code,
            "baseline": _side(tally, 0, p, slice(None)),
        }
        if reformed:
            row["reform"] = _side(tally, 1, p, slice(None))
            row["change"] = _change(row["baseline"], row["reform"])
        programs.append(row)
        for r, province in enumerate(provinces):
            if not tally.households[:, p, r].any() and not tally.cost[:, p, r].any():
                continue
            cell: dict[str, Any] = {
                "program": pid,
                "province": province,
                "baseline": _side(tally, 0, p, r),
            }
            if reformed:
                cell["reform"] = _side(tally, 1, p, r)
                cell["change"] = _change(cell["baseline"], cell["reform"])
            by_province.append(cell)
    weighted_households, weighted_persons, households, persons = (int(v) for v in tally.population)
    out: dict[str, Any] = {
        "population": {
            "file": plan.population.name,
            "on": plan.on.isoformat(),
            "income_year": plan.year,
            "households": weighted_households,
            "persons": weighted_persons,
            "sample_households": households,
            "sample_persons": persons,
        },
        "reform": reform_name,
        "programs": programs,
        "by_province": by_province,
    }
    if reformed:
        deciles = [str(d) for d in range(1, DECILES + 1)]
        out["winners_losers"] = {
            "decile_cuts": [round(c, 2) for c in plan.cuts],
            "by_decile": _winners(tally.by_decile, deciles, "decile"),
            "by_province": _winners(tally.by_province, provinces, "province"),
        }
    return out


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def _csv(path: Path, rows: list[dict[str, Any]]) -> None:
    flat = [_flat(r) for r in rows]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(flat[0]) if flat else ["empty"])
        writer.writeheader()
        writer.writerows(flat)


def write_report(document: dict[str, Any], out: Path) -> list[Path]:
    """Write ``summary.json`` and the CSV tables into ``out`` (created); the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "summary.json"]
    written[0].write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    tables = {"programs.csv": document["programs"], "by_province.csv": document["by_province"]}
    if "winners_losers" in document:
        tables["winners_losers_by_decile.csv"] = document["winners_losers"]["by_decile"]
        tables["winners_losers_by_province.csv"] = document["winners_losers"]["by_province"]
    for name, rows in tables.items():
        _csv(out / name, rows)
        written.append(out / name)
    return written
