"""Disparity checks by group (issue 23), printed as JSON.

The `canada` spec at ``--persons`` (default 1,000,000), 8 attributes (gender, Indigenous
identity, racialized, newcomer, official-language minority, rural/remote, age band, disability),
every two-way intersection, every program, baseline and the CCB maxima +10% reform.

Two parts, timed apart:
- the population's evaluation (baseline and reform, chunk by chunk of a population file's row
  group, in this one process): the engine's, slow today and the subject of issue 18, not of this
  benchmark's target;
- the equity computation on top of the evaluated results: counting every chunk by group cell,
  merging, the tables, suppression with complementary suppression, the statistics and tests,
  the reform's gap changes and the published rows. Target: <= 5 s. Writing the files (JSON, CSV,
  the two HTML pages) is timed beside it.

Both are printed also at the machine's speed when the targets were set (the trivial household
timed before and after: :mod:`machine`).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import Engine  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import Speed, measure  # noqa: E402

SPEC = ROOT / "scenarios" / "populations" / "canada.yaml"
REFORM = ROOT / "scenarios" / "reforms" / "ccb_maxima_plus_10.yaml"
BY = (
    "gender", "indigenous_identity", "racialized", "newcomer", "official_language_minority",
    "rural_remote", "age_band", "disability",
)  # fmt: skip


def main() -> None:
    """Run the benchmark and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    args = parser.parse_args()

    from engine.equity import GroupCounts, Layout, Policy, analyse
    from engine.equity.analysis import gaps, rows
    from engine.equity.layout import group_values
    from engine.equity.report import document, write_report
    from engine.equity.run import program_names, programs_of
    from engine.scenarios import generate, load_spec
    from engine.scenarios.parquet import HOUSEHOLDS_PER_GROUP as CHUNK  # a file's row group
    from engine.scenarios.reforms import reformed

    engine = Engine.load()
    before = measure()
    reform = reformed(engine, REFORM)[1]
    facts = engine.catalog.facts
    population = generate(load_spec(SPEC, facts), facts, size=args.persons)
    fact = facts["province"]
    provinces = tuple((float(fact.code(p)), p) for p in fact.values)

    # levels are read once from the whole population, as a plan reads a file's columns
    levels = {a: set(group_values(population, a, provinces).tolist()) for a in BY}
    layout = Layout.of(BY, levels)
    programs, entities = programs_of(engine, reform)
    total = GroupCounts(layout, programs, entities, 2)
    evaluation_s = counted_s = 0.0
    for start in range(0, population.n_households, CHUNK):
        chunk = population.slice(start, start + CHUNK)
        began = time.perf_counter()
        results = [engine.evaluate(chunk), reform.evaluate(chunk)]
        evaluated = time.perf_counter()
        part = GroupCounts(layout, programs, entities, 2)  # as a worker would, then merged
        part.add(chunk, results, provinces)
        total += part
        counted_s += time.perf_counter() - evaluated
        evaluation_s += evaluated - began
    started = time.perf_counter() - counted_s  # the equity clock: counting so far, then on
    analysis = analyse(total, Policy.named("default"), intersections=2)
    analysed_s = time.perf_counter() - started
    published, changes = rows(analysis), gaps(analysis)
    equity_s = time.perf_counter() - started

    print(f"evaluation {evaluation_s:.1f} s, equity {equity_s:.2f} s", file=sys.stderr, flush=True)
    about = {"population": "canada", **total.totals(), "on": population.as_of.isoformat(),
             "reform": REFORM.stem, "intersections": 2}  # fmt: skip
    started = time.perf_counter()
    doc = document(analysis, about=about, names=program_names(engine, reform))
    with tempfile.TemporaryDirectory() as folder:
        written = write_report(doc, Path(folder))
        sizes = {p.name: p.stat().st_size for p in written}
    files_s = time.perf_counter() - started

    figures: dict[str, Any] = {
        "persons": population.n_persons,
        "households": population.n_households,
        "attributes": len(BY),
        "tables": len(analysis.tables),
        "cells": sum(len(t.cells) for t in analysis.tables),
        "programs": len(programs),
        "published_rows": len(published),
        "suppressed_rows": sum(r["suppressed"] for r in published),
        "gap_rows": len(changes),
        "evaluation_s (engine, issue 18)": round(evaluation_s, 2),
        "equity_s (target <= 5)": round(equity_s, 2),
        "equity_count_s": round(counted_s, 2),
        "equity_analyse_s": round(analysed_s - counted_s, 2),
        "equity_rows_s": round(equity_s - analysed_s, 2),
        "files_s": round(files_s, 2),
        "file_bytes": sizes,
        "peak_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }
    speed = Speed.of(before, measure())
    figures["at_reference_speed"] = {
        **speed.as_json(),
        "evaluation_s": round(speed.time_ms(evaluation_s * 1000) / 1000, 2),
        "equity_s": round(speed.time_ms(equity_s * 1000) / 1000, 2),
        "meets_target": speed.time_ms(equity_s * 1000) <= 5000,
    }
    figures["meets_target"] = equity_s <= 5
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
