"""The `lifeevents` console script, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE = shutil.which("lifeevents", path=str(Path(sys.executable).parent)) or "lifeevents"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_check_json_answers_the_contract_example() -> None:
    done = _run("check", "examples/household.json", "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["as_of"] == "2026-01-15"
    ccb = next(r for r in body["results"] if r["program"] == "ca_ccb")
    assert ccb["status"] == "eligible" and ccb["amount"] == {
        "annual": 7997.0,
        "currency": "CAD",
        "estimate": False,
    }
    assert set(body) >= {"as_of", "results", "next_question"}


def test_check_table_in_french_reads_stdin(example_profile: dict[str, Any]) -> None:
    done = _run("check", "-", "--lang", "fr", stdin=json.dumps(example_profile))
    assert done.returncode == 0, done.stderr
    assert "Allocation canadienne" in done.stdout and "admissible" in done.stdout


def test_as_of_option_overrides_the_profile_date() -> None:
    done = _run("check", "examples/household.json", "--json", "--as-of", "2024-08-01")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["as_of"] == "2024-08-01"
    ccb = next(r for r in body["results"] if r["program"] == "ca_ccb")
    # July 2024-June 2025 (2023 income; the plain number applies to every year): $35,000 is below
    # $36,502, one child under 6 -> maximum $7,787.
    assert ccb["amount"]["annual"] == 7787.0


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda p: p["household"]["members"][1].update(date_of_birth="2023-02-30"),
            "household/members/1/date_of_birth: not a date",
        ),
        (
            lambda p: p["household"]["members"][0].update(net_income="a lot"),
            "household/members/0/net_income: not a number",
        ),
    ],
)
def test_bad_input_exits_2_with_the_json_path_and_no_traceback(
    example_profile: dict[str, Any], mutate: Any, message: str
) -> None:
    mutate(example_profile)
    done = _run("check", "-", stdin=json.dumps(example_profile))
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"<stdin>: {message} (expected YYYY-MM-DD)" or message in done.stderr
    )
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_invalid_json_and_missing_file_exit_2() -> None:
    broken = _run("check", "-", stdin="{not json")
    assert broken.returncode == 2 and "<stdin>: not valid JSON: line 1 column 2" in broken.stderr
    missing = _run("check", "no-such-file.json")
    assert missing.returncode == 2 and "no-such-file.json: cannot read" in missing.stderr


def test_date_before_the_first_parameter_value_exits_2_naming_the_rule_file() -> None:
    done = _run("check", "examples/household.json", "--as-of", "2010-01-01")
    assert done.returncode == 2
    assert ".yaml:" in done.stderr and "has no value on 2010-01-01" in done.stderr
    assert "Traceback" not in done.stderr


def test_rules_list_validate_and_test() -> None:
    listed = _run("rules", "list", "--json")
    assert listed.returncode == 0
    body = json.loads(listed.stdout)
    assert body["count"] == len(body["data"]) >= 9
    valid = _run("rules", "validate")
    assert valid.returncode == 0 and "program files valid" in valid.stdout
    tested = _run("rules", "test", "rules/tests/ca_ccb.yaml")
    assert tested.returncode == 0 and " 0 failed" in tested.stdout


def test_rules_validate_reports_broken_files_with_line_and_exit_2() -> None:
    done = _run("rules", "validate", "tests/fixtures/rules/broken/unknown_fact")
    assert done.returncode == 2
    assert "xx_demo.yaml:18: " in done.stderr and "unknown name 'has_pet'" in done.stderr


def test_details_lists_every_criterion_with_its_status_and_the_references() -> None:
    done = _run("check", "examples/household.json", "--details")
    assert done.returncode == 0, done.stderr
    assert "has_benefit_after_income_test: Adjusted family net income of $35,000" in done.stdout
    assert "https://laws-lois.justice.gc.ca/eng/acts/I-3.3/section-122.61.html" in done.stdout


def test_rule_tests_for_an_unknown_program_are_an_error_not_a_pass() -> None:
    done = _run("rules", "test", "tests/fixtures/rule_tests/unknown_program.yaml")
    assert done.returncode == 2
    assert "unknown program 'ca_ccbb'" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--lang", "de"), "--lang: must be en or fr, not 'de'"),
        (("--as-of", "2026-13-01"), "--as-of: not a date (expected YYYY-MM-DD): '2026-13-01'"),
    ],
)
def test_bad_options_exit_2_with_a_one_line_message(args: tuple[str, ...], message: str) -> None:
    done = _run("check", "examples/household.json", *args)
    assert done.returncode == 2
    assert done.stderr.strip() == message


def test_a_parameter_without_value_on_the_date_is_named_by_validate_and_check() -> None:
    folder = "tests/fixtures/rules/broken/parameter_without_value"
    valid_later = _run("rules", "validate", folder, "--as-of", "2027-01-01")
    assert valid_later.returncode == 0, valid_later.stderr
    done = _run("rules", "validate", folder, "--as-of", "2026-01-15")
    assert done.returncode == 2
    assert f"{folder}/xx_demo.yaml:15: parameter 'cap' of xx_demo has no value on 2026-01-15" in (
        done.stderr
    )
    checked = _run("check", "examples/household.json", "--rules", folder)
    assert checked.returncode == 2 and "has no value on 2026-01-15" in checked.stderr


@pytest.mark.parametrize("exists", [True, False], ids=["empty", "missing"])
@pytest.mark.parametrize(
    "command",
    [
        ("check", "examples/household.json", "--rules", "{root}"),
        ("rules", "list", "--rules", "{root}"),
        ("rules", "list", "--json", "--rules", "{root}"),
        ("rules", "validate", "{root}"),
    ],
    ids=["check", "list", "list-json", "validate"],
)
def test_an_empty_or_missing_rules_directory_exits_2_with_one_line(
    tmp_path: Path, exists: bool, command: tuple[str, ...]
) -> None:
    root = tmp_path / "rules"
    if exists:
        root.mkdir()
    done = _run(*(part.format(root=root) for part in command))
    assert done.returncode == 2
    assert done.stderr.strip() == f"{root}: " + (
        "no program files under this directory (expected programs/<jurisdiction>/<id>.yaml)"
        if exists
        else "no program files: the path does not exist (expected a rules directory with "
        "programs/<jurisdiction>/<id>.yaml)"
    )
    assert done.stdout == ""


@pytest.mark.parametrize(("columns", "table"), [(80, True), (40, False)])
def test_a_french_check_fits_the_terminal_a_table_at_80_columns_and_a_list_at_40(
    columns: int, table: bool
) -> None:
    done = subprocess.run(
        [EXE, "check", "examples/household.json", "--lang", "fr"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": str(columns)},
    )
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= columns
    assert ("┃" in done.stdout) is table
    assert "7\u00a0997,00\u00a0$" in done.stdout and "fédéral (Canada)" in done.stdout
