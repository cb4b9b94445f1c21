"""`make bench`: policy scenario figures (issue 22), printed as JSON.

Stages on the `canada` spec at ``--persons`` (default 1,000,000), each in its own process as the
two commands are: generate and write the Parquet file; plan (checks and income deciles), then
baseline and reform with aggregates (the CCB maxima +10% reform) on ``--workers`` forked
processes (and once on one process, for the ratio); the same run on a local Dask cluster beside
the in-memory one; the peak memory of each process (a run's: the parent's peak plus each forked
worker's, an upper bound since the workers share the engines' pages). Also: building a reform
(median of several) and one reformed household's full check, against the law's engine's check
of the same household, timed in the same run.

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


def _children_peak_gib() -> float:
    """The largest peak of the forked workers (0 when none ran)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20


def generate_stage(persons: int, path: Path) -> dict[str, Any]:
    """Generate and write the population (its own process, as ``scenario generate`` is)."""
    from engine.scenarios import generate, load_spec, write_population

    engine = Engine.load()
    started = time.perf_counter()
    spec = load_spec(SPEC, engine.catalog.facts)
    population = generate(spec, engine.catalog.facts, size=persons)
    generated = time.perf_counter() - started
    write_population(population, engine.catalog.facts, path)
    return {
        "persons": population.n_persons,
        "generate_s": generated,
        "generate_and_write_s": time.perf_counter() - started,
        "peak_gib": _peak_gib(),
    }


def run_stage(path: Path, workers: int, dask: bool) -> dict[str, Any]:
    """Plan, then baseline and reform with their aggregates (its own process, as
    ``scenario run`` is), in memory on ``workers`` processes or on a local Dask cluster."""
    from engine.scenarios.run import plan, run

    started = time.perf_counter()
    the_plan = plan(path, reform=REFORM)
    planned = time.perf_counter() - started
    if dask:
        from distributed import Client, LocalCluster

        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as c,
            Client(c) as client,
        ):
            mark = time.perf_counter()
            tally = run(the_plan, client=client)
    else:
        mark = time.perf_counter()
        tally = run(the_plan, workers=workers)
    return {
        "plan_s": planned,
        "baseline_and_reform_s": time.perf_counter() - mark,
        "cost_cents": int(tally.cost.sum()),
        "peak_gib": _peak_gib() + (0 if dask else workers * _children_peak_gib()),
    }


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
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
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--generate-stage", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--run-stage", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_stage:
        print(json.dumps(generate_stage(int(args.generate_stage[0]), Path(args.generate_stage[1]))))
        return
    if args.run_stage:
        path, workers, dask = args.run_stage
        print(json.dumps(run_stage(Path(path), int(workers), dask == "dask")))
        return
    # per run: the generation stage, the run on the workers, the run on one (the first only)
    runs: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]] = []
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "pop.parquet")
        for _ in range(args.runs):
            made = _child("--generate-stage", str(args.persons), path)
            ran = _child("--run-stage", path, str(args.workers), "memory")
            one = _child("--run-stage", path, "1", "memory") if not runs else None
            runs.append((made, ran, one))
        dask = None if args.no_dask else _child("--run-stage", path, str(args.workers), "dask")

    def median(stage: int, key: str) -> float:
        return round(float(statistics.median((r[stage] or {})[key] for r in runs)), 2)

    one = runs[0][2] or {}
    figures: dict[str, Any] = {
        "persons": runs[0][0]["persons"],
        "runs": len(runs),
        "workers": args.workers,
        "generate_and_write_s": median(0, "generate_and_write_s"),
        "plan_s": median(1, "plan_s"),
        "baseline_and_reform_s": median(1, "baseline_and_reform_s"),
        "total_s": round(
            statistics.median(
                r[0]["generate_and_write_s"] + r[1]["plan_s"] + r[1]["baseline_and_reform_s"]
                for r in runs
            ),
            2,
        ),
        "peak_gib": max(median(0, "peak_gib"), median(1, "peak_gib")),
        "one_process_baseline_and_reform_s": round(one.get("baseline_and_reform_s", 0.0), 2),
        "targets": {"total_s": 10, "peak_gib": 4},
    }
    if dask is not None:
        figures["dask_local_cluster"] = {
            "workers": args.workers,
            "baseline_and_reform_s": round(dask["baseline_and_reform_s"], 2),
            "in_memory_s": figures["baseline_and_reform_s"],
            "equals_in_memory_to_the_cent": dask["cost_cents"] == runs[0][1]["cost_cents"],
        }
    figures["reform_and_household"] = reform_and_household(args.runs)
    print(json.dumps({"scenarios": figures}, indent=2))


if __name__ == "__main__":
    main()
