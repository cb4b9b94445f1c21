"""The ``lifeevents`` command line (typer + rich). It holds no domain logic.

Exit status: 0 success; 2 invalid input or a broken rule file (the message names the file or
JSON path and the reason); 1 internal error. Errors go to stderr, never as a traceback. The
``rules`` commands are in :mod:`engine.cli_rules`, the life event commands in
:mod:`engine.cli_events`, the tell-us-once store's in :mod:`engine.cli_clients` (clients,
consents) and :mod:`engine.cli_store` (db, audit, outbox, inbox), the scenarios' in
:mod:`engine.cli_scenario`, the disparity checks' in :mod:`engine.cli_equity`.
"""

from __future__ import annotations

import atexit
import gc
import json
import sys
from typing import Annotated

import typer

from engine import cli_clients, cli_equity, cli_events, cli_rules, cli_scenario, cli_store
from engine.catalog.event import event_model
from engine.catalog.loader import load_catalog
from engine.catalog.paths import default_rules_dir
from engine.cli_common import (
    RulesOption,
    answer_or_exit,
    app,
    check_lang,
    date_option,
    fail,
    figures_on,
    read_input,
    stderr,
    stdout,
)
from engine.eligibility.result import CheckResult
from engine.engine import Engine
from engine.errors import RuleFileError
from engine.report import print_check

__all__ = [
    "app",
    "check",
    "cli_clients",
    "cli_equity",
    "cli_events",
    "cli_rules",
    "cli_scenario",
    "cli_store",
    "main",
    "schema",
]


def main() -> None:
    """Console entry point: no traceback ever reaches the user; internal errors exit 1."""
    # a command's objects all die with the process: the interpreter's last cyclic collection
    # over them (a third of a second after a check) frees nothing the exit would not
    atexit.unregister(gc.freeze)  # once, however often main runs in one process (tests)
    atexit.register(gc.freeze)
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # a bug, not bad input: say so briefly, exit 1
        stderr.print(f"internal error: {type(exc).__name__}: {exc}", markup=False)
        sys.exit(1)


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
    check_lang(lang)
    when = date_option("--as-of", as_of, lang)
    data = read_input(file, lang)
    name = "<stdin>" if file == "-" else file
    engine = answer_or_exit(name, lang, lambda: Engine.load(rules))

    def answer() -> CheckResult:
        profile = engine.parse(data, as_of=when)
        figures_on(engine, profile)
        checked: CheckResult = engine.check(profile)
        return checked

    result = answer_or_exit(name, lang, answer)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        print_check(stdout, result, lang, facts=engine.catalog.facts, details=details)


_SCHEMA_KINDS = ("profile", "result", "event")


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="profile, result or event.")],
    rules: RulesOption = None,
) -> None:
    """Print the JSON Schema of the household profile, the eligibility result or the life event
    (docs/contracts.md); the profile's facts come from the rules' fact registry."""
    if kind not in _SCHEMA_KINDS:
        fail(f"kind: must be profile, result or event, not {kind!r}", 2)
    try:
        catalog = load_catalog(rules or default_rules_dir())
    except RuleFileError as exc:
        fail(str(exc), 2)
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
