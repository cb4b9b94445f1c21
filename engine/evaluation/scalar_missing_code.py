"""Generate the missing-facts code: for a unit on one row, the stated facts its unknown value
hinges on.

An explanation asks, of every criterion left unknown, which unknown facts could still decide it.
The answer is written as code beside the values (:mod:`scalar_code`): a function ``x<i>`` per
unit, memoized per frame (``c.x``), that returns the empty set at once when the unit's value is
known, and otherwise computes the unit's nodes again (the units it calls are memoized) with, for
each node, the facts it misses:

- a node whose value is known misses nothing;
- a stated fact misses itself (the household's, or a person's on the row it is read);
- ``if`` misses its condition's facts, and those of each branch the condition may take;
- an aggregate misses what each member misses; ``spouse``, ``partner``, ``applicant`` what the
  member misses, nothing when there is no such member;
- ``age_on`` misses the date of birth (when it is unknown) and its date's facts;
- ``is_eligible`` / ``amount_of`` miss what any part of the other program misses, ``criterion``
  what that criterion misses;
- every other node misses what its arguments miss (an argument whose value is known misses
  nothing: ``false and unknown`` is known and misses nothing).

A missing fact is a number (``Slots.missing_code``): the fact's number shifted by ``ROW_BITS``
plus the person's row + 1 (0 for a household fact); :meth:`ScalarCode.missing_paths` turns them
into the contract's paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.catalog.facts import Kind
from engine.catalog.program import program_read
from engine.catalog.tree import AGGREGATES, ALWAYS_KNOWN, PROGRAM_READS, Expr
from engine.evaluation.scalar_code import Emitter
from engine.evaluation.scalar_slots import LOCALS, ROW_BITS, UnitKey

__all__ = ["EMPTY", "MissingEmitter", "one"]

#: the empty set, as the generated code names it
EMPTY = "E"


class MissingEmitter(Emitter):
    """Writes a unit's value statements and, after each node, the facts it misses (a local
    holding a set, or ``E``)."""

    def __init__(self, *args: Any, misses: Callable[[UnitKey], int]) -> None:
        """``Emitter``'s arguments, and ``misses``: the number of a unit whose missing-facts
        function the code calls (written later)."""
        super().__init__(*args)
        self.misses = misses
        self._collected: dict[int, str] = {}  # by id(aggregate): its members' missing facts
        self._aggregated: dict[int, str] = {}  # by id(aggregate): what it misses, just written
        self.last = EMPTY  # what the outermost node written last misses
        # per node being written: its operands' values and missing facts, in order
        self._operands: list[list[tuple[str, str]]] = []

    def missing_call(self, key: UnitKey, row: str) -> str:
        """Call a unit's missing-facts function on a row (the empty set on no member's row)."""
        return _on_member(f"x{self.misses(key)}(c, {row})", row)

    def function(self, kind: str, unit: int, result: str) -> str:
        """The unit's source: memo lookup, the empty set when the unit's value is known, else
        the statements and the missing facts of its root."""
        head = [f"def x{unit}(c, r):", f"    k = {unit << ROW_BITS} + r", "    v = c.x.get(k)"]
        head += ["    if v is not None:", "        return v", "    v = c.m.get(k)"]
        head += ["    if v is None:", f"        v = u{unit}(c, r)"]
        head += ["    if v == v:", f"        c.x[k] = {EMPTY}", f"        return {EMPTY}"]
        head += [f"    {n} = {LOCALS[n]}" for n in sorted(self.used)]
        tail = [f"    v = {result}", "    c.x[k] = v", "    return v"]
        return "\n".join([*head, *self.lines, *tail])

    # ------------------------------------------------------------ per node

    def value(self, expr: Expr, row: str) -> str:
        """Emit ``expr`` on ``row`` and, after it, the facts it misses."""
        self._operands.append([])
        value = super().value(expr, row)
        operands = self._operands.pop()
        missing = self.missing(expr, row, value, operands)
        if self._operands:  # what its reader reads: this occurrence (a node the tree shares
            self._operands[-1].append((value, missing))  # may be written twice in a unit)
        else:
            self.last = missing
        return value

    def loop(self, expr: Expr) -> str:
        """Every member's own row, not their first twin's: a fact a member misses is that
        member's (swapping the two in what the first twin misses was measured: no faster)."""
        person = f"q{self.depth}"
        self.put(f"for {person} in {self.local('R')}:")
        self.depth += 1
        return person

    def member_done(self) -> None:
        """Nothing to end: every member's value is written (see :meth:`loop`)."""

    def each(self, expr: Expr, value: str) -> None:
        """In an aggregate's loop: add the member's missing facts."""
        collected = self._collected[id(expr)]
        member = self._operands[-1][-1][1]
        self.put(f"if {value} != {value}:")
        self.put(f"    {collected} = {collected} | {member}")

    def aggregate(self, expr: Expr, row: str) -> str:
        collected = self._collected[id(expr)] = self.tmp()
        self.put(f"{collected} = {EMPTY}")
        value = super().aggregate(expr, row)
        self._aggregated[id(expr)] = self.save(f"{EMPTY} if {value} == {value} else {collected}")
        return value

    def missing(
        self, expr: Expr, row: str, value: str, operands: list[tuple[str, str]], root: bool = False
    ) -> str:
        """Write the facts ``expr`` (on ``row``, its value at ``value``) misses, given its
        operands' values and missing facts as written; return the expression that holds them
        (``root``: the unit's own node, written inline)."""
        op = expr.op
        if op in ALWAYS_KNOWN or expr.kind == Kind.TABLE:
            return EMPTY
        found = self._aggregated.pop(id(expr), None)
        if found is not None:  # an aggregate: collected in its loop
            return found
        unknown = self._unknown(expr, row, operands, root)
        return self.save(f"{EMPTY} if {value} == {value} else {unknown}")

    def root(self, expr: Expr) -> str:
        """Write a unit's own node inline on row ``r``; return what it misses."""
        self._operands.append([])
        value = self.inline(expr, "r")
        return self.missing(expr, "r", value, self._operands.pop(), root=True)

    def _unknown(self, expr: Expr, row: str, operands: list[tuple[str, str]], root: bool) -> str:
        """What ``expr`` misses when its value is unknown (every operand it needs has been
        computed then: ``and``/``or`` stop early only on a known answer)."""
        op = expr.op
        if op == "fact":
            return self._fact(expr.value, expr.scope, row)
        if op == "var":
            rules = self.program
            assert rules is not None
            target = self.row_of(row, expr.scope, rules.program.entity)
            return self.missing_call(("var", rules.id, expr.value), target)
        if op == "def":
            inner = expr.args[0]
            target = self.row_of(row, expr.scope, inner.scope)
            return self.missing_call(self.node_key(inner), target)
        if op == "call" and expr.value in PROGRAM_READS:
            return self._program(expr, row)
        if id(expr) in self.catalog.shared_nodes and not root:
            return self.missing_call(self.node_key(expr), row)
        args = [missing for _, missing in operands]  # in the order they were written
        if op == "if":
            condition = operands[0][0]
            return _union(
                [
                    args[0],
                    f"({args[1]} if {condition} != 0.0 else {EMPTY})",
                    f"({args[2]} if {condition} != 1.0 else {EMPTY})",
                ]
            )
        if op == "call" and expr.value in ("spouse", "partner", "applicant"):
            return f"({args[0]} if {self.member_row(expr.value, row)} >= 0 else {EMPTY})"
        if op == "call" and expr.value == "age_on":
            birth = self.slots.fact("date_of_birth", None)
            person = self.row_of(row, expr.scope, "person")
            known = f"{self.local('F')}[{birth}][{person}]"
            born = self._fact("date_of_birth", "person", row)
            born = f"({born} if {known} != {known} else {EMPTY})"
            return _union([born, args[0]])
        if op == "call" and expr.value in AGGREGATES:  # pragma: no cover - collected above
            raise AssertionError(expr.value)
        return _union(args)

    def _fact(self, name: str, scope: str, row: str) -> str:
        """A stated fact read on ``row`` of ``scope``, as the set of its one missing fact."""
        code = self.slots.missing_code(name)
        if self.catalog.facts[name].entity == "household":
            return self.slots.constant(frozenset({code}))
        person = self.row_of(row, scope, "person")  # type: ignore[arg-type]
        return _on_member(f"one({code + 1} + {person})", person)

    def _program(self, expr: Expr, row: str) -> str:
        """Another program read: every part of it (``is_eligible``, ``amount_of``) or one
        criterion, on the other program's row."""
        program_id, part = program_read(expr)
        other = self.catalog.programs[program_id]
        target = self.row_of(row, expr.scope, other.program.entity)
        parts = [part] if expr.value == "criterion" else [p for p, _ in other.parts()]
        return _union([self.missing_call(("raw", program_id, p), target) for p in parts])


def _on_member(source: str, row: str) -> str:
    """``source`` on ``row``, the empty set when the row is the applicant's and there is none."""
    return f"({source} if {row} >= 0 else {EMPTY})" if row == "A" else source


def _union(sets: list[str]) -> str:
    kept = [s for s in sets if s != EMPTY]
    if not kept:
        return EMPTY
    return kept[0] if len(kept) == 1 else "(" + " | ".join(kept) + ")"


def one(code: int) -> frozenset[int]:
    """The set of one missing fact (a person's, see ``Slots.missing_code``)."""
    return frozenset((code,))
