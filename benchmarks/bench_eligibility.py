"""`make bench`: population and loading figures, printed as JSON (one household's figures are
in bench_speed.py).

- a synthetic population of 1,000,000 persons in households, all programs, on ``--workers``
  forked processes (default 2: both cores): persons per second and peak memory (each run in a
  fresh process; the parent's peak plus each worker's), against one process and a trivial
  60-variable OpenFisca pass over the same households;
- loading the rule files: libyaml's parser (what the engine uses) against PyYAML's pure-Python
  one on the same files, and the whole `Engine.load` (parse, validate, compile);
- if policyengine-canada is importable (optional `compare` extra), its child benefit on the same
  household, and the ratio.

Targets (issue 18): >= 300,000 persons/s on both cores; <= 4 GiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from machine import Speed, measure  # noqa: E402
from synthetic import synthetic_population  # noqa: E402
from trivial_baseline import trivial_population, trivial_system  # noqa: E402

from engine import Engine  # noqa: E402

ENGINE = Engine.load()

AS_OF = dt.date(2026, 1, 15)
GIB = 1024**3


def _timings(fn: Callable[[], Any], count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def population_worker(n_persons: int, workers: int) -> dict[str, Any]:
    """One population run in this process (and its forked workers): throughput and peak
    memory (this process's, and the largest worker's)."""
    catalog = ENGINE.catalog
    population = synthetic_population(n_persons, AS_OF, catalog.base_years(AS_OF), catalog.facts)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    result = ENGINE.evaluate(population, workers=workers)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    eligible = {pid: int((s == 1.0).sum()) for pid, s in result.status.items()}
    start = time.perf_counter()
    trivial_population(trivial_system(), population.household_of, population.n_households)
    baseline = time.perf_counter() - start
    return {
        "persons": population.n_persons,
        "households": population.n_households,
        "seconds": seconds,
        "baseline_seconds": baseline,
        "peak_rss_bytes": peak,
        "worker_peak_rss_bytes": worker_peak,
        "rss_before_evaluation_bytes": rss_before,
        "eligible_households": eligible,
    }


def _population_runs(runs: int, n_persons: int, workers: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--population-worker", str(n_persons), str(workers)],
            capture_output=True,
            text=True,
            check=True,
        )
        out.append(json.loads(done.stdout))
    return out


def population(runs: int, n_persons: int, workers: int) -> dict[str, Any]:
    """Each run in a fresh process so peak memory is the run's own; ``workers`` processes
    share the households, against one process timed once in the same benchmark."""
    results = _population_runs(runs, n_persons, workers)
    alone = _population_runs(1, n_persons, 1)[0]
    rates = [r["persons"] / r["seconds"] for r in results]
    base_rates = [r["persons"] / r["baseline_seconds"] for r in results]
    # the parent and its workers all hold pages at once: the honest peak is their sum
    peak = statistics.median(
        r["peak_rss_bytes"] + workers * r["worker_peak_rss_bytes"] for r in results
    )
    rate = statistics.median(rates)
    return {
        "persons": results[0]["persons"],
        "households": results[0]["households"],
        "runs": runs,
        "workers": workers,
        "persons_per_second": round(rate),
        "seconds": round(statistics.median(r["seconds"] for r in results), 3),
        "one_process_persons_per_second": round(alone["persons"] / alone["seconds"]),
        "speedup_over_one_process": round(rate / (alone["persons"] / alone["seconds"]), 2),
        "baseline_trivial_openfisca_persons_per_second": round(statistics.median(base_rates)),
        "throughput_over_baseline": round(rate / statistics.median(base_rates), 3),
        "peak_memory_gib_parent_plus_workers": round(peak / GIB, 3),
        "target_persons_per_second": 300_000,
        "target_peak_memory_gib": 4.0,
        "meets_targets": rate >= 300_000 and peak <= 4 * GIB,
    }


#: programs both engines model, ours -> policyengine-canada's variable (the README household is
#: in Ontario: the federal ones and the Ontario child benefit)
SHARED_PROGRAMS = {
    "ca_ccb": "child_benefit",
    "ca_cdb": "child_disability_benefit",
    "ca_gst_credit": "gst_credit",
    "ca_cwb": "canada_workers_benefit",
    "on_ocb": "on_child_benefit",
    "ca_oas": "oas_net",
}


def policyengine_compare(runs: int, per_run: int) -> dict[str, Any]:
    """PolicyEngine Canada on the README household, when it is installed (the optional
    ``compare`` extra): its calculation of the programs both engines model against ours (core:
    statuses and amounts, the same programs), each call on a distinct household (incomes moved
    by a cent), so neither reuses an answer; per program amount, p50, and the ratio (target:
    ours >= 10x faster). Also its child benefit alone against our full check of a catalog
    holding only the Canada child benefit, as before.
    """
    try:
        from policyengine_canada import Simulation
    except ImportError:
        return {"available": False, "note": "pip install '.[compare]' to time policyengine-canada"}
    calls = iter(range(1, 10**9))

    def situation() -> dict[str, Any]:
        cents = next(calls) / 100
        return {
            "people": {
                "maria": {"age": {"2026": 34}, "employment_income": {"2026": 33_000 + cents}},
                "leo": {"age": {"2026": 2}},
            },
            "households": {"h": {"members": ["maria", "leo"], "province_str": {"2026": "ONTARIO"}}},
        }

    def theirs_ccb() -> None:
        Simulation(situation=situation()).calculate("child_benefit", 2026)

    def theirs_shared() -> None:
        simulation = Simulation(situation=situation())
        for variable in SHARED_PROGRAMS.values():
            simulation.calculate(variable, 2026)

    example = json.loads((ROOT / "examples" / "household.json").read_text())
    profiles = []
    for index in range(per_run * (runs + 1)):
        data = json.loads(json.dumps(example))
        data["household"]["members"][0]["employment_income"] += index / 100
        data["household"]["members"][0]["net_income"] += index / 100
        profiles.append(ENGINE.parse(data))
    households = iter(profiles * 10)

    def ours_shared() -> None:
        ENGINE.evaluate(ENGINE.population([next(households)]), programs=SHARED_PROGRAMS)

    profile = profiles[0]
    with tempfile.TemporaryDirectory() as tmp:
        only_ccb = Path(tmp) / "programs"
        only_ccb.mkdir()
        shutil.copy(ROOT / "rules" / "programs" / "ca" / "ca_ccb.yaml", only_ccb)
        ccb_engine = Engine.load(Path(tmp))
        timed = {
            "theirs_ccb": theirs_ccb,
            "theirs_shared": theirs_shared,
            "ours_shared": ours_shared,
            "ours_ccb": lambda: ccb_engine.check(profile),
        }
        for fn in timed.values():
            _timings(fn, 5)
        p50 = {
            name: statistics.median(statistics.median(_timings(fn, per_run)) for _ in range(runs))
            for name, fn in timed.items()
        }
    k = len(SHARED_PROGRAMS)
    theirs_each, ours_each = p50["theirs_shared"] / k, p50["ours_shared"] / k
    return {
        "available": True,
        "shared_programs": SHARED_PROGRAMS,
        "policyengine_shared_programs_p50_ms": round(p50["theirs_shared"] * 1000, 3),
        "lifeevents_shared_programs_core_p50_ms": round(p50["ours_shared"] * 1000, 3),
        "policyengine_per_program_amount_ms": round(theirs_each * 1000, 3),
        "lifeevents_per_program_amount_ms": round(ours_each * 1000, 3),
        "ratio_per_program_amount": round(theirs_each / ours_each, 1),
        "target_ratio": 10.0,
        "meets_target": theirs_each / ours_each >= 10.0,
        "policyengine_child_benefit_p50_ms": round(p50["theirs_ccb"] * 1000, 3),
        "lifeevents_check_ccb_only_p50_ms": round(p50["ours_ccb"] * 1000, 3),
        "ratio_policyengine_over_lifeevents_ccb_only": round(
            p50["theirs_ccb"] / p50["ours_ccb"], 2
        ),
    }


def rule_loading(runs: int) -> dict[str, Any]:
    """Parse every rule file with libyaml and with the pure-Python parser; load the engine."""
    import yaml

    from engine.catalog import _yaml

    files = sorted((ROOT / "rules").rglob("*.yaml"))

    def parse_all() -> None:
        for file in files:
            _yaml.load_located(file)

    fast = _yaml._LOADER
    medians: dict[str, float] = {}
    for name, loader in (("libyaml", fast), ("pure_python", yaml.SafeLoader)):
        _yaml._LOADER = loader
        try:
            medians[name] = statistics.median(_timings(parse_all, runs))
        finally:
            _yaml._LOADER = fast
    load = statistics.median(_timings(Engine.load, max(3, runs // 2)))
    return {
        "files": len(files),
        "parse_libyaml_ms": round(medians["libyaml"] * 1000, 1),
        "parse_pure_python_ms": round(medians["pure_python"] * 1000, 1),
        "ratio_pure_python_over_libyaml": round(medians["pure_python"] / medians["libyaml"], 1),
        "engine_load_ms": round(load * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--population-runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--population-worker", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.population_worker:
        print(json.dumps(population_worker(*args.population_worker)))
        return
    before = measure()
    report: dict[str, Any] = {
        "benchmark": "eligibility",
        "python": sys.version.split()[0],
        "rule_loading": rule_loading(args.runs + 2),
        "population": population(args.population_runs, args.persons, args.workers),
        "policyengine_canada": policyengine_compare(3, 50),
    }
    # the population's throughput at the machine's speed when the targets were set (the
    # trivial household timed before and after: machine.py)
    speed = Speed.of(before, measure())
    rate = speed.rate(report["population"]["persons_per_second"])
    report["population"]["at_reference_speed"] = {
        **speed.as_json(),
        "persons_per_second": rate,
        "meets_target": rate >= 300_000,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
