"""``lifeevents scenario``: generate a synthetic population, run baseline versus reform.

Every input is checked before any work starts (spec, reform, population file): a problem
exits 2 naming the file and line or the column, and writes nothing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from engine.cli_common import (
    RulesOption,
    answer_or_exit,
    app,
    check_lang,
    date_option,
    progress_bar,
    say,
    stdout,
)
from engine.eligibility.formatting import number
from engine.engine import Engine

__all__ = ["scenario_app"]

scenario_app = typer.Typer(
    help="Synthetic populations and baseline-versus-reform runs.", no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("generate")
def scenario_generate(
    spec: Annotated[Path, typer.Argument(help="Population spec (scenarios/populations/*.yaml).")],
    out: Annotated[Path, typer.Option("--out", help="Parquet file to write.")],
    size: Annotated[
        int | None, typer.Option("--size", min=1, help="Persons (default: the spec's).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed (default: the spec's).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or fr")] = "en",
    rules: RulesOption = None,
) -> None:
    """Draw a synthetic population from a spec and write it as Parquet (with weights)."""
    # pyarrow (and Dask for --dask) only when a scenario is asked for
    from engine.scenarios.generate import generate
    from engine.scenarios.parquet import write_population
    from engine.scenarios.spec import load_spec

    check_lang(lang)
    started = time.perf_counter()
    engine = answer_or_exit(str(spec), lang, lambda: Engine.load(rules))
    facts = engine.catalog.facts
    parsed = answer_or_exit(str(spec), lang, lambda: load_spec(spec, facts))
    population = generate(parsed, facts, size=size, seed=seed)
    partial = out.with_name(out.name + ".partial")
    answer_or_exit(str(out), lang, lambda: write_population(population, facts, partial))
    partial.replace(out)  # a reader never sees half a file
    persons, households = number(population.n_persons, lang), number(population.n_households, lang)
    weighted = number(int(population.weight[population.household_of].sum()), lang)
    seconds = number(time.perf_counter() - started, lang, 1)
    stdout.print(
        say(
            lang,
            f"{out}: {persons} persons in {households} households standing for {weighted} "
            f"persons ({seconds} s)",
            f"{out} : {persons} personnes dans {households} ménages, représentant {weighted} "
            f"personnes ({seconds} s)",
        )
    )


@scenario_app.command("run")
def scenario_run(
    population: Annotated[Path, typer.Argument(help="Population file (Parquet).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for summary.json and the CSVs.")],
    reform: Annotated[
        Path | None, typer.Option("--reform", help="Reform file (scenarios/reforms/*.yaml).")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Day to evaluate (default: the file's as_of).")
    ] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run on a local Dask cluster.")] = False,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of a Dask scheduler to run on.")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, help="Processes here, or workers of the local Dask cluster."
        ),
    ] = 2,
    lang: Annotated[str, typer.Option("--lang", help="en or fr")] = "en",
    rules: RulesOption = None,
) -> None:
    """Baseline (and reform) on a population: cost and caseload by program and province,
    winners and losers by income decile and province."""
    # pyarrow (and Dask for --dask) only when a scenario is asked for
    from engine.scenarios.reforms import load_reform
    from engine.scenarios.report import report, write_report
    from engine.scenarios.run import plan, run

    check_lang(lang)
    started = time.perf_counter()
    day = date_option("--on", on, lang)
    reform_name = (
        answer_or_exit(str(reform), lang, lambda: load_reform(reform)).name
        if reform is not None
        else None
    )
    the_plan = answer_or_exit(
        str(population), lang, lambda: plan(population, reform=reform, rules=rules, on=day)
    )
    client: Any = None
    cluster: Any = None
    try:
        if scheduler or dask:
            from distributed import Client, LocalCluster

            if scheduler:
                client = Client(scheduler)
            else:
                cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                client = Client(cluster)
        with progress_bar("households") as bar:
            task = bar.add_task("run", total=the_plan.row_groups)
            tally = run(
                the_plan,
                client=client,
                workers=workers,
                progress=lambda n: bar.advance(task, n),
            )
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    engine = Engine.load(rules)
    written = write_report(report(tally, the_plan, engine, reform_name), out)
    persons, weighted = (
        number(int(tally.population[3]), lang),
        number(int(tally.population[1]), lang),
    )
    seconds, files = (
        number(time.perf_counter() - started, lang, 1),
        ", ".join(p.name for p in written),
    )
    name = the_plan.population.name
    stdout.print(
        say(
            lang,
            f"{name}: {persons} persons ({weighted} weighted) in {seconds} s; wrote {files} "
            f"to {out}",
            f"{name} : {persons} personnes ({weighted} pondérées) en {seconds} s ; écrit "
            f"{files} dans {out}",
        )
    )
