"""``lifeevents event`` (what a life event changes) and ``lifeevents events list``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from engine.catalog.loader import load_catalog
from engine.catalog.paths import default_rules_dir
from engine.cli_common import RulesOption, app, check_lang, fail, read_input, stderr, stdout
from engine.engine import Engine
from engine.errors import (
    EvaluationError,
    InputError,
    LifeEventsError,
    ParameterValueMissing,
    RuleFileError,
)
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
    try:
        engine = Engine.load(rules)
        result = engine.event(data)
    except InputError as exc:
        fail(f"{name}: {exc.message(lang)}", 2)
    except ParameterValueMissing as exc:
        fail(f"{name}: as_of: {exc}", 2)
    except RuleFileError as exc:
        fail(str(exc), 2)
    except EvaluationError as exc:
        fail(f"internal error: {exc}", 1)
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
    try:
        engine = Engine.load(rules)
        root = path or engine.catalog.root / "event_tests"
        outcomes = engine.run_event_tests(root)
    except LifeEventsError as exc:
        fail(str(exc), 2)
    if not outcomes:
        fail(f"{root}: no life event case files (*.yaml) under this folder", 2)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        stderr.print(f"FAIL {o.location} [{o.program}] {o.name}\n     {o.detail}", markup=False)
    stdout.print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(2 if any(o.broken for o in failed) else 1)


@events_app.command("list")
def events_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rules: RulesOption = None,
) -> None:
    """List the life events: their data fields, programs reviewed and follow-ups."""
    try:
        catalog = load_catalog(rules or default_rules_dir())
    except RuleFileError as exc:
        fail(str(exc), 2)
    rows: list[dict[str, Any]] = []
    for spec in catalog.life_events.values():
        listed = sorted(p for p, r in catalog.programs.items() if spec.id in r.program.life_events)
        rows.append(
            {
                "event": spec.id,
                "name": spec.name.model_dump(),
                "data": {
                    key: {
                        "kind": field.type or f"fact:{field.fact}",
                        "required": field.required,
                    }
                    for key, field in spec.data.items()
                },
                "programs": sorted(set(spec.programs) | set(listed)),
                "follow_ups": [f.id for f in spec.follow_ups],
                "notify": [n.agency for n in spec.notify],
            }
        )
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
