"""The rule-test runner can fail: every branch of `run_case` on a case that is broken on purpose.

The fixtures live in tests/fixtures/rule_tests/failing (each says why it is broken) and
tests/fixtures/rule_tests/passing. Expected amounts come from the official rates: $7,997 is the
CCB maximum per child under 6 for July 2025 - June 2026 (canada.ca), $7,787 the one before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from kit import ENGINE

from engine.eligibility.rule_tests import CaseOutcome, load_rule_tests, run_case, run_rule_tests
from engine.errors import RuleSchemaError

ROOT = Path(__file__).resolve().parents[3]
RULE_TESTS = Path("tests/fixtures/rule_tests")  # relative to ROOT, as a user types it
FAILING = RULE_TESTS / "failing"
PASSING = RULE_TESTS / "passing"
EXE = shutil.which("lifeevents", path=str(Path(sys.executable).parent)) or "lifeevents"


def _run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def _only_outcome(fixture: Path) -> CaseOutcome:
    """Run the single case of a fixture file (paths as the CLI sees them, relative to ROOT)."""
    cases = load_rule_tests(ROOT / fixture)
    assert len(cases) == 1, fixture
    return run_case(ENGINE.compiled, *cases[0])


def _stem(value: object) -> str | None:
    """Test ids: a fixture by its file stem, anything else as pytest would name it."""
    return value.stem if isinstance(value, Path) else None


def _line_of(fixture: Path, text: str) -> int:
    """The 1-based line of the first line of ``fixture`` containing ``text``."""
    lines = (ROOT / fixture).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


# --- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        (FAILING / "wrong_status.yaml", "status eligible, expected ineligible ("),
        (FAILING / "wrong_status_missing_facts.yaml", "status undetermined, expected eligible ("),
    ],
    ids=_stem,
)
def test_a_wrong_expected_status_fails_naming_both_statuses(fixture: Path, words: str) -> None:
    outcome = _only_outcome(fixture)
    assert not outcome.passed
    assert outcome.detail.startswith(words), outcome.detail


def test_a_wrong_expected_status_lists_every_criterion_of_the_program_with_its_status() -> None:
    outcome = _only_outcome(FAILING / "wrong_status.yaml")
    program = yaml.safe_load((ROOT / "rules/programs/ca/ca_ccb.yaml").read_text(encoding="utf-8"))
    criteria = [criterion["id"] for criterion in program["eligibility"]]
    assert len(criteria) >= 4
    assert not outcome.passed
    for criterion in criteria:
        assert f"{criterion}=true" in outcome.detail, outcome.detail


def test_an_undetermined_status_expected_eligible_names_the_missing_facts() -> None:
    outcome = _only_outcome(FAILING / "wrong_status_missing_facts.yaml")
    assert not outcome.passed
    assert "has_eligible_status=unknown" in outcome.detail
    missing = outcome.detail.partition("; missing: ")[2]
    assert "members/maria/net_income" in missing and "members/maria/residency_status" in missing


# --- amount -------------------------------------------------------------------------------------


def test_a_wrong_expected_amount_fails_showing_both_amounts() -> None:
    outcome = _only_outcome(FAILING / "wrong_amount.yaml")
    assert not outcome.passed
    assert outcome.detail == "annual amount 7997.00, expected 7787.00"


def test_an_expected_amount_where_the_engine_has_none_fails() -> None:
    outcome = _only_outcome(FAILING / "amount_where_none_is_known.yaml")
    assert not outcome.passed
    assert outcome.detail.startswith("annual amount ") and "expected 7997.00" in outcome.detail


@pytest.mark.parametrize(
    ("fixture", "passed", "detail"),
    [
        (PASSING / "amount_within_margin.yaml", True, ""),
        (
            FAILING / "amount_just_outside_margin.yaml",
            False,
            "annual amount 7997.00, expected 7997.51",
        ),
    ],
    ids=_stem,
)
def test_an_amount_at_the_margin_passes_and_one_cent_outside_fails(
    fixture: Path, passed: bool, detail: str
) -> None:
    outcome = _only_outcome(fixture)
    assert (outcome.passed, outcome.detail) == (passed, detail)


@pytest.mark.parametrize(
    ("expected", "margin", "passed"),
    [
        (7997.00, 0.005, True),  # the default margin, exact
        (7997.004, 0.005, True),
        (7996.996, 0.005, True),
        (7997.006, 0.005, False),
        (7996.994, 0.005, False),
        (7997.50, 0.50, True),  # exactly at the margin (0.5 is exact in binary)
        (7996.50, 0.50, True),
        (7997.51, 0.50, False),
        (7996.49, 0.50, False),
    ],
)
def test_the_error_margin_decides_on_both_sides_of_the_known_amount(
    expected: float, margin: float, passed: bool
) -> None:
    # The CONTRACTS example gets the CCB maximum $7,997.00 (July 2025 - June 2026, canada.ca).
    file, line, suite, case = load_rule_tests(ROOT / PASSING / "contracts_example.yaml")[0]
    output = case.output.model_copy(update={"amount": expected})
    varied = case.model_copy(update={"output": output, "absolute_error_margin": margin})
    assert run_case(ENGINE.compiled, file, line, suite, varied).passed is passed


# --- jurisdiction -------------------------------------------------------------------------------


def test_a_program_outside_the_households_jurisdiction_fails_when_eligible_is_expected() -> None:
    outcome = _only_outcome(FAILING / "outside_jurisdiction_expected_eligible.yaml")
    assert not outcome.passed
    assert outcome.detail == "on_ocb does not apply to this household's jurisdiction"


def test_a_program_outside_the_households_jurisdiction_passes_when_ineligible_is_expected() -> None:
    # Documented behaviour: no result for the program counts as not eligible.
    outcome = _only_outcome(PASSING / "outside_jurisdiction_expected_ineligible.yaml")
    assert outcome.passed and outcome.detail == ""


# --- broken case files --------------------------------------------------------------------------


def test_a_case_with_invalid_input_raises_naming_the_file_line_and_input_path() -> None:
    fixture = FAILING / "invalid_input.yaml"
    line = _line_of(fixture, "- name:")
    with pytest.raises(RuleSchemaError) as raised:
        _only_outcome(fixture)
    assert (raised.value.file, raised.value.line) == (ROOT / fixture, line)
    assert str(raised.value) == (
        f"{ROOT / fixture}:{line}: case input is invalid: "
        "household/members/0/net_income: not a number"
    )


@pytest.mark.parametrize(
    ("fixture", "line_text", "reason"),
    [
        (
            FAILING / "missing_output.yaml",
            "- name:",
            "missing required field 'output' at cases.0.output",
        ),
        (
            FAILING / "unknown_status.yaml",
            "status: maybe",
            "cases.0.output.status: Input should be 'eligible', 'ineligible' or 'undetermined'",
        ),
    ],
    ids=_stem,
)
def test_a_case_file_that_breaks_the_schema_is_rejected_with_file_and_line(
    fixture: Path, line_text: str, reason: str
) -> None:
    line = _line_of(fixture, line_text)
    with pytest.raises(RuleSchemaError) as raised:
        load_rule_tests(ROOT / fixture)
    assert str(raised.value) == f"{ROOT / fixture}:{line}: {reason}"


def test_every_failing_fixture_says_it_is_broken_on_purpose_and_is_used_here() -> None:
    used = {
        "wrong_status.yaml",
        "wrong_status_missing_facts.yaml",
        "wrong_amount.yaml",
        "amount_where_none_is_known.yaml",
        "amount_just_outside_margin.yaml",
        "outside_jurisdiction_expected_eligible.yaml",
        "invalid_input.yaml",
        "missing_output.yaml",
        "unknown_status.yaml",
    }
    files = sorted((ROOT / FAILING).glob("*.yaml"))
    assert {file.name for file in files} == used
    for file in files:
        assert file.read_text(encoding="utf-8").startswith("# Broken on purpose: "), file.name


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "program", "detail"),
    [
        (FAILING / "wrong_status.yaml", "ca_ccb", "status eligible, expected ineligible ("),
        (FAILING / "wrong_amount.yaml", "ca_ccb", "annual amount 7997.00, expected 7787.00"),
        (
            FAILING / "outside_jurisdiction_expected_eligible.yaml",
            "on_ocb",
            "on_ocb does not apply to this household's jurisdiction",
        ),
    ],
    ids=_stem,
)
def test_the_cli_exits_1_and_prints_each_failing_case_with_its_detail_on_stderr(
    fixture: Path, program: str, detail: str
) -> None:
    [(_, line, _, case)] = load_rule_tests(ROOT / fixture)
    done = _run_cli("rules", "test", str(fixture))
    assert done.returncode == 1, done.stderr
    head, _, rest = done.stderr.partition("\n")
    assert head == f"FAIL {fixture}:{line} [{program}] {case.name}"
    assert rest.strip().startswith(detail), done.stderr
    assert done.stdout.strip() == "0 passed, 1 failed"


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (FAILING / "invalid_input.yaml", "case input is invalid: household/members/0/net_income"),
        (FAILING / "missing_output.yaml", "missing required field 'output'"),
        (FAILING / "unknown_status.yaml", "cases.0.output.status: Input should be"),
    ],
    ids=_stem,
)
def test_the_cli_exits_2_on_a_broken_case_file_naming_it_without_a_traceback(
    fixture: Path, message: str
) -> None:
    done = _run_cli("rules", "test", str(fixture))
    assert done.returncode == 2
    assert done.stderr.startswith(f"FAIL {fixture}:") and message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout.strip() == "0 passed, 1 failed"


def test_the_cli_exits_0_when_every_case_passes() -> None:
    done = _run_cli("rules", "test", str(PASSING))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3 passed, 0 failed" and done.stderr == ""


def test_the_runner_finds_no_outcome_in_an_empty_tests_folder(tmp_path: Path) -> None:
    assert run_rule_tests(ENGINE.compiled, tmp_path) == []


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("an empty folder", "no rule test files (*.yaml) under this folder"),
        (
            "a path that does not exist",
            "no such file or folder (expected a rule test file or a folder of them)",
        ),
    ],
)
def test_the_cli_exits_2_naming_the_path_when_there_is_no_case_to_run(
    tmp_path: Path, where: str, reason: str
) -> None:
    folder = tmp_path if where == "an empty folder" else tmp_path / "no-such-folder"
    done = _run_cli("rules", "test", str(folder))
    assert done.returncode == 2
    assert done.stderr.strip() == f"{folder}: {reason}" and done.stdout == ""


# --- one broken file among others -----------------------------------------------------------


def _folder_with(tmp_path: Path, *fixtures: Path) -> Path:
    for fixture in fixtures:
        shutil.copy(ROOT / fixture, tmp_path / fixture.name)
    return tmp_path


def test_one_broken_case_file_is_one_failure_with_file_and_line_and_the_other_cases_still_run(
    tmp_path: Path,
) -> None:
    folder = _folder_with(
        tmp_path, PASSING / "contracts_example.yaml", FAILING / "missing_output.yaml"
    )
    passed, broken = run_rule_tests(ENGINE.compiled, folder)  # files in name order
    assert passed.passed and passed.name.startswith("A single parent in Ontario")
    assert (broken.passed, broken.broken) == (False, True)
    line = _line_of(FAILING / "missing_output.yaml", "- name:")
    assert (broken.file, broken.line) == (folder / "missing_output.yaml", line)
    assert broken.detail == "missing required field 'output' at cases.0.output"


def test_a_case_that_cannot_run_is_one_failure_and_the_next_case_still_runs(
    tmp_path: Path,
) -> None:
    text = (ROOT / PASSING / "contracts_example.yaml").read_text(encoding="utf-8")
    # the same case twice, the first asked about a day before the CCB figures of July 2024
    body = text.split("cases:\n", 1)[1]
    early = body.replace("as_of: 2026-01-15", "as_of: 2024-01-01")
    (tmp_path / "ca_ccb.yaml").write_text("program: ca_ccb\ncases:\n" + early + body, "utf-8")
    early_outcome, outcome = run_rule_tests(ENGINE.compiled, tmp_path)
    assert outcome.passed
    assert early_outcome.broken and early_outcome.program == "ca_ccb"
    assert early_outcome.detail.startswith(
        "case as_of 2024-01-01 is before the rules' figures: "
    ), early_outcome.detail
    assert "has no value on 2024-01-01" in early_outcome.detail


def test_the_cli_reports_the_broken_file_runs_the_rest_and_exits_2(tmp_path: Path) -> None:
    folder = _folder_with(
        tmp_path, PASSING / "contracts_example.yaml", FAILING / "unknown_status.yaml"
    )
    line = _line_of(FAILING / "unknown_status.yaml", "status: maybe")
    done = _run_cli("rules", "test", str(folder))
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"FAIL {folder / 'unknown_status.yaml'}:{line}: cases.0.output.status: Input should be"
    )
    assert done.stdout.strip() == "1 passed, 1 failed"


def test_a_case_file_for_an_unknown_program_is_a_failure_naming_it_not_a_stop(
    tmp_path: Path,
) -> None:
    folder = _folder_with(
        tmp_path, RULE_TESTS / "unknown_program.yaml", PASSING / "contracts_example.yaml"
    )
    passed, unknown = run_rule_tests(ENGINE.compiled, folder)
    assert passed.passed
    assert unknown.broken and unknown.program == "ca_ccbb"
    assert unknown.detail == "unknown program 'ca_ccbb': no rule file has this id"
