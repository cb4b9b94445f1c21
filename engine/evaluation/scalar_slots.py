"""The vocabulary of the generated one-household code: the names and numbers its source uses.

Numbered slots for what a frame supplies (:class:`Slots`), the keys of units and the parts a
program has, the frame attributes a function binds as locals, the only operator tokens and the
float literals the source may contain, and :data:`OPS`, the one-row operators of
:mod:`scalar_ops` that the generated functions call by name.
"""

from __future__ import annotations

import math
from typing import Any

from engine.catalog.facts import BUILTIN_DATES
from engine.catalog.program import BENEFIT, STATUS, Part, ProgramRules
from engine.evaluation import scalar_ops

__all__ = [
    "ARITH_OPS",
    "CMP_OPS",
    "LOCALS",
    "OPS",
    "ROW_BITS",
    "Slots",
    "UnitKey",
    "literal",
    "part_units",
]

#: memo keys are ``unit << ROW_BITS | row``
ROW_BITS = 16
#: the only operator tokens the tree may put into generated source (the checker admits no
#: other; anything else is refused here too, so no text from a rule file reaches the source)
ARITH_OPS = frozenset({"+", "-", "*", "/"})
CMP_OPS = frozenset({"<", "<=", ">", ">=", "==", "!="})

UnitKey = tuple[Any, ...]
"""("var", program, name), ("part", program, part), ("raw", program, part), and
("node", number, program): a node by its number in the catalog (``ScalarCode.ordinal``)"""


def literal(value: float) -> str:
    """A float as Python source (NaN and infinities by name)."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "(-INF)"
    return repr(float(value))


class Slots:
    """Numbered places for what a frame supplies: facts (a yearly fact once per income-year
    rule), parameters, tables, built-in dates, and constants the code refers to."""

    def __init__(self) -> None:
        self.facts: dict[tuple[str, Any], int] = {}
        self.params: dict[tuple[str, str], int] = {}
        self.tables: dict[tuple[str, str], int] = {}
        self.dates: dict[str, int] = {name: i for i, name in enumerate(BUILTIN_DATES)}
        self.constants: dict[str, Any] = {}
        #: stated facts by name, numbered for the missing-facts code (see ``missing_code``)
        self.named: dict[str, int] = {}

    def fact(self, name: str, year_rule: Any) -> int:
        """The slot of a fact (``year_rule``: the program's income-year rule, or None)."""
        return self.facts.setdefault((name, year_rule), len(self.facts))

    def param(self, owner: str, name: str) -> int:
        """The slot of a parameter."""
        return self.params.setdefault((owner, name), len(self.params))

    def table(self, owner: str, name: str) -> int:
        """The slot of a table parameter."""
        return self.tables.setdefault((owner, name), len(self.tables))

    def missing_code(self, name: str) -> int:
        """The number a missing fact is written as in generated code: ``code + row + 1`` for
        a person's fact on ``row``, ``code`` for a household fact (``ROW_BITS`` for the row)."""
        return self.named.setdefault(name, len(self.named)) << ROW_BITS

    def constant(self, value: Any) -> str:
        """A name bound to ``value`` in the generated module."""
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name


#: what a unit's function binds at its start, by the name the code uses
LOCALS = {
    "F": "c.f",
    "P": "c.p",
    "T": "c.t",
    "D": "c.d",
    "A": "c.a",
    "S": "c.s",
    "PT": "c.pt",
    "R": "c.rows",
    "W": "c.w",
}


def part_units(rules: ProgramRules) -> list[Part]:
    """Every part a program computes, status and benefit included."""
    return [*(part for part, _ in rules.parts()), STATUS, BENEFIT]


OPS: dict[str, Any] = {name: getattr(scalar_ops, name) for name in scalar_ops.__all__}
