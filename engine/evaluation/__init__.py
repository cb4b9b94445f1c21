"""Run the rules: the catalog compiled to OpenFisca, populations in columns, simulations."""

from engine.evaluation.columns import from_columns, to_columns
from engine.evaluation.compiler import CompiledSystem, compile_catalog
from engine.evaluation.population import Population, from_profiles
from engine.evaluation.simulate import Run, simulate

__all__ = [
    "CompiledSystem",
    "Population",
    "Run",
    "compile_catalog",
    "from_columns",
    "from_profiles",
    "simulate",
    "to_columns",
]
