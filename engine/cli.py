"""The ``lifeevents`` command line (typer + rich). It holds no domain logic.

Exit status: 0 success; 2 invalid input or a broken rule file (the message names the file or
JSON path and the reason); 1 internal error. Errors go to stderr, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from engine.catalog.loader import load_catalog, validate_catalog
from engine.catalog.paths import default_rules_dir
from engine.engine import Engine
from engine.errors import EvaluationError, InputError, LifeEventsError, RuleFileError
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


def _read_json(source: str) -> Any:
    name = "<stdin>" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"{name}: cannot read: {exc.strerror}", 2)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{name}: not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}", 2)


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
            _fail(f"--as-of: not a date (expected YYYY-MM-DD): {as_of!r}", 2)
    data = _read_json(file)
    name = "<stdin>" if file == "-" else file
    try:
        engine = Engine.load(rules)
        result = engine.check(engine.parse(data, as_of=when))
    except InputError as exc:
        _fail(f"{name}: {exc}", 2)
    except RuleFileError as exc:
        _fail(str(exc), 2)
    except EvaluationError as exc:
        _fail(f"internal error: {exc}", 1)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        print_check(stdout, result, lang, facts=engine.catalog.facts, details=details)


@rules_app.command("list")
def rules_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rules: RulesOption = None,
) -> None:
    """List the programs in the catalog."""
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
    """Run the worked cases in rules/tests and report each one."""
    try:
        engine = Engine.load(rules)
        outcomes = engine.run_rule_tests(path)
    except LifeEventsError as exc:
        _fail(str(exc), 2)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        stderr.print(
            f"FAIL {o.file}:{o.line} [{o.program}] {o.name}\n     {o.detail}", markup=False
        )
    stdout.print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed or not outcomes:
        raise typer.Exit(1)


if __name__ == "__main__":  # `python -m engine.cli`, as the packaging tests run it
    main()
