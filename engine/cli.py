"""The ``lifeevents`` command line (typer + rich). It holds no domain logic.

Exit status: 0 success; 2 invalid input or a broken rule file (the message names the file or
JSON path and the reason); 1 internal error. Errors go to stderr, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from engine.catalog.event import event_model
from engine.catalog.json_input import MAX_INPUT_BYTES, decode_json
from engine.catalog.loader import load_catalog, validate_catalog
from engine.catalog.paths import default_rules_dir
from engine.catalog.profile import Profile, before_first_figures
from engine.catalog_site import write_catalog_site
from engine.eligibility.result import CheckResult
from engine.engine import Engine
from engine.errors import (
    EvaluationError,
    InputError,
    LifeEventsError,
    ParameterValueMissing,
    RuleFileError,
)
from engine.report import print_check

app = typer.Typer(
    help="Life-event benefits engine: which programs apply, how much, and why.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def main() -> None:
    """Console entry point: no traceback ever reaches the user; internal errors exit 1."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # a bug, not bad input: say so briefly, exit 1
        stderr.print(f"internal error: {type(exc).__name__}: {exc}", markup=False)
        sys.exit(1)


rules_app = typer.Typer(help="List, validate and test the rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Rules directory (default: the bundled rules).")
]


def _fail(message: str, code: int) -> NoReturn:
    stderr.print(message, markup=False)
    raise typer.Exit(code)


def _say(lang: str, en: str, fr: str) -> str:
    return fr if lang == "fr" else en


_OS_ERRORS_FR = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EISDIR: "c'est un dossier",
    errno.EACCES: "accès refusé",
}


def _read_input(source: str, lang: str) -> Any:
    """The JSON value of an input file (``-``: stdin), read as bytes and never past the size
    limit; exits 2 naming the file and the reason."""
    name = "<stdin>" if source == "-" else source
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(source, "rb") as stream:
                raw = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        french = _OS_ERRORS_FR.get(exc.errno or 0, str(exc.strerror))
        _fail(
            f"{name}: "
            + _say(lang, f"cannot read: {exc.strerror}", f"lecture impossible : {french}"),
            2,
        )
    try:
        return decode_json(raw)
    except InputError as exc:
        _fail(f"{name}: {exc.message(lang)}", 2)


def _figures_on(engine: Engine, profile: Profile) -> None:
    """An ``as_of`` before the first figures of the rules is an input error naming ``as_of``."""
    try:
        engine.catalog.check_parameters(profile.as_of)
    except ParameterValueMissing as exc:
        first = engine.catalog.earliest_complete_date
        raise before_first_figures(profile.as_of, first, exc.location) from None


@app.command()
def check(
    file: Annotated[str, typer.Argument(help="Profile JSON file, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="en or fr")] = "en",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the question (YYYY-MM-DD).")
    ] = None,
    rules: RulesOption = None,
    details: Annotated[
        bool, typer.Option("--details", help="Every criterion of every program, and references.")
    ] = False,
) -> None:
    """Check which programs a household is eligible for, how much, and why."""
    if lang not in ("en", "fr"):
        _fail(f"--lang: must be en or fr, not {lang!r}", 2)
    when = None
    if as_of is not None:
        try:
            when = dt.date.fromisoformat(as_of)
        except ValueError:
            _fail(
                _say(
                    lang,
                    f"--as-of: not a date (expected YYYY-MM-DD): {as_of!r}",
                    f"--as-of : pas une date (format attendu AAAA-MM-JJ) : {as_of!r}",
                ),
                2,
            )
    data = _read_input(file, lang)
    name = "<stdin>" if file == "-" else file
    try:
        engine = Engine.load(rules)
        profile = engine.parse(data, as_of=when)
        _figures_on(engine, profile)
        result = engine.check(profile)
    except InputError as exc:
        _fail(f"{name}: {exc.message(lang)}", 2)
    except RuleFileError as exc:
        _fail(str(exc), 2)
    except EvaluationError as exc:
        _fail(f"internal error: {exc}", 1)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        print_check(stdout, result, lang, facts=engine.catalog.facts, details=details)


def _unverified_in_force(rules: Any, today: dt.date) -> int:
    """How many of a program's parameter values in force on ``today`` are unverified."""
    values = (p.value_on(today) for p in rules.program.parameters.values())
    return sum(v is not None and v.status == "unverified" for v in values)


