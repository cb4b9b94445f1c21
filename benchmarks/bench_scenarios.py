"""`make bench`: policy scenario figures (issue 22), printed as JSON.

Stages on the `canada` spec at ``--persons`` (default 1,000,000), each timed: generate and write
the Parquet file, plan (checks and income deciles), baseline and reform run with aggregates (the
CCB maxima +10% reform), and the same run on a local Dask cluster of two workers beside the
in-memory one; peak memory of the whole run (each run in a fresh process, so peaks are not
shared). Also: building a reform (median of several) and one reformed household's full check,
against the baseline engine's check of the same household timed in the same run.

Targets: 1,000,000 persons generate + baseline + reform + aggregates <= 10 s and <= 4 GiB;
building a reform <= 1 s; one reformed household <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import Engine  # noqa: E402

SPEC = ROOT / "scenarios" / "populations" / "canada.yaml"
REFORM = ROOT / "scenarios" / "reforms" / "ccb_maxima_plus_10.yaml"
HOUSEHOLD = {
    "as_of": "2025-01-01",
    "household": {
        "province": "ON",
        "members": [
            {"id": "a", "role": "applicant", "date_of_birth": "1988-04-02",
             "marital_status": "married", "residency_status": "citizen", "net_income": 38000},
            {"id": "b", "role": "spouse", "date_of_birth": "1987-01-20",
             "marital_status": "married", "residency_status": "citizen", "net_income": 21000},
            {"id": "c", "role": "child", "date_of_birth": "2021-09-01", "custody": "full"},
        ],
    },
}  # fmt: skip


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def stages(persons: int, dask: bool) -> dict[str, Any]:
    """One whole run in this process: each stage's seconds and the peak memory."""
    from engine.scenarios import generate, load_spec, write_population
    from engine.scenarios.run import plan, run

    engine = Engine.load()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pop.parquet"
        started = time.perf_counter()
        spec = load_spec(SPEC, engine.catalog.facts)
        population = generate(spec, engine.catalog.facts, size=persons)
        out["generate_s"] = time.perf_counter() - started
        write_population(population, engine.catalog.facts, path)
        out["persons"] = population.n_persons
        del population
        out["generate_and_write_s"] = time.perf_counter() - started
        mark = time.perf_counter()
        the_plan = plan(path, reform=REFORM)
        out["plan_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        tally = run(the_plan)
        out["baseline_and_reform_s"] = time.perf_counter() - mark
        out["total_s"] = time.perf_counter() - started
        out["peak_gib"] = _peak_gib()
        if dask:
            from distributed import Client, LocalCluster

            with (
                LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
                Client(cluster) as client,
            ):
                mark = time.perf_counter()
                there = run(the_plan, client=client)
                out["dask_baseline_and_reform_s"] = time.perf_counter() - mark
            out["dask_equals_in_memory"] = bool((there.cost == tally.cost).all())
    return out


def _in_fresh_process(persons: int, dask: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--stages-worker", str(persons)] + (
        ["--dask"] if dask else []
    )
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def reform_and_household(runs: int) -> dict[str, Any]:
    """Building a reform, and one household's full check on the reformed and the law's engine."""
    from engine.scenarios.reforms import reformed

    engine = Engine.load()
    builds = []
    for _ in range(runs):
        mark = time.perf_counter()
        _, reform = reformed(engine, REFORM)
        builds.append(time.perf_counter() - mark)
    for e in (engine, reform):  # warm up
        e.check(HOUSEHOLD)
    base, new = [], []
    for _ in range(runs * 10):
        mark = time.perf_counter()
        engine.check(HOUSEHOLD)
        base.append(time.perf_counter() - mark)
        mark = time.perf_counter()
        reform.check(HOUSEHOLD)
        new.append(time.perf_counter() - mark)
    return {
        "build_reform_s_median": round(statistics.median(builds), 3),
        "reformed_household_ms_p50": round(statistics.median(new) * 1000, 1),
        "law_household_ms_p50": round(statistics.median(base) * 1000, 1),
        "reformed_to_law_ratio": round(statistics.median(new) / statistics.median(base), 2),
        "targets": {"build_reform_s": 1.0, "reformed_household_ms": 50},
    }


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--stages-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dask", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages_worker:
        print(json.dumps(stages(args.stages_worker, args.dask)))
        return
    runs = [_in_fresh_process(args.persons, False) for _ in range(args.runs)]
    dask = None if args.no_dask else _in_fresh_process(args.persons, True)

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 2)

    figures: dict[str, Any] = {
        "persons": runs[0]["persons"],
        "runs": len(runs),
        "generate_and_write_s": median("generate_and_write_s"),
        "plan_s": median("plan_s"),
        "baseline_and_reform_s": median("baseline_and_reform_s"),
        "total_s": median("total_s"),
        "peak_gib": median("peak_gib"),
        "targets": {"total_s": 10, "peak_gib": 4},
    }
    if dask is not None:
        figures["dask_two_workers"] = {
            "baseline_and_reform_s": round(dask["dask_baseline_and_reform_s"], 2),
            "in_memory_same_process_s": round(dask["baseline_and_reform_s"], 2),
            "equals_in_memory_to_the_cent": dask["dask_equals_in_memory"],
        }
    figures["reform_and_household"] = reform_and_household(args.runs)
    print(json.dumps({"scenarios": figures}, indent=2))


if __name__ == "__main__":
    main()
