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
    date_option,
    progress_bar,
    stdout,
)
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
    rules: RulesOption = None,
) -> None:
    """Draw a synthetic population from a spec and write it as Parquet (with weights)."""
    # pyarrow (and Dask for --dask) only when a scenario is asked for
    from engine.scenarios.generate import generate
    from engine.scenarios.parquet import write_population
    from engine.scenarios.spec import load_spec

    started = time.perf_counter()
    engine = answer_or_exit(str(spec), "en", lambda: Engine.load(rules))
    facts = engine.catalog.facts
    parsed = answer_or_exit(str(spec), "en", lambda: load_spec(spec, facts))
    population = generate(parsed, facts, size=size, seed=seed)
    partial = out.with_name(out.name + ".partial")
    answer_or_exit(str(out), "en", lambda: write_population(population, facts, partial))
    partial.replace(out)  # a reader never sees half a file
    stdout.print(
        f"{out}: {population.n_persons:,} persons in {population.n_households:,} households "
        f"standing for {int(population.weight[population.household_of].sum()):,} persons "
        f"({time.perf_counter() - started:.1f} s)"
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
    rules: RulesOption = None,
) -> None:
    """Baseline (and reform) on a population: cost and caseload by program and province,
    winners and losers by income decile and province."""
    # pyarrow (and Dask for --dask) only when a scenario is asked for
    from engine.scenarios.reforms import load_reform
    from engine.scenarios.report import report, write_report
    from engine.scenarios.run import plan, run

    started = time.perf_counter()
    day = date_option("--on", on)
    reform_name = (
        answer_or_exit(str(reform), "en", lambda: load_reform(reform)).name
        if reform is not None
        else None
    )
    the_plan = answer_or_exit(
        str(population), "en", lambda: plan(population, reform=reform, rules=rules, on=day)
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
    stdout.print(
        f"{the_plan.population.name}: {int(tally.population[3]):,} persons "
        f"({int(tally.population[1]):,} weighted) in {time.perf_counter() - started:.1f} s; "
        f"wrote {', '.join(p.name for p in written)} to {out}"
    )
