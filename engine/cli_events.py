"""``lifeevents event`` (what a life event changes) and ``lifeevents events list``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from engine.cli_common import (
    RulesOption,
    answer_or_exit,
    app,
    catalog_or_exit,
    check_lang,
    read_input,
    report_cases,
    stdout,
)
from engine.eligibility.rule_tests import CaseOutcome
from engine.engine import Engine
from engine.listing import event_rows
from engine.report_event import print_event

__all__ = ["event", "events_list", "events_test"]

events_app = typer.Typer(help="The life events the rules know.", no_args_is_help=True)
app.add_typer(events_app, name="events")


@app.command()
def event(
    file: Annotated[str, typer.Argument(help="Life event JSON file, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="en or fr")] = "en",
    rules: RulesOption = None,
) -> None:
    """What a life event changes: programs now open, changed or stopped, by when, next steps."""
    check_lang(lang)
    data = read_input(file, lang)
    name = "<stdin>" if file == "-" else file
    result = answer_or_exit(name, lang, lambda: Engine.load(rules).event(data))
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        print_event(stdout, result, lang)


@events_app.command("test")
def events_test(
    path: Annotated[Path | None, typer.Argument(help="Event cases folder or file.")] = None,
    rules: RulesOption = None,
) -> None:
    """Run the worked life event cases (rules/event_tests) and report each one.

    Exit 0 when every case passes, 1 when a case fails, 2 when the path does not exist, holds
    no case file, or a case cannot be run (each reported with its file and line).
    """

    def run() -> tuple[Path, list[CaseOutcome]]:
        engine = Engine.load(rules)
        root = path or engine.catalog.root / "event_tests"
        return root, engine.run_event_tests(root)

    report_cases(run, "life event case")


@events_app.command("list")
def events_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rules: RulesOption = None,
) -> None:
    """List the life events: their data fields, programs reviewed and follow-ups."""
    catalog = catalog_or_exit(rules)
    rows = event_rows(catalog)
    if as_json:
        body = {"data": rows, "count": len(rows)}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} life events")
    for column in ("event", "name", "data", "programs reviewed"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["event"], row["name"]["en"], ", ".join(row["data"]), str(len(row["programs"]))
        )
    stdout.print(table)
