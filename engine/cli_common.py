"""What every ``lifeevents`` command shares: the typer apps, the consoles, input reading and
the exits (2 for bad input, naming the file or option and the reason)."""

from __future__ import annotations

import datetime as dt
import errno
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from engine.catalog.json_input import MAX_INPUT_BYTES, decode_json
from engine.catalog.loader import load_catalog
from engine.catalog.paths import default_rules_dir
from engine.catalog.profile import Profile, before_first_figures
from engine.catalog.program import Catalog
from engine.eligibility.rule_tests import CaseOutcome
from engine.engine import Engine
from engine.errors import (
    EvaluationError,
    InputError,
    LifeEventsError,
    ParameterValueMissing,
    RuleFileError,
)

T = TypeVar("T")

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = [
    "RulesOption",
    "answer_or_exit",
    "app",
    "catalog_or_exit",
    "check_lang",
    "date_option",
    "fail",
    "figures_on",
    "progress_bar",
    "read_input",
    "report_cases",
    "rules_app",
    "say",
    "stderr",
    "stdout",
]

app = typer.Typer(
    help="Life-event benefits engine: which programs apply, how much, and why.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


rules_app = typer.Typer(help="List, validate and test the rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def progress_bar(what: str) -> Progress:
    """A progress bar on stderr for long work (``what``: the unit counted), gone when done.
    rich's progress module is imported here, by the long commands only."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=stderr, transient=True)


RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Rules directory (default: the bundled rules).")
]


def fail(message: str, code: int) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code``."""
    stderr.print(message, markup=False)
    raise typer.Exit(code)


def say(lang: str, en: str, fr: str) -> str:
    """The English or the French message."""
    return fr if lang == "fr" else en


_OS_ERRORS_FR = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EISDIR: "c'est un dossier",
    errno.EACCES: "accès refusé",
}


def read_input(source: str, lang: str) -> Any:
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
        fail(
            f"{name}: "
            + say(lang, f"cannot read: {exc.strerror}", f"lecture impossible : {french}"),
            2,
        )
    try:
        return decode_json(raw)
    except InputError as exc:
        fail(f"{name}: {exc.message(lang)}", 2)


def figures_on(engine: Engine, profile: Profile) -> None:
    """An ``as_of`` before the first figures of the rules is an input error naming ``as_of``."""
    try:
        engine.catalog.check_parameters(profile.as_of)
    except ParameterValueMissing as exc:
        first = engine.catalog.earliest_complete_date
        raise before_first_figures(profile.as_of, first, exc.location) from None


def check_lang(lang: str) -> None:
    """Exit 2 unless ``lang`` is en or fr."""
    if lang not in ("en", "fr"):
        fail(f"--lang: must be en or fr, not {lang!r}", 2)


def date_option(name: str, value: str | None, lang: str = "en") -> dt.date | None:
    """A ``--as-of``-style option as a date (None when absent); exits 2 when it is not one."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(
            say(
                lang,
                f"{name}: not a date (expected YYYY-MM-DD): {value!r}",
                f"{name} : pas une date (format attendu AAAA-MM-JJ) : {value!r}",
            ),
            2,
        )


def answer_or_exit(name: str, lang: str, work: Callable[[], T]) -> T:
    """The answer of ``work`` (a check, an event) on the input named ``name``: bad input or a
    broken rule file exits 2 naming it, an engine failure exits 1."""
    try:
        return work()
    except InputError as exc:
        fail(f"{name}: {exc.message(lang)}", 2)
    except ParameterValueMissing as exc:
        fail(f"{name}: as_of: {exc}", 2)
    except RuleFileError as exc:
        fail(str(exc), 2)
    except EvaluationError as exc:
        fail(f"internal error: {exc}", 1)


def catalog_or_exit(rules: Path | None) -> Catalog:
    """The catalog of ``rules`` (default: the bundled rules); a broken file exits 2."""
    try:
        return load_catalog(rules or default_rules_dir())
    except RuleFileError as exc:
        fail(str(exc), 2)


def report_cases(run: Callable[[], tuple[Path, Sequence[CaseOutcome]]], what: str) -> None:
    """Run worked cases (``run`` gives the folder and the outcomes) and report each failure
    with its file and line; exit 0 when all pass, 1 when a case fails, 2 when none was found
    or one could not be run."""
    try:
        root, outcomes = run()
    except LifeEventsError as exc:
        fail(str(exc), 2)
    if not outcomes:
        fail(f"{root}: no {what} files (*.yaml) under this folder", 2)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        if o.broken and not o.name:  # the whole file
            stderr.print(f"FAIL {o.location}: {o.detail}", markup=False)
        else:
            stderr.print(f"FAIL {o.location} [{o.program}] {o.name}\n     {o.detail}", markup=False)
    stdout.print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(2 if any(o.broken for o in failed) else 1)
