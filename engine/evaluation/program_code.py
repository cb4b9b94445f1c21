"""A program's compiled code, and how the engine knows its own formulas in OpenFisca.

The compiler turns a program's variables and parts into vectorized functions and bounds
functions (:class:`ProgramCode`) and installs OpenFisca formulas that call them, marked as the
engine's own; :func:`own_formula` finds that mark, so a read can call the formula directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from engine.catalog.program import Part, ProgramRules
from engine.catalog.tree import Expr
from engine.evaluation.bounds import BoundsFn
from engine.evaluation.vectorize import Compiled

__all__ = ["OnFirstUse", "ProgramCode", "own_formula"]

K = TypeVar("K")
V = TypeVar("V")


class OnFirstUse(dict[K, V], Generic[K, V]):
    """Expressions compiled when first read (``[key]``), not all at load: a one-household
    check runs the generated code and never reads most of the vectorized functions, and a
    fresh process (``lifeevents check``) would pay for compiling all of them. Compiling is
    pure, so two threads reading the same key at once only compile it twice."""

    def __init__(self, sources: Mapping[K, Expr], compile_one: Callable[[Expr], V]) -> None:
        super().__init__()
        self._sources = sources
        self._compile = compile_one

    def __missing__(self, key: K) -> V:
        value = self[key] = self._compile(self._sources[key])
        return value

    def compile_all(self) -> None:
        """Compile every expression not compiled yet."""
        for key in self._sources:
            if key not in self:
                self.__missing__(key)


@dataclass(frozen=True)
class ProgramCode:
    """A program's compiled intermediate variables (evaluated inside contexts, not OpenFisca)
    and the same expressions compiled to bounds (see :mod:`engine.evaluation.bounds`)."""

    rules: ProgramRules
    variables: OnFirstUse[str, Compiled]
    parts: OnFirstUse[Part, Compiled]
    variable_bounds: OnFirstUse[str, BoundsFn]
    bounds: OnFirstUse[Part, BoundsFn]


def own_formula(system: Any, name: str) -> Any:
    """The engine's own formula of a variable, or None (no formula, several, or a reform's)."""
    formulas = system.get_variable(name).formulas
    if len(formulas) != 1:
        return None
    formula = formulas.peekitem(0)[1]
    return formula if getattr(formula, "lifeevents_own", False) else None
