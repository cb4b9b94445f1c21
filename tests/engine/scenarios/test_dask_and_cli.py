"""A run on a Dask cluster of two worker processes equals the in-memory run to the cent; the
command line generates, runs, and refuses bad input before any work (exit 2, nothing written)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scenario_kit import CANADA, REFORMS, written

from engine.scenarios.run import plan, run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")

EXE = shutil.which("lifeevents", path=str(Path(sys.executable).parent)) or "lifeevents"
TALLIED = (
    "cost",
    "households",
    "persons",
    "undetermined",
    "population",
    "by_decile",
    "by_province",
)


@pytest.mark.slow
def test_dask_and_forked_runs_equal_the_in_memory_run_to_the_cent(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    written(tmp_path / "pop.parquet", size=3_000, per_group=250)
    the_plan = plan(tmp_path / "pop.parquet", reform=REFORMS / "gis_income_cutoff_plus_10.yaml")
    here = run(the_plan)
    forked = run(the_plan, workers=2)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        assert len(client.scheduler_info()["workers"]) == 2
        there = run(the_plan, client=client)
    assert the_plan.row_groups >= 4
    for name in TALLIED:
        assert np.array_equal(getattr(here, name), getattr(there, name)), name
        assert np.array_equal(getattr(here, name), getattr(forked, name)), name
    assert here.cost[0].sum() > 0


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=300)


def test_generate_then_run_from_the_command_line(tmp_path: Path) -> None:
    pop, out = tmp_path / "pop.parquet", tmp_path / "out"
    made = _cli("scenario", "generate", str(CANADA), "--out", str(pop), "--size", "1500")
    assert made.returncode == 0, made.stderr
    assert "standing for" in made.stdout and pop.exists()
    ran = _cli("scenario", "run", str(pop), "--reform",
               str(REFORMS / "oas_recovery_threshold_lower.yaml"), "--out", str(out))  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    summary = json.loads((out / "summary.json").read_text())
    oas = next(p for p in summary["programs"] if p["program"] == "ca_oas")
    assert oas["change"]["cost"] <= 0  # a lower threshold recovers more, never less
    assert (out / "winners_losers_by_decile.csv").read_text().startswith("decile,winners,losers")


def test_bad_input_exits_2_naming_it_and_writes_nothing(tmp_path: Path) -> None:
    bad_reform = tmp_path / "bad.yaml"
    bad_reform.write_text("name: x\nparameters:\n  - program: ca_oas\n    parameter: nope\n"
                          "    values: {'2025-01-01': 1}\n")  # fmt: skip
    written(tmp_path / "pop.parquet", size=500)
    out = tmp_path / "out"
    ran = _cli("scenario", "run", str(tmp_path / "pop.parquet"), "--reform", str(bad_reform),
               "--out", str(out))  # fmt: skip
    assert ran.returncode == 2
    assert "bad.yaml:4" in ran.stderr and "has no parameter 'nope'" in ran.stderr
    assert "Traceback" not in ran.stderr and not out.exists()
    missing = _cli("scenario", "run", str(tmp_path / "nowhere.parquet"), "--out", str(out))
    assert missing.returncode == 2 and "not a readable Parquet file" in missing.stderr
    spec = tmp_path / "spec.yaml"
    spec.write_text(CANADA.read_text().replace("ON: 0.38451", "ON: 0.8451"))
    refused = _cli("scenario", "generate", str(spec), "--out", str(tmp_path / "p.parquet"))
    assert refused.returncode == 2 and "shares sum to" in refused.stderr
    assert not (tmp_path / "p.parquet").exists()


def test_in_french_generate_and_run_say_what_they_did_in_french(tmp_path: Path) -> None:
    pop, out = tmp_path / "pop.parquet", tmp_path / "out"
    made = _cli("scenario", "generate", str(CANADA), "--out", str(pop), "--size", "800",
                "--lang", "fr")  # fmt: skip
    assert made.returncode == 0, made.stderr
    said = " ".join(made.stdout.split())
    assert "personnes dans" in said and "ménages, représentant" in said
    ran = _cli("scenario", "run", str(pop), "--out", str(out), "--lang", "fr")
    assert ran.returncode == 0, ran.stderr
    assert "pondérées" in ran.stdout and "écrit summary.json" in " ".join(ran.stdout.split())
    late = _cli(
        "scenario", "run", str(pop), "--out", str(out), "--lang", "fr", "--on", "2026-13-01"
    )
    assert late.returncode == 2 and "pas une date" in late.stderr
