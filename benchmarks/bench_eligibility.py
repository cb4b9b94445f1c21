"""`make bench`: eligibility figures, printed as JSON.

- one household (the CONTRACTS.md example), all programs, in-process, after warm-up: p50 and p99
  of the full check (statuses, amounts, explanations, missing facts, next question) and of the
  core evaluation (statuses and amounts only); medians over several runs; ratio to a trivial
  OpenFisca household (60 variables, SimulationBuilder) timed in the same run;
- a synthetic population of 1,000,000 persons in households, all programs: persons per second
  and peak memory (each run in a fresh process), with the ratio to a trivial 60-variable
  OpenFisca pass over the same households;
- loading the rule files: libyaml's parser (what the engine uses) against PyYAML's pure-Python
  one on the same files, and the whole `Engine.load` (parse, validate, compile);
- if policyengine-canada is importable (optional `compare` extra), its child benefit on the same
  household, and the ratio.

Targets (issue 3): p50 <= 5 ms per household; >= 200,000 persons/s; <= 4 GiB.
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

from synthetic import synthetic_population  # noqa: E402
from trivial_baseline import trivial_household, trivial_population, trivial_system  # noqa: E402

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


def single_household(runs: int, per_run: int, warmup: int) -> dict[str, Any]:
    """p50/p99 of one household, medians over ``runs`` runs of ``per_run`` checks."""
    profile = ENGINE.parse(json.loads((ROOT / "examples" / "household.json").read_text()))
    catalog = ENGINE.catalog

    def core() -> None:
        ENGINE.evaluate(ENGINE.population([profile]))

    def check() -> None:
        ENGINE.check(profile)

    system = trivial_system()
    rows: dict[str, list[float]] = {
        k: [] for k in ("check_p50", "check_p99", "core_p50", "core_p99", "base_p50")
    }
    for fn in (check, core, lambda: trivial_household(system)):
        _timings(fn, warmup)
    for _ in range(runs):
        full = _timings(check, per_run)
        evaluation = _timings(core, per_run)
        base = _timings(lambda: trivial_household(system), per_run)
        rows["check_p50"].append(statistics.median(full))
        rows["check_p99"].append(_percentile(full, 0.99))
        rows["core_p50"].append(statistics.median(evaluation))
        rows["core_p99"].append(_percentile(evaluation, 0.99))
        rows["base_p50"].append(statistics.median(base))
    ms = {k: round(statistics.median(v) * 1000, 3) for k, v in rows.items()}
    return {
        "household": "examples/household.json",
        "programs": len(catalog.programs),
        "runs": runs,
        "checks_per_run": per_run,
        "check_p50_ms": ms["check_p50"],
        "check_p99_ms": ms["check_p99"],
        "core_p50_ms": ms["core_p50"],
        "core_p99_ms": ms["core_p99"],
        "baseline_trivial_openfisca_household_p50_ms": ms["base_p50"],
        "check_p50_over_baseline": round(ms["check_p50"] / ms["base_p50"], 2),
        "target_p50_ms": 5.0,
        "check_p50_meets_target": ms["check_p50"] <= 5.0,
        "core_p50_meets_target": ms["core_p50"] <= 5.0,
    }


def population_worker(n_persons: int) -> dict[str, Any]:
    """One population run in this process: throughput and peak memory."""
    catalog = ENGINE.catalog
    population = synthetic_population(n_persons, AS_OF, catalog.base_years(AS_OF), catalog.facts)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    result = ENGINE.evaluate(population)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
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
        "rss_before_evaluation_bytes": rss_before,
        "eligible_households": eligible,
    }


def population(runs: int, n_persons: int) -> dict[str, Any]:
    """Each run in a fresh process so peak memory is the run's own."""
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--population-worker", str(n_persons)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))
    rates = [r["persons"] / r["seconds"] for r in results]
    base_rates = [r["persons"] / r["baseline_seconds"] for r in results]
    peak = statistics.median(r["peak_rss_bytes"] for r in results)
    return {
        "persons": results[0]["persons"],
        "households": results[0]["households"],
        "runs": runs,
        "persons_per_second": round(statistics.median(rates)),
        "seconds": round(statistics.median(r["seconds"] for r in results), 3),
        "baseline_trivial_openfisca_persons_per_second": round(statistics.median(base_rates)),
        "throughput_over_baseline": round(
            statistics.median(rates) / statistics.median(base_rates), 3
        ),
        "peak_memory_gib": round(peak / GIB, 3),
        "target_persons_per_second": 200_000,
        "target_peak_memory_gib": 4.0,
        "meets_targets": statistics.median(rates) >= 200_000 and peak <= 4 * GIB,
    }


def policyengine_compare(runs: int, per_run: int) -> dict[str, Any]:
    """PolicyEngine Canada's child benefit on the example household, when it is installed.

    Compared two ways: with our full check (nine programs, explanations, next question) and
    with our check on a catalog holding only the Canada child benefit.
    """
    try:
        from policyengine_canada import Simulation  # type: ignore[import-not-found]
    except ImportError:
        return {"available": False, "note": "pip install '.[compare]' to time policyengine-canada"}
    situation = {
        "people": {
            "maria": {"age": {"2026": 34}, "employment_income": {"2026": 33_000}},
            "leo": {"age": {"2026": 2}},
        },
        "households": {"h": {"members": ["maria", "leo"], "province_str": {"2026": "ONTARIO"}}},
    }

    def theirs() -> None:
        Simulation(situation=situation).calculate("child_benefit", 2026)

    profile = ENGINE.parse(json.loads((ROOT / "examples" / "household.json").read_text()))
    with tempfile.TemporaryDirectory() as tmp:
        only_ccb = Path(tmp) / "programs"
        only_ccb.mkdir()
        shutil.copy(ROOT / "rules" / "programs" / "ca" / "ca_ccb.yaml", only_ccb)
        ccb_engine = Engine.load(Path(tmp))
        timed = {
            "theirs": theirs,
            "ours_all": lambda: ENGINE.check(profile),
            "ours_ccb": lambda: ccb_engine.check(profile),
        }
        for fn in timed.values():
            _timings(fn, 5)
        p50 = {
            name: statistics.median(statistics.median(_timings(fn, per_run)) for _ in range(runs))
            for name, fn in timed.items()
        }
    return {
        "available": True,
        "policyengine_child_benefit_p50_ms": round(p50["theirs"] * 1000, 3),
        "lifeevents_check_all_programs_p50_ms": round(p50["ours_all"] * 1000, 3),
        "lifeevents_check_ccb_only_p50_ms": round(p50["ours_ccb"] * 1000, 3),
        "ratio_policyengine_over_lifeevents_ccb_only": round(p50["theirs"] / p50["ours_ccb"], 2),
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
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--population-runs", type=int, default=3)
    parser.add_argument("--population-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.population_worker:
        print(json.dumps(population_worker(args.population_worker)))
        return
    report = {
        "benchmark": "eligibility",
        "python": sys.version.split()[0],
        "rule_loading": rule_loading(args.runs + 2),
        "single_household": single_household(args.runs, args.checks, warmup=50),
        "population": population(args.population_runs, args.persons),
        "policyengine_canada": policyengine_compare(3, 50),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
