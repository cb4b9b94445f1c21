"""Shared scenario test helpers: the bundled `canada` spec and small populations from it."""

from __future__ import annotations

import functools
from pathlib import Path

from kit import FACTS

from engine.evaluation.population import Population
from engine.scenarios import generate, load_spec, write_population
from engine.scenarios.spec import PopulationSpec

ROOT = Path(__file__).resolve().parents[3]
CANADA = ROOT / "scenarios" / "populations" / "canada.yaml"
REFORMS = ROOT / "scenarios" / "reforms"


@functools.cache
def canada() -> PopulationSpec:
    """The bundled `canada` spec."""
    return load_spec(CANADA, FACTS)


def small(size: int = 3_000, seed: int | None = None) -> Population:
    """A small population drawn from the `canada` spec."""
    return generate(canada(), FACTS, size=size, seed=seed)


def written(path: Path, size: int = 3_000, per_group: int = 500) -> Population:
    """A small population, written to ``path`` in row groups of ``per_group`` households."""
    population = small(size)
    write_population(population, FACTS, path, households_per_group=per_group)
    return population
