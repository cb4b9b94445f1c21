"""A program's compiled code, and how the engine knows its own formulas in OpenFisca.

The compiler turns a program's variables and parts into vectorized functions and bounds
functions (:class:`ProgramCode`) and installs OpenFisca formulas that call them, marked as the
engine's own; :func:`own_formula` finds that mark, so a read can call the formula directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.catalog.program import Part, ProgramRules
from engine.evaluation.bounds import BoundsFn
from engine.evaluation.vectorize import Compiled

__all__ = ["ProgramCode", "own_formula"]


@dataclass(frozen=True)
class ProgramCode:
    """A program's compiled intermediate variables (evaluated inside contexts, not OpenFisca)
    and the same expressions compiled to bounds (see :mod:`engine.evaluation.bounds`)."""

    rules: ProgramRules
    variables: dict[str, Compiled]
    parts: dict[Part, Compiled]
    variable_bounds: dict[str, BoundsFn] = field(default_factory=dict)
    bounds: dict[Part, BoundsFn] = field(default_factory=dict)


def own_formula(system: Any, name: str) -> Any:
    """The engine's own formula of a variable, or None (no formula, several, or a reform's)."""
    formulas = system.get_variable(name).formulas
    if len(formulas) != 1:
        return None
    formula = formulas.peekitem(0)[1]
    return formula if getattr(formula, "lifeevents_own", False) else None
