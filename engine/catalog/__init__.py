"""Rule files: load and validate them, check expressions, compile the catalog to OpenFisca."""

from engine.catalog.compiler import CompiledSystem, compile_catalog
from engine.catalog.expressions import Expr, Namespace, check
from engine.catalog.facts import FACTS, Fact, Kind
from engine.catalog.loader import (
    Catalog,
    ProgramRules,
    default_rules_dir,
    load_catalog,
    validate_catalog,
)
from engine.catalog.schema import Program

__all__ = [
    "FACTS",
    "Catalog",
    "CompiledSystem",
    "Expr",
    "Fact",
    "Kind",
    "Namespace",
    "Program",
    "ProgramRules",
    "check",
    "compile_catalog",
    "default_rules_dir",
    "load_catalog",
    "validate_catalog",
]
