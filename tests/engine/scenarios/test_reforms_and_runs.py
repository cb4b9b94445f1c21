"""Reform files are checked like rule files; a run's tables add up; the weighted baseline is
within 20% of the published federal spending on the CCB, the OAS and the GIS."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from kit import ENGINE
from scenario_kit import REFORMS, written

from engine.errors import InputError, RuleFileError, RuleSchemaError
from engine.scenarios.reforms import load_reform, reformed
from engine.scenarios.report import report, write_report
from engine.scenarios.run import plan, run


def test_every_shipped_reform_applies() -> None:
    shipped = sorted(REFORMS.glob("*.yaml"))
    assert len(shipped) >= 3
    for file in shipped:
        reform, engine = reformed(ENGINE, file)
        assert reform.name == file.stem
        assert engine is not ENGINE


def test_a_scaled_parameter_is_the_law_times_the_scale_from_its_date() -> None:
    _, engine = reformed(ENGINE, REFORMS / "ccb_maxima_plus_10.yaml")
    law = ENGINE.catalog.programs["ca_ccb"].program.parameters["max_under_6"].values
    new = engine.catalog.programs["ca_ccb"].program.parameters["max_under_6"].values
    assert new["2024-07-01"].value == law["2024-07-01"].value == 7787  # before the reform
    assert new["2025-01-01"].value == pytest.approx(7787 * 1.1)  # in force that day, scaled
    assert new["2025-07-01"].value == pytest.approx(7997 * 1.1)
    assert new["2025-07-01"].status == "unverified"  # a reform is not law


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("name: x\nparameters:\n  - program: ca_ccb\n    parameter: max_under_7\n"
         "    scale: 1.1\n    since: '2025-01-01'\n", 4, "has no parameter 'max_under_7'"),
        ("name: x\nparameters:\n  - program: ca_cbb\n    parameter: max_under_6\n"
         "    scale: 1.1\n    since: '2025-01-01'\n", 3, "no program 'ca_cbb'"),
        ("name: x\nparameters:\n  - program: ca_ccb\n    parameter: max_under_6\n"
         "    scale: 1.1\n", 3, "'scale' needs 'since'"),
        ("name: x\nprograms:\n  ca_ccb:\n    criteria:\n      no_such: 'true'\n", 4,
         "no criterion 'no_such'"),
    ],
)  # fmt: skip
def test_a_bad_reform_names_its_line_and_reason(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSchemaError) as caught:
        reformed(ENGINE, path)
    assert words in caught.value.reason
    assert caught.value.line == line


def test_a_run_adds_up_and_a_reform_moves_only_what_it_changes(tmp_path: Path) -> None:
    population = written(tmp_path / "pop.parquet", size=4_000, per_group=400)
    reform = REFORMS / "ccb_maxima_plus_10.yaml"
    the_plan = plan(tmp_path / "pop.parquet", reform=reform)
    tally = run(the_plan)
    document = report(tally, the_plan, ENGINE, load_reform(reform).name)
    # the tally equals the engine's own totals over the whole population, weighted
    whole = ENGINE.evaluate(population, the_plan.on)
    ccb = next(p for p in document["programs"] if p["program"] == "ca_ccb")
    cents = np.rint(np.nan_to_num(whole.benefit["ca_ccb"]) * 100).astype(np.int64)
    assert ccb["baseline"]["cost"] == int((cents * population.weight).sum()) / 100
    assert ccb["reform"]["cost"] > ccb["baseline"]["cost"] * 1.10  # maxima +10%, same reductions
    unchanged = next(p for p in document["programs"] if p["program"] == "ca_oas")
    assert unchanged["change"] == {"cost": 0.0, "households": 0, "persons": 0}
    by_province = sum(c["baseline"]["cost"] for c in document["by_province"]
                      if c["program"] == "ca_ccb")  # fmt: skip
    assert by_province == pytest.approx(ccb["baseline"]["cost"], abs=0.01)
    deciles = document["winners_losers"]["by_decile"]
    assert sum(d["winners"] for d in deciles) > 0 and all(d["losers"] == 0 for d in deciles)
    gains = sum(d["total_gain"] for d in deciles)
    assert gains == pytest.approx(ccb["change"]["cost"], abs=0.01)  # CCB is all that changed
    files = write_report(document, tmp_path / "out")
    assert {f.name for f in files} >= {"summary.json", "programs.csv", "by_province.csv"}
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["reform"] == reform.stem


#: Public Accounts of Canada 2024, Vol. I, s. 2, Table 1 (FY 2023-24, accrual): "Children's
#: benefits" $26,339M; Old Age Security, GIS and Allowances $76,036M, split with the Chief
#: Actuary's 18th OAS report (2023: pension $59.8B, GIS and Allowances $17.7B) and ESDC's
#: planned Allowances ($683M): OAS pension about $58,670M, GIS about $16,680M.
#: https://tpsgc-pwgsc.gc.ca/recgen/cpc-pac/2024/vol1/s2/efc-cfs-eng.html
#: https://osfi-bsif.gc.ca/en/oca/actuarial-reports/highlights-18th-actuarial-report-old-age-security-oas-program-december-31-2021
#: The baseline is evaluated on 2025-01-01 (rates and population a year on from FY 2023-24:
#: a few percent above it from indexing and growth, well inside the 20% asked).
PUBLISHED = {"ca_ccb": 26_339e6, "ca_oas": 58_670e6, "ca_gis": 16_680e6}


def test_the_canada_baseline_is_within_20_percent_of_published_spending(tmp_path: Path) -> None:
    written(tmp_path / "pop.parquet", size=40_000, per_group=5_000)
    the_plan = plan(tmp_path / "pop.parquet")
    document = report(run(the_plan), the_plan, ENGINE, None)
    costs = {p["program"]: p["baseline"]["cost"] for p in document["programs"]}
    for program, published in PUBLISHED.items():
        assert abs(costs[program] / published - 1) <= 0.20, (program, costs[program])


def test_a_reform_can_add_a_whole_program_checked_like_a_rule_file() -> None:
    law = ENGINE.catalog.programs["ca_ccb"].program.model_dump(mode="json", exclude_none=True)
    added = {**law, "id": "ca_ccb_twin"}
    engine = ENGINE.reformed({"name": "twin", "new_programs": [added]})
    assert "ca_ccb_twin" in engine.catalog.programs and "ca_ccb_twin" not in ENGINE.catalog.programs
    with pytest.raises(InputError) as caught:
        ENGINE.reformed({"name": "again", "new_programs": [{**law}]})
    assert caught.value.path == "new_programs/0/id" and "exists already" in caught.value.reason
    broken = {**added, "amount": "ccb + no_such_name"}
    with pytest.raises(RuleFileError):
        ENGINE.reformed({"name": "broken", "new_programs": [broken]})


@pytest.mark.parametrize("reform", sorted(REFORMS.glob("*.yaml")), ids=lambda p: p.stem)
def test_evaluating_only_what_a_reform_changes_gives_the_whole_evaluation(
    tmp_path: Path, reform: Path
) -> None:
    import numpy as np

    from engine.scenarios.parquet import PopulationFile
    from engine.scenarios.run import changed_programs, tally_group
    from engine.scenarios.tally import Tally

    written(tmp_path / "pop.parquet", size=2_500, per_group=400)
    the_plan = plan(tmp_path / "pop.parquet", reform=reform)
    _, engine = reformed(ENGINE, reform)
    changed = changed_programs(ENGINE, engine)
    assert changed and len(changed) < len(ENGINE.catalog.programs)  # a shortcut, not nothing
    for group in range(the_plan.row_groups):
        population = PopulationFile(the_plan.population, ENGINE.catalog.facts).read(group)
        index = np.zeros(population.n_households, dtype=np.int64)
        whole = Tally(the_plan.programs, the_plan.provinces)
        whole.add(population, index, np.asarray(the_plan.cuts), the_plan.year,
                  [ENGINE.evaluate(population, the_plan.on),
                   engine.evaluate(population, the_plan.on)])  # fmt: skip
        fast = tally_group(the_plan, group)
        assert np.array_equal(whole.cost.sum(axis=2), fast.cost.sum(axis=2))
        assert np.array_equal(whole.households.sum(axis=2), fast.households.sum(axis=2))
        assert np.array_equal(whole.by_decile, fast.by_decile)


def test_a_program_that_reads_a_changed_one_is_changed_too() -> None:
    from engine.scenarios.run import changed_programs

    readers = {
        pid for pid, rules in ENGINE.catalog.programs.items() if "ca_oas" in rules.depends_on()
    }
    assert readers  # the GIS and the Allowance read the OAS
    _, engine = reformed(ENGINE, REFORMS / "oas_recovery_threshold_lower.yaml")
    assert {"ca_oas", *readers} <= changed_programs(ENGINE, engine)
