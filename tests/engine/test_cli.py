"""The `lifeevents` console script, run as a user runs it (a real subprocess); the many kinds of
bad input go through typer's CliRunner, in process."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from kit import FACTS
from pydantic import BaseModel
from typer.testing import CliRunner

from engine.catalog.json_input import MAX_DEPTH, MAX_INPUT_BYTES
from engine.cli import app
from engine.eligibility.result import CheckResult, ProgramResult

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
    assert ccb["status"] == "eligible"
    # the contract's fields (fields are added over time, never renamed)
    assert {k: ccb["amount"][k] for k in ("annual", "currency", "estimate", "monthly")} == {
        "annual": 7997.0,
        "currency": "CAD",
        "estimate": False,
        "monthly": 666.42,  # 7,997 / 12 = 666.4166... rounded to cents
    }
    assert set(body) >= {"as_of", "results", "next_question", "not_assessed"}


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


def test_an_as_of_before_the_first_figures_is_an_input_error_naming_as_of_and_the_rule_file() -> (
    None
):
    # after leo's birth (2023-09-10), before the CCB figures of July 2024
    done = _run("check", "examples/household.json", "--as-of", "2024-01-01")
    assert done.returncode == 2
    head = "examples/household.json: as_of: 2024-01-01 is before the first figures of these rules ("
    assert done.stderr.startswith(head), done.stderr
    assert "or a later date (see " in done.stderr and ".yaml:" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_rules_list_validate_and_test() -> None:
    listed = _run("rules", "list", "--json")
    assert listed.returncode == 0
    body = json.loads(listed.stdout)
    assert body["count"] == len(body["data"]) >= 9
    valid = _run("rules", "validate")
    assert valid.returncode == 0 and "program files valid" in valid.stdout
    tested = _run("rules", "test", "rules/tests/ca_ccb.yaml")
    assert tested.returncode == 0 and " 0 failed" in tested.stdout


def test_rules_list_gives_agency_life_events_and_unverified_values_in_force() -> None:
    listed = _run("rules", "list", "--json", "--as-of", "2026-11-29")
    assert listed.returncode == 0, listed.stderr
    programs = {p["program"]: p for p in json.loads(listed.stdout)["data"]}
    ccb = programs["ca_ccb"]
    assert ccb["agency"]["en"] and ccb["agency"]["fr"] and "birth" in ccb["life_events"]
    assert ccb["unverified_in_force"] == 0  # every CCB value in force is verified
    assert programs["ca_disability_benefit"]["in_force"]["starts"] == "2025-07-01"
    # the October 2026 OAS amounts (max_65_74, max_75_plus) are not yet confirmed
    assert programs["ca_oas"]["unverified_in_force"] == 2
    assert _run("rules", "list", "--as-of", "soon").returncode == 2


def test_rules_validate_reports_broken_files_with_line_and_exit_2() -> None:
    done = _run("rules", "validate", "tests/fixtures/rules/broken/unknown_fact")
    assert done.returncode == 2
    assert "xx_demo.yaml:18: " in done.stderr and "unknown name 'has_pet'" in done.stderr


def test_details_lists_every_criterion_with_its_status_and_the_references() -> None:
    done = _run("check", "examples/household.json", "--details")
    assert done.returncode == 0, done.stderr
    assert "has_benefit_after_income_test: Adjusted family net income of $35,000" in done.stdout
    assert "https://laws-lois.justice.gc.ca/eng/acts/I-3.3/section-122.61.html" in done.stdout


def test_check_json_gives_each_reference_its_french_title_and_page_beside_the_english() -> None:
    done = _run("check", "examples/household.json", "--json")
    assert done.returncode == 0, done.stderr
    ccb = next(r for r in json.loads(done.stdout)["results"] if r["program"] == "ca_ccb")
    law = next(ref for ref in ccb["references"] if ref["url"].endswith("section-122.61.html"))
    assert law == {
        "title": law["title"],
        "url": "https://laws-lois.justice.gc.ca/eng/acts/I-3.3/section-122.61.html",
        "title_fr": "Loi de l'impôt sur le revenu, article 122.61",
        "url_fr": "https://laws-lois.justice.gc.ca/fra/lois/I-3.3/section-122.61.html",
    }


def test_check_in_french_with_details_prints_the_french_page_of_the_law() -> None:
    done = _run("check", "examples/household.json", "--lang", "fr", "--details")
    assert done.returncode == 0, done.stderr
    assert "Loi de l'impôt sur le revenu, article 122.61" in done.stdout
    assert "https://laws-lois.justice.gc.ca/fra/lois/I-3.3/section-122.61.html" in done.stdout
    assert "https://laws-lois.justice.gc.ca/eng/acts/I-3.3/section-122.61.html" not in done.stdout


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
    assert checked.returncode == 2
    assert checked.stderr.strip() == (
        "examples/household.json: as_of: 2026-01-15 is before the first figures of these rules "
        f"(2027-01-01): ask about 2027-01-01 or a later date (see {folder}/xx_demo.yaml:15)"
    )


@pytest.mark.parametrize("exists", [True, False], ids=["empty", "missing"])
@pytest.mark.parametrize(
    "command",
    [
        ("check", "examples/household.json", "--rules", "{root}"),
        ("rules", "list", "--rules", "{root}"),
        ("rules", "list", "--json", "--rules", "{root}"),
        ("rules", "validate", "{root}"),
        ("rules", "test", "--rules", "{root}"),
        ("schema", "profile", "--rules", "{root}"),
    ],
    ids=["check", "list", "list-json", "validate", "test", "schema"],
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


# --- input the law does not allow (CliRunner) ------------------------------------------------


def _invoke(*args: str, stdin: bytes | None = None) -> Any:
    """Run the command in process; bad input must end in exit 2, never in an exception."""
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _example(**member: Any) -> dict[str, Any]:
    profile = json.loads((ROOT / "examples/household.json").read_text(encoding="utf-8"))
    profile["household"]["members"][0].update(member)
    return profile


def _with_household(**household: Any) -> dict[str, Any]:
    profile = _example()
    profile["household"].update(household)
    return profile


_MARIA = "household/members/0"

_BAD_PROFILES = [
    (
        _example(net_income=-1),
        f"{_MARIA}/net_income",
        "must be at least 0",
        "doit être d'au moins 0",
    ),
    (_example(net_income=True), f"{_MARIA}/net_income", "not a number", "pas un nombre"),
    (_example(net_income="35000"), f"{_MARIA}/net_income", "not a number", "pas un nombre"),
    (
        _example(date_of_birth="2026-01-16"),
        f"{_MARIA}/date_of_birth",
        "must not be after as_of (2026-01-15)",
        "ne doit pas être postérieure à as_of (2026-01-15)",
    ),
    (
        _example(date_of_birth="1905-12-31"),
        f"{_MARIA}/date_of_birth",
        "must not be more than 120 years before as_of (2026-01-15)",
        "ne doit pas précéder as_of (2026-01-15) de plus de 120 ans",
    ),
    (
        _with_household(province="AB"),
        "household/municipality",
        "'toronto' is in ON, but household/province is 'AB'",
        "'toronto' se trouve en ON, mais household/province vaut 'AB'",
    ),
    (
        _example(id="maria/0"),
        f"{_MARIA}/id",
        "must not contain '/', spaces or control characters: it names the member in paths such "
        "as members/<id>/net_income",
        "ne doit contenir ni '/', ni espace, ni caractère de contrôle : il désigne le membre "
        "dans des chemins comme members/<id>/net_income",
    ),
    (
        _example(net_income=1e308),
        f"{_MARIA}/net_income",
        "must be at most 100,000,000",
        "doit être d'au plus 100\u00a0000\u00a0000",
    ),
    (
        {**_example(), "as_of": "2024-01-01"},
        "as_of",
        "2024-01-01 is before the first figures of these rules (",
        "le 2024-01-01 précède les premiers montants de ces règles (",
    ),
]
_IDS = [
    "negative-income",
    "true-income",
    "numeric-string",
    "born-after-as-of",
    "born-121-years-before",
    "municipality-elsewhere",
    "id-with-slash",
    "1e308",
    "as-of-before-figures",
]


@pytest.mark.parametrize(("profile", "path", "english", "french"), _BAD_PROFILES, ids=_IDS)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_input_the_law_does_not_allow_exits_2_naming_the_path_and_the_reason_in_the_language(
    profile: dict[str, Any], path: str, english: str, french: str, lang: str
) -> None:
    done = _invoke("check", "-", "--lang", lang, stdin=json.dumps(profile).encode())
    assert done.exit_code == 2 and done.stdout == ""
    message = done.stderr.strip()
    assert message.startswith(f"<stdin>: {path}: " + (french if lang == "fr" else english))
    assert "\n" not in message


@pytest.mark.parametrize(
    ("raw", "english", "french"),
    [
        (b'{"household": "\xff"}', "not UTF-8 text: byte 0xff", "pas du texte UTF-8 : octet 0xff"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than", "plus de"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested more than", "plus de"),
        (
            b" " * (MAX_INPUT_BYTES + 1),
            "larger than 1,048,576 bytes",
            "plus de 1\u00a0048\u00a0576",
        ),
        (b'{"as_of": NaN}', "not valid JSON: NaN", "JSON non valide : NaN"),
    ],
    ids=["undecodable", "deeper-than-python", "deeper-than-the-limit", "oversized", "nan"],
)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_unreadable_input_file_exits_2_with_one_line_never_an_internal_error(
    tmp_path: Path, raw: bytes, english: str, french: str, lang: str
) -> None:
    file = tmp_path / "profile.json"
    file.write_bytes(raw)
    for source, name, stdin in (("-", "<stdin>", raw), (str(file), str(file), None)):
        done = _invoke("check", source, "--lang", lang, stdin=stdin)
        assert done.exit_code == 2 and done.stdout == ""
        assert done.stderr.startswith(f"{name}: " + (french if lang == "fr" else english))
        assert "internal error" not in done.stderr and done.stderr.count("\n") == 1


def test_a_utf8_byte_order_mark_is_accepted_and_changes_nothing() -> None:
    body = (ROOT / "examples/household.json").read_bytes()
    plain = _invoke("check", "-", "--json", stdin=body)
    marked = _invoke("check", "-", "--json", stdin=b"\xef\xbb\xbf" + body)
    assert plain.exit_code == marked.exit_code == 0, marked.stderr
    assert marked.stdout == plain.stdout


def test_a_missing_input_file_is_named_in_french_with_lang_fr() -> None:
    done = _invoke("check", "no-such-file.json", "--lang", "fr")
    assert done.exit_code == 2
    assert done.stderr.strip() == (
        "no-such-file.json: lecture impossible : fichier ou dossier introuvable"
    )


# --- lifeevents schema --------------------------------------------------------------------------


def _schema(kind: str) -> dict[str, Any]:
    done = _invoke("schema", kind)
    assert done.exit_code == 0, done.stderr
    body: dict[str, Any] = json.loads(done.stdout)
    assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return body


def test_schema_profile_has_every_stated_fact_of_the_registry_with_its_limits() -> None:
    body = _schema("profile")
    member = body["$defs"]["Member"]["properties"]
    household = body["$defs"]["Household"]["properties"]
    for fact in FACTS.stated:
        fields = member if fact.entity == "person" else household
        assert fact.name in fields, fact.name
    assert body["required"] == ["household"]  # as_of is optional: default today
    income = member["net_income"]["anyOf"][0]
    assert (income["minimum"], income["maximum"]) == (0, 100_000_000)
    assert member["id"]["pattern"] and member["custody"]["anyOf"][0]["enum"] == ["full", "shared"]


def test_schema_result_describes_check_result_and_every_program_result_field() -> None:
    body = _schema("result")
    assert set(body["properties"]) == {"as_of", "results", "next_question", "not_assessed"}
    assert set(body["$defs"]["ProgramResult"]["properties"]) == set(ProgramResult.model_fields)


def test_schema_event_follows_the_life_event_contract() -> None:
    body = _schema("event")
    assert set(body["properties"]) == {"as_of", "household", "event", "history"}
    assert set(body["required"]) == {"household", "event"}
    assert set(body["$defs"]["Event"]["properties"]) == {"type", "date", "data"}


def test_schema_of_an_unknown_kind_exits_2_with_one_line() -> None:
    done = _invoke("schema", "household")
    assert done.exit_code == 2 and done.stdout == ""
    assert done.stderr.strip() == "kind: must be profile, result or event, not 'household'"


def _models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """``model`` and every model its fields hold, by name."""
    found = {model.__name__: model}
    for field in model.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            kind = stack.pop()
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                if kind.__name__ not in found:
                    found.update(_models(kind))
            else:
                stack.extend(typing.get_args(kind))
    return found


def test_docs_result_md_describes_every_field_of_every_result_model() -> None:
    page = (ROOT / "docs/result.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## `(\w+)`\n(.*?)(?=^## |\Z)", page, re.M | re.S))
    models = _models(CheckResult)
    assert set(sections) == set(models)
    for name, model in models.items():
        rows = [row for row in sections[name].splitlines() if row.startswith("| `")]
        documented = [row.split("`")[1] for row in rows]
        assert documented == [*model.model_fields, *model.model_computed_fields], name
        meanings = [row.rstrip(" |").rsplit(" | ", 1)[1] for row in rows]
        assert all(len(meaning) > 10 for meaning in meanings), name


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


def test_the_command_line_starts_without_the_analysts_stack() -> None:
    """`lifeevents check` (a cold start, issue 18) does not import what only scenarios, the
    disparity checks, the store and the service need: the statistics stack, Parquet, Dask, rich's
    progress bars, SQLAlchemy and Alembic, FastAPI and uvicorn (the console script is
    ``api.cli:main``)."""
    import subprocess
    import sys

    heavy = (
        "scipy", "statsmodels", "pyarrow", "dask", "distributed", "rich.progress", "sqlalchemy",
        "alembic", "fastapi", "uvicorn",
    )  # fmt: skip
    probe = f"import sys, api.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
