"""``lifeevents rules``: list, validate, test the rule files and write the HTML catalog."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from engine.catalog.loader import load_catalog, validate_catalog
from engine.catalog.paths import default_rules_dir
from engine.catalog_site import write_catalog_site
from engine.cli_common import (
    RulesOption,
    catalog_or_exit,
    date_option,
    fail,
    report_cases,
    rules_app,
    stderr,
    stdout,
)
from engine.eligibility.rule_tests import CaseOutcome
from engine.engine import Engine
from engine.errors import RuleFileError
from engine.listing import program_row

__all__ = ["rules_docs", "rules_list", "rules_test", "rules_validate"]


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
    on = date_option("--as-of", as_of) or dt.date.today()
    catalog = catalog_or_exit(rules)
    rows = [{**program_row(r, on), "file": str(r.file)} for r in catalog.programs.values()]
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
                fail(f"--as-of: not a date (expected YYYY-MM-DD): {as_of!r}", 2)
    for error in errors:
        stderr.print(str(error), markup=False)
    if errors:
        raise typer.Exit(2)
    catalog = load_catalog(root)
    programs = catalog.programs.values()
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
    sharing = catalog.sharing
    if sharing.agencies:
        synthetic = sum(a.synthetic for a in sharing.agreements.values())
        stdout.print(
            f"{len(sharing.agencies)} agencies and {len(sharing.agreements)} sharing agreements "
            f"valid; {synthetic} agreements are synthetic (no public text; see their notes)",
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

    def run() -> tuple[Path, list[CaseOutcome]]:
        engine = Engine.load(rules)
        root = path or engine.catalog.root / "tests"
        return root, engine.run_rule_tests(root)

    report_cases(run, "rule test")


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
    on = date_option("--as-of", as_of) or dt.date.today()
    catalog = catalog_or_exit(rules)
    if out.exists() and not out.is_dir():
        fail(f"--out: {out} is a file, not a folder", 2)
    try:
        written = write_catalog_site(catalog, out, on)
    except OSError as exc:
        fail(f"--out: cannot write {out}: {exc.strerror or exc}", 2)
    stdout.print(
        f"{len(catalog.programs)} programs written to {out} ({written} files); "
        f"open {out / 'index.html'}",
        soft_wrap=True,
        markup=False,
    )
