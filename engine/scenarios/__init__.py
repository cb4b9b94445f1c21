"""Policy scenarios: synthetic populations from cited specs, reforms as YAML, baseline versus
reform over millions of persons, in memory or on a Dask cluster."""

from engine.scenarios.generate import generate
from engine.scenarios.parquet import PopulationFile, write_population
from engine.scenarios.spec import PopulationSpec, load_spec

__all__ = ["PopulationFile", "PopulationSpec", "generate", "load_spec", "write_population"]
