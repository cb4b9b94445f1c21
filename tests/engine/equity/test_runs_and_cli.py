"""Counts add up across chunks exactly (in this process or on forked workers), and the command
line writes the report or refuses bad input before any work (exit 2, nothing written)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from equity_kit import CANADA, REFORMS
from kit import ENGINE, FACTS

from engine.equity import GroupCounts
from engine.equity.layout import group_values
from engine.equity.run import plan_equity, programs_of, run_equity
from engine.evaluation.population import Population
from engine.scenarios import generate, load_spec, write_population

EXE = shutil.which("lifeevents", path=str(Path(sys.executable).parent)) or "lifeevents"
BY = ("gender", "indigenous_identity", "age_band", "disability")


def _population(size: int = 2_000) -> Population:
    return generate(load_spec(CANADA, FACTS), FACTS, size=size, seed=11)


def test_counts_of_chunks_add_up_to_the_counts_of_the_whole() -> None:
    from engine.equity import Layout

    population = _population()
    levels = {a: set(group_values(population, a).tolist()) for a in BY}
    layout = Layout.of(BY, levels)
    programs, entities = programs_of(ENGINE, None)
    whole = GroupCounts(layout, programs, entities, 1)
    whole.add(population, [ENGINE.evaluate(population)])
    parts = GroupCounts(layout, programs, entities, 1)
    for start in range(0, population.n_households, 300):
        chunk = population.slice(start, start + 300)
        piece = GroupCounts(layout, programs, entities, 1)
        piece.add(chunk, [ENGINE.evaluate(chunk)])
        parts += piece
    assert np.array_equal(whole.units, parts.units)
    assert np.array_equal(whole.cents, parts.cents)
    assert np.allclose(whole.squares, parts.squares, rtol=1e-12)
    assert whole.units[..., 0].sum() > 0
    assert whole.totals()["persons"] == population.n_persons


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")
def test_forked_workers_and_dask_count_what_one_process_counts(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    population = _population(3_000)
    write_population(population, FACTS, tmp_path / "pop.parquet", households_per_group=300)
    plan = plan_equity(tmp_path / "pop.parquet", BY, reform=REFORMS / "ccb_maxima_plus_10.yaml")
    assert plan.row_groups >= 4
    here, forked = run_equity(plan), run_equity(plan, workers=2)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        there = run_equity(plan, client=client)
    for other in (forked, there):
        assert np.array_equal(here.units, other.units)
        assert np.array_equal(here.cents, other.cents)
        assert np.allclose(here.squares, other.squares, rtol=1e-12)
    assert here.runs == 2 and here.cents[1].sum() > here.cents[0].sum()  # CCB maxima +10%


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def population_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("equity") / "pop.parquet"
    write_population(_population(), FACTS, path, households_per_group=400)
    return path


def test_the_command_writes_json_csv_and_both_html_pages(
    population_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = _cli(
        "equity", str(population_file), "--by", "gender,age_band", "--intersections", "2",
        "--reform", str(REFORMS / "ccb_maxima_plus_10.yaml"), "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = {p.name for p in out.iterdir()}
    assert names == {"report.json", "rows.csv", "gaps.csv", "report.en.html", "report.fr.html"}
    doc = json.loads((out / "report.json").read_text())
    assert doc["about"]["by"] == ["gender", "age_band"]
    assert doc["about"]["reform"] == "ccb_maxima_plus_10"
    tables = {r["table"] for r in doc["rows"]}
    assert tables == {"all", "gender", "age_band", "gender*age_band"}
    hidden = [r for r in doc["rows"] if r["suppressed"]]
    assert hidden and all("n" not in r and "rate" not in r for r in hidden)
    assert all(r["n"] >= 10 for r in doc["rows"] if not r["suppressed"])
    ccb = [g for g in doc["gaps"] if g["program"] == "ca_ccb"]
    assert ccb and all("gap_change" in g for g in ccb)
    with (out / "rows.csv").open() as stream:
        assert len(list(csv.DictReader(stream))) == len(doc["rows"])
    assert (
        "Prestation" in (out / "report.fr.html").read_text()
        or "Allocation" in (out / "report.fr.html").read_text()
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--by", "gender,eye_colour"], "eye_colour"),
        (["--by", "gender,gender"], "named twice"),
        (["--preset", "strict"], "--preset"),
        (["--preset", "statcan", "--threshold", "5"], "--threshold"),
        (["--intersections", "4"], "--intersections"),
        (["--by", "gender", "--reference", "gender=robot"], "no level 'robot'"),
        (["--by", "gender", "--reference", "gender"], "group=level"),
        (["--reform", "nowhere.yaml"], "nowhere.yaml"),
        (["--on", "2026-13-01"], "--on"),
    ],
)
def test_bad_input_exits_2_naming_it_and_writes_nothing(
    population_file: Path, tmp_path: Path, args: list[str], said: str
) -> None:
    out = tmp_path / "out"
    done = _cli("equity", str(population_file), "--out", str(out), *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_file_that_is_not_a_population_exits_2(tmp_path: Path) -> None:
    bogus = tmp_path / "pop.parquet"
    bogus.write_text("not parquet")
    done = _cli("equity", str(bogus), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "pop.parquet" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--by", "gender", "--reference", "gender=robot"], "n'a pas de niveau 'robot'"),
        (["--by", "gender", "--reference", "gender"], "groupe=niveau attendu"),
        (["--intersections", "4"], "1, 2 ou 3, et non 4"),
        (["--preset", "strict"], "préréglage inconnu 'strict'"),
        (["--on", "2026-13-01"], "pas une date"),
        (["--lang", "de"], "--lang: must be en or fr"),
    ],
)
def test_in_french_a_bad_option_is_refused_in_french(
    population_file: Path, tmp_path: Path, args: list[str], said: str
) -> None:
    out = tmp_path / "out"
    done = _cli("equity", str(population_file), "--out", str(out), "--lang", "fr", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in " ".join(done.stderr.split()), done.stderr
    assert not out.exists()


def test_in_french_the_command_says_what_it_wrote_in_french(
    population_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = _cli("equity", str(population_file), "--by", "gender", "--out", str(out),
                "--lang", "fr")  # fmt: skip
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "évaluée en" in said and "équité en" in said and "écrit report.json" in said
