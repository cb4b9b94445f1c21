"""The typed expression tree the checker produces and the compiler consumes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.catalog.facts import Entity, FactRegistry, Kind

__all__ = [
    "AGGREGATES",
    "ALWAYS_KNOWN",
    "CONDITION",
    "FORMATS",
    "FUNCTIONS",
    "MEMBERS",
    "PLACEHOLDER",
    "PROGRAM_READS",
    "Expr",
    "ExpressionProblem",
    "Namespace",
    "placeholders",
]

#: name -> (minimum arguments, maximum arguments or None for any)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "clip": (3, 3),
    "abs": (1, 1),
    "floor": (1, 1),
    "round": (1, 2),
    "phase_out": (4, 4),
    "lookup": (2, 2),
    "count": (1, 1),
    "sum": (1, 1),
    "any": (1, 1),
    "all": (1, 1),
    "applicant": (1, 1),
    "spouse": (1, 1),
    "partner": (1, 1),
    "age_on": (1, 1),
    "date": (1, 1),
    "is_eligible": (1, 1),
    "amount_of": (1, 1),
    "criterion": (2, 2),
    "parameter": (2, 2),
}
#: calls that read another program's results (and so depend on that program)
PROGRAM_READS = ("is_eligible", "amount_of", "criterion")
AGGREGATES = ("count", "sum", "any", "all")
#: node types whose value is always known (constants, parameters, built-in dates)
ALWAYS_KNOWN = ("const", "param", "date")
MEMBERS = ("applicant", "spouse")


class ExpressionProblem(Exception):
    """Why an expression was rejected; the loader turns it into an ExpressionError."""

    def __init__(self, reason: str, col: int = 0) -> None:
        self.reason = reason
        self.col = col
        super().__init__(reason)


@dataclass
class Namespace:
    """What an expression may refer to.

    Attributes:
        facts: the fact registry (stated facts; derived facts are among ``definitions``).
        entity: where the expression is evaluated (a program's entity).
        program: the program the expression belongs to ("" outside a program).
        parameters: the program's parameters and their kinds (NUMBER or TABLE).
        variables: the program's variables whose kinds are already known.
        programs: every program id in the catalog and its entity.
        definitions: shared definitions and derived facts, inlined where used.
        foreign: every program's parameters (for ``parameter("p", "name")``) and criteria ids
            (for ``criterion("p", "id")``).
    """

    facts: FactRegistry
    entity: Entity
    program: str = ""
    parameters: dict[str, Kind] = field(default_factory=dict)
    variables: dict[str, Kind] = field(default_factory=dict)
    programs: dict[str, Entity] = field(default_factory=dict)
    definitions: Mapping[str, Any] = field(default_factory=dict)
    foreign_parameters: Mapping[str, Mapping[str, Kind]] = field(default_factory=dict)
    foreign_criteria: Mapping[str, Sequence[str]] = field(default_factory=dict)
    expanded: dict[str, Expr] = field(default_factory=dict)
    expanding: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Expr:
    """A checked, typed expression node.

    ``op`` is one of: const, fact, param, var, date, def, arith, neg, cmp, isin, and, or, not,
    if, call. ``value`` holds the constant, the name, the operator or the function name.
    ``scope`` is the entity the node is evaluated on. A ``def`` node is a shared definition or
    derived fact inlined where it is used: its one argument is the definition's tree, evaluated
    on the definition's entity. A ``param`` node's ``owner`` is the program whose parameter it is.
    """

    op: str
    kind: Kind
    scope: Entity
    value: Any = None
    args: tuple[Expr, ...] = ()
    enum_fact: str | None = None
    owner: str | None = None

    def walk(self) -> Iterator[Expr]:
        """This node and every node below it, depth first."""
        yield self
        for arg in self.args:
            yield from arg.walk()

    def names(self, op: str) -> set[str]:
        """Every name referred to by nodes of type ``op`` (fact, param, var) below this one."""
        return set(self._names.get(op, ()))

    @cached_property
    def _names(self) -> dict[str, frozenset[str]]:
        """The names below this node by op, walked once (code generation asks for every node)."""
        found: dict[str, set[str]] = {}
        for node in self.walk():
            found.setdefault(node.op, set()).add(node.value)
        return {op: frozenset(names) for op, names in found.items()}

    def programs(self) -> set[str]:
        """Every other program this expression reads (results, criteria or parameters)."""
        read = {
            node.args[0].value
            for node in self.walk()
            if node.op == "call" and node.value in PROGRAM_READS
        }
        owners = {node.owner for node in self.walk() if node.op == "param" and node.owner}
        return read | owners


#: ``{name}``, ``{name:format}``, or ``{name?text}``: ``text`` only where ``name`` (a bool) is
#: true, so a text never asserts what is not so ("halved for shared custody" with no child in it)
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?::([a-z]+)|\?([^{}]*))?\}")
FORMATS = ("money", "percent", "date", "int", "number")
#: the format ``placeholders`` reports for a ``{name?text}`` placeholder
CONDITION = "?"


def placeholders(text: str) -> list[tuple[str, str]]:
    """The ``{name}`` / ``{name:format}`` / ``{name?text}`` placeholders of an explanation text
    (the format of a conditional one is :data:`CONDITION`).

    Examples:
        >>> placeholders("Income of {afni:money} is above {threshold:money}.")
        [('afni', 'money'), ('threshold', 'money')]
        >>> placeholders("A reduction of {r:money}{shared? (halved)}.")
        [('r', 'money'), ('shared', '?')]
    """
    return [
        (m.group(1), CONDITION if m.group(3) is not None else m.group(2) or "")
        for m in PLACEHOLDER.finditer(text)
    ]