@rules_app.command("list")
def rules_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rules: RulesOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Count unverified values in force on this date (default: today)."
        ),
    ] = None,
) -> None:
    """List the programs in the catalog: jurisdiction, agency, life events, unverified values."""
    try:
        on = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        _fail(f"--as-of: not a date (expected YYYY-MM-DD): {as_of!r}", 2)
    try:
        catalog = load_catalog(rules or default_rules_dir())
    except RuleFileError as exc:
        _fail(str(exc), 2)
    rows: list[dict[str, Any]] = [
        {
            "program": r.id,
            "name": r.program.name.model_dump(),
            "jurisdiction": r.program.jurisdiction.model_dump(),
            "entity": r.program.entity,
            "status": r.program.status,
            "income_tested": r.program.income_tested,
            "valid_through": (
                r.program.valid_through.isoformat() if r.program.valid_through else None
            ),
            "unverified_values": sum(
                value.status == "unverified"
                for parameter in r.program.parameters.values()
                for value in parameter.values.values()
            ),
            "unverified_in_force": _unverified_in_force(r, on),
            "agency": r.program.agency.model_dump(),
            "life_events": list(r.program.life_events),
            "in_force": r.program.in_force.model_dump(mode="json") if r.program.in_force else None,
            "file": str(r.file),
        }
        for r in catalog.programs.values()
    ]
    if as_json:
        sys.stdout.write(
            json.dumps({"data": rows, "count": len(rows)}, indent=2, ensure_ascii=False) + "\n"
        )
        return
    table = Table(title=f"{len(rows)} programs")
    for column in ("program", "name", "jurisdiction", "status", "unverified", "valid through"):
        table.add_column(column)
    for row in rows:
        jurisdiction = row["jurisdiction"]
        table.add_row(
            row["program"],
            row["name"]["en"],
            f"{jurisdiction['level']} {jurisdiction['code']}",
            row["status"],
            str(row["unverified_values"]),
            row["valid_through"] or "—",
        )
    stdout.print(table)


@rules_app.command("validate")
def rules_validate(
    path: Annotated[Path | None, typer.Argument(help="Rules directory, folder or file.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Also check parameters have values on this date.")
    ] = None,
) -> None:
    """Validate rule files: schema, expressions, types, dependencies, French text."""
    root = path or default_rules_dir()
    errors = validate_catalog(root)
    if not errors and as_of is not None:
        try:
            load_catalog(root).check_parameters(dt.date.fromisoformat(as_of))
        except ValueError as exc:
            errors = [exc] if isinstance(exc, RuleFileError) else errors
            if not isinstance(exc, RuleFileError):
                _fail(f"--as-of: not a date (expected YYYY-MM-DD): {as_of!r}", 2)
    for error in errors:
        stderr.print(str(error), markup=False)
    if errors:
        raise typer.Exit(2)
    programs = load_catalog(root).programs.values()
    unverified = sum(
        1
        for rules in programs
        for parameter in rules.program.parameters.values()
        for value in parameter.values.values()
        if value.status == "unverified"
    )
    total = sum(len(p.values) for r in programs for p in r.program.parameters.values())
    stdout.print(
        f"{len(programs)} program files valid; {unverified} of {total} dated values are "
        "marked unverified (see their notes)",
        soft_wrap=True,
    )


@rules_app.command("test")
def rules_test(
    path: Annotated[Path | None, typer.Argument(help="Tests folder or file.")] = None,
    rules: RulesOption = None,
) -> None:
    """Run the worked cases in rules/tests and report each one.

    Exit 0 when every case passes, 1 when a case fails, 2 when the path does not exist, holds no
    case file, or a case file or case cannot be run (each reported with its file and line; the
    other cases still run).
    """
    try:
        engine = Engine.load(rules)
        root = path or engine.catalog.root / "tests"
        outcomes = engine.run_rule_tests(root)
    except LifeEventsError as exc:
        _fail(str(exc), 2)
    if not outcomes:
        _fail(f"{root}: no rule test files (*.yaml) under this folder", 2)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        if o.broken and not o.name:  # the whole file
            stderr.print(f"FAIL {o.location}: {o.detail}", markup=False)
        else:
            stderr.print(f"FAIL {o.location} [{o.program}] {o.name}\n     {o.detail}", markup=False)
    stdout.print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(2 if any(o.broken for o in failed) else 1)


@rules_app.command("docs")
def rules_docs(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the HTML catalog into.")],
    rules: RulesOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Show the figures in force on this date (default: today)."),
    ] = None,
) -> None:
    """Write the browsable catalog: static HTML pages of every program in English and French
    (summary, criteria, dated figures with their sources, coverage), and what is not assessed."""
    try:
        on = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        _fail(f"--as-of: not a date (expected YYYY-MM-DD): {as_of!r}", 2)
    try:
        catalog = load_catalog(rules or default_rules_dir())
    except RuleFileError as exc:
        _fail(str(exc), 2)
    if out.exists() and not out.is_dir():
        _fail(f"--out: {out} is a file, not a folder", 2)
    try:
        written = write_catalog_site(catalog, out, on)
    except OSError as exc:
        _fail(f"--out: cannot write {out}: {exc.strerror or exc}", 2)
    stdout.print(
        f"{len(catalog.programs)} programs written to {out} ({written} files); "
        f"open {out / 'index.html'}",
        soft_wrap=True,
        markup=False,
    )


_SCHEMA_KINDS = ("profile", "result", "event")


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="profile, result or event.")],
    rules: RulesOption = None,
) -> None:
    """Print the JSON Schema of the household profile, the eligibility result or the life event
    (docs/contracts.md); the profile's facts come from the rules' fact registry."""
    if kind not in _SCHEMA_KINDS:
        _fail(f"kind: must be profile, result or event, not {kind!r}", 2)
    try:
        catalog = load_catalog(rules or default_rules_dir())
    except RuleFileError as exc:
        _fail(str(exc), 2)
    if kind == "result":
        body = CheckResult.model_json_schema(mode="serialization")
    elif kind == "event":
        body = event_model(catalog.profile_model).model_json_schema()
    else:
        body = catalog.profile_model.model_json_schema()
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **body}
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # `python -m engine.cli`, as the packaging tests run it
    main()
