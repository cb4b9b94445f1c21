"""``lifeevents equity``: disparity checks by group on a population file, before and after a
reform; JSON, CSV and an HTML report in English and French.

Every input is checked before any household is evaluated (the population file, the reform, the
groups, the options): a problem exits 2 naming it, and nothing is written.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from engine.cli_common import (
    RulesOption,
    answer_or_exit,
    app,
    check_lang,
    date_option,
    fail,
    progress_bar,
    say,
    stdout,
)
from engine.eligibility.formatting import number
from engine.errors import InputError

__all__ = ["equity", "parse_reference"]

DEFAULT_BY = (
    "gender", "indigenous_identity", "racialized", "newcomer", "official_language_minority",
    "rural_remote", "age_band", "disability",
)  # fmt: skip


def parse_reference(text: str | None) -> dict[str, str]:
    """``gender=woman,age_band=25-34`` as a mapping.

    Raises:
        InputError: a part without ``=``.

    Examples:
        >>> parse_reference("gender=woman, newcomer=True")
        {'gender': 'woman', 'newcomer': 'True'}
    """
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        attribute, sep, level = part.partition("=")
        if not sep or not attribute.strip() or not level.strip():
            raise InputError(
                "reference",
                f"expected group=level, not {part.strip()!r}",
                fr=f"groupe=niveau attendu, et non {part.strip()!r}",
            )
        out[attribute.strip()] = level.strip()
    return out


def _option(exc: InputError, lang: str) -> str:
    """An option's error as the command line names it (``--reference: …``)."""
    reason = exc.reason_fr if lang == "fr" and exc.reason_fr else exc.reason
    return f"--{exc.path.split('/')[0]}: {reason}"


@app.command("equity")
def equity(
    population: Annotated[Path, typer.Argument(help="Population file (Parquet).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the JSON, CSV and HTML files.")],
    by: Annotated[
        str, typer.Option("--by", help="Groups, comma-separated (default: all eight).")
    ] = ",".join(DEFAULT_BY),
    reform: Annotated[
        Path | None, typer.Option("--reform", help="Reform file (scenarios/reforms/*.yaml).")
    ] = None,
    intersections: Annotated[
        int, typer.Option("--intersections", help="Cross up to 2 or 3 groups (1: none).")
    ] = 1,
    preset: Annotated[
        str,
        typer.Option("--preset", help="Suppression: default (10) or statcan (40/250, rounding)."),
    ] = "default",
    threshold: Annotated[
        int | None, typer.Option("--threshold", help="Raise the preset's smallest cell.")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Reference groups, e.g. gender=man.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random rounding.")] = 0,
    on: Annotated[
        str | None, typer.Option("--on", help="Day to evaluate (default: the file's as_of).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes here.")] = 2,
    lang: Annotated[str, typer.Option("--lang", help="en or fr")] = "en",
    rules: RulesOption = None,
) -> None:
    """Eligibility rates, amounts and gaps by group (and intersections), small cells
    suppressed; with a reform, how each gap changes."""
    # the statistics stack (scipy, statsmodels, pyarrow) is imported only when asked for: every
    # other command starts without it
    from engine.equity.analysis import analyse, check_options
    from engine.equity.report import document, write_report
    from engine.equity.run import engines, plan_equity, program_names, run_equity
    from engine.equity.suppress import Policy
    from engine.scenarios.reforms import load_reform

    check_lang(lang)
    started = time.perf_counter()
    day = date_option("--on", on, lang)
    attributes = tuple(a.strip() for a in by.split(",") if a.strip())
    try:
        policy = Policy.named(preset, threshold, seed)
        chosen = parse_reference(reference)
    except InputError as exc:
        fail(_option(exc, lang), 2)
    if reform is not None:
        answer_or_exit(str(reform), lang, lambda: load_reform(reform))
    the_plan = answer_or_exit(
        str(population),
        lang,
        lambda: plan_equity(population, attributes, reform=reform, rules=rules, on=day),
    )
    try:
        check_options(the_plan.layout, intersections, chosen)
    except InputError as exc:
        fail(_option(exc, lang), 2)
    with progress_bar("row groups") as bar:
        task = bar.add_task("run", total=the_plan.row_groups)
        counts = run_equity(the_plan, workers=workers, progress=lambda n: bar.advance(task, n))
    evaluated = time.perf_counter()
    about = {
        "population": population.name,
        **counts.totals(),
        "on": the_plan.on.isoformat(),
        "reform": reform.stem if reform is not None else None,
        "intersections": intersections,
    }
    names = program_names(*engines(rules, reform))
    analysis = analyse(counts, policy, intersections=intersections, reference=chosen)
    written = write_report(document(analysis, about=about, names=names, reference=chosen), out)
    evaluation = number(evaluated - started, lang, 1)
    rest, files = (
        number(time.perf_counter() - evaluated, lang, 1),
        ", ".join(p.name for p in written),
    )
    stdout.print(
        say(
            lang,
            f"{population.name}: evaluated in {evaluation} s, equity in {rest} s; wrote {files} "
            f"to {out}",
            f"{population.name} : évaluée en {evaluation} s, équité en {rest} s ; écrit "
            f"{files} dans {out}",
        )
    )
