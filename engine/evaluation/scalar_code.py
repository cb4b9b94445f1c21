"""Generate plain-Python code for one household from the typed expression trees.

A one-household check spends most of its time in per-node overhead when it runs the vectorized
formulas on arrays of one row (design.md, "Speed at catalog scale"). Here the same trees become
Python source: straight-line float arithmetic, one function per *unit* (a program's variable or
part, a shared definition, a node an explanation asks about), each memoized per row of its
entity in the frame it runs on (:class:`engine.evaluation.scalar.Frame`). ``and``, ``or`` and
``if`` skip operands that cannot change the value (operands have no effects, so the value is the
same); bounds (:mod:`scalar_bounds_code`) never skip.

The generated functions take ``(c, r)``: the frame and the row (0 for the household, a person's
index for a person). The operators are the one-row twins in :mod:`scalar_ops`; the slots, unit
keys, locals and literals the source names are in :mod:`scalar_slots`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.catalog.facts import Entity
from engine.catalog.program import Catalog, ProgramRules, program_read
from engine.catalog.tree import PROGRAM_READS, Expr
from engine.evaluation.scalar_slots import (
    ARITH_OPS,
    CMP_OPS,
    LOCALS,
    ROW_BITS,
    Slots,
    UnitKey,
    literal,
)

__all__ = ["Emitter"]


def _unnumbered(expr: Expr) -> int:
    raise AssertionError("an emitter numbers nodes through the ScalarCode that made it")


class Emitter:
    """Writes the statements of one unit; ``value`` returns a Python expression (a name or a
    literal) that holds a node's value once the statements written so far have run."""

    def __init__(
        self,
        catalog: Catalog,
        slots: Slots,
        values: Callable[[UnitKey], int],
        bounds: Callable[[UnitKey], int],
        program: ProgramRules | None,
    ) -> None:
        self.catalog = catalog
        self.slots = slots
        self.values = values
        self.bounds = bounds
        self.program = program
        self.lines: list[str] = []
        self.depth = 1
        self.count = 0
        self.used: set[str] = set()
        #: the builder's: a node's number (its place in the catalog; see ``ScalarCode.ordinal``)
        self.ordinal: Callable[[Expr], int] = _unnumbered
        self.reads: set[int] = set()  # fact slots this unit reads itself
        self.calls: set[tuple[str, int]] = set()  # the units it calls
        # row-local: a person unit that reads facts of its own row only and calls only units
        # on its own row (its value on row r cannot depend on another person's facts)
        self.row_local = True

    # ------------------------------------------------------------ plumbing

    def tmp(self) -> str:
        """A fresh local name."""
        self.count += 1
        return f"t{self.count}"

    def put(self, line: str) -> None:
        """Write one statement at the current depth."""
        self.lines.append("    " * self.depth + line)

    def local(self, name: str) -> str:
        """A frame attribute bound as a local at the function's start."""
        self.used.add(name)
        return name

    def function(self, kind: str, unit: int, result: str) -> str:
        """The unit's source: memo lookup, the statements, memo store. In a variant frame (one
        fact answered differently, see ``Frame.variant``) a unit that does not depend on that
        fact is the base frame's, computed once there: the function goes on in the base frame
        (no lookup in the variant's memo, no second call)."""
        memo, dirty, local = ("m", "du", "LU") if kind == "u" else ("b", "db", "LB")
        name = f"{kind}{unit}"
        head = [f"def {name}(c, r):"]
        head += [f"    if c.base is not None and ({unit} not in c.{dirty} or "]
        head += [f"            (r != c.q and {unit} in {local})):"]
        head += ["        c = c.base"]
        head += [f"    k = {unit << ROW_BITS} + r", f"    v = c.{memo}.get(k)"]
        head += ["    if v is not None:", "        return v"]
        head += [f"    {n} = {LOCALS[n]}" for n in sorted(self.used)]
        tail = [f"    v = {result}", f"    c.{memo}[k] = v", "    return v"]
        return "\n".join([*head, *self.lines, *tail])

    def year_rule(self) -> Any:
        """The income-year rule yearly facts are read under (the program's)."""
        if self.program is None:
            return None
        rule = self.program.program.income_year
        return (rule.starts, rule.lag)

    def row_of(self, row: str, source: Entity, target: Entity) -> str:
        """The row of ``target`` that a ``source``-scoped node on ``row`` reads (a household
        value seen by each member; a person value seen by the household: the applicant's)."""
        if source == target:
            return row
        if target == "household":
            return "0"
        return self.local("A")

    def note_row(self, row: str) -> None:
        """Record a read or call on ``row``: anything but the unit's own row is not local."""
        if row != "r":
            self.row_local = False

    def ref(self, kind: str, key: UnitKey) -> str:
        """The name of a unit's value ("u") or bounds ("b") function, recorded as called."""
        unit = self.values(key) if kind == "u" else self.bounds(key)
        self.calls.add((kind, unit))
        return f"{kind}{unit}"

    def known_value(self, key: UnitKey, row: str) -> str:
        """A unit's value on a row, as a statement's local: read from this frame's memo where
        its value function has put it (a bounds or missing-facts function reads values just
        computed: a lookup instead of a call), else by calling that function. The memo holds a
        unit's value on a row only where its function computed it in this frame, so both
        give the same. Value functions call the units they read (reading the memo first there
        was measured: 2% more instructions in a check, most of those calls being the first of
        their unit)."""
        self.note_row(row)
        name = self.ref("u", key)
        point = self.save(f"c.m.get({int(name[1:]) << ROW_BITS} + {row})")
        self.put(f"if {point} is None:")
        self.put(f"    {point} = {name}(c, {row})")
        return point

    def call_unit(self, key: UnitKey, row: str) -> str:
        """Call a unit's value function on a row."""
        self.note_row(row)
        return f"{self.ref('u', key)}(c, {row})"

    def node_key(self, expr: Expr) -> UnitKey:
        """The unit of a shared node or definition: per program where it reads the program's
        variables or its base-year incomes, else one for the catalog."""
        owner = None
        if self.program is not None:
            facts = self.catalog.facts
            if expr.names("var") or any(facts[n].yearly for n in expr.names("fact")):
                owner = self.program.id
        return ("node", self.ordinal(expr), owner)

    # ------------------------------------------------------------ values

    def value(self, expr: Expr, row: str) -> str:
        """Emit ``expr`` on ``row`` (a row of ``expr.scope``); return where its value is."""
        op = expr.op
        if op == "const":
            return literal(float(expr.value))
        if op == "param":
            slot = self.slots.param(expr.owner or "", expr.value)
            return f"{self.local('P')}[{slot}]"
        if op == "date":
            return f"{self.local('D')}[{self.slots.dates[expr.value]}]"
        if op == "fact":
            return self.fact(expr, row)
        if op == "var":
            return self.var(expr, row)
        if op == "def":
            inner = expr.args[0]
            return self.save(
                self.call_unit(self.node_key(inner), self.row_of(row, expr.scope, inner.scope))
            )
        if op == "call" and expr.value in PROGRAM_READS:
            return self.program_part(expr, row)
        return self.compute(expr, row)

    def fold(self, pick: str, values: list[str]) -> str:
        """``mn`` or ``mx`` of ``values`` (NaN if any is), as statements: no call per pair."""
        keep, other = ("<=", "<") if pick == "mn" else (">=", ">")
        out = values[0]
        for value in values[1:]:
            out = self.save(
                f"{out} if {out} {keep} {value} else ({value} if {value} {other} {out} else NAN)"
            )
        if len(values) == 1:
            out = self.save(f"{out} if {out} == {out} else NAN")
        return out

    def save(self, source: str) -> str:
        """Assign ``source`` to a fresh local and return its name."""
        name = self.tmp()
        self.put(f"{name} = {source}")
        return name

    def fact(self, expr: Expr, row: str) -> str:
        fact = self.catalog.facts[expr.value]
        rule = self.year_rule() if fact.yearly else None
        slot = self.slots.fact(expr.value, rule)
        self.reads.add(slot)
        f = self.local("F")
        if fact.entity == "household":
            self.row_local = False
            return f"{f}[{slot}]"
        person = self.row_of(row, expr.scope, "person")
        self.note_row(person)
        return f"{f}[{slot}][{person}]"

    def var(self, expr: Expr, row: str) -> str:
        rules = self.program
        if rules is None:  # pragma: no cover - the checker admits variables only in programs
            raise ValueError(expr.value)
        entity = rules.program.entity
        return self.save(
            self.call_unit(("var", rules.id, expr.value), self.row_of(row, expr.scope, entity))
        )

    def program_part(self, expr: Expr, row: str) -> str:
        program_id, part = program_read(expr)
        entity = self.catalog.programs[program_id].program.entity
        return self.save(
            self.call_unit(("part", program_id, part), self.row_of(row, expr.scope, entity))
        )

    def compute(self, expr: Expr, row: str) -> str:
        """An inner node: a shared one is its own unit (computed once), others are inlined."""
        if id(expr) in self.catalog.shared_nodes:
            return self.save(self.call_unit(self.node_key(expr), row))
        return self.inline(expr, row)

    def inline(self, expr: Expr, row: str) -> str:
        """Emit an inner node's own operation."""
        op = expr.op
        if op in ("and", "or"):
            return self.logic(expr, row)
        if op == "if":
            return self.branch(expr, row)
        if op == "call" and expr.value in ("count", "sum", "any", "all"):
            return self.aggregate(expr, row)
        if op == "call" and expr.value in ("spouse", "partner"):
            return self.member(expr, row)
        if op == "call" and expr.value == "applicant":
            return self.value(expr.args[0], self.local("A"))
        if op == "call" and expr.value == "lookup":  # the table is read by slot, not as a value
            key = self.value(expr.args[1], row)
            slot = self.slots.table(expr.args[0].owner or "", expr.args[0].value)
            t = self.local("T")
            return self.save(f"lookup({t}[{slot}][0], {t}[{slot}][1], {key})")
        args = [self.value(a, row) for a in expr.args]
        if (op == "arith" and expr.value not in ARITH_OPS) or (
            op == "cmp" and expr.value not in CMP_OPS
        ):
            raise ValueError(f"not an operator of the rule language: {expr.value!r}")
        if op == "arith":
            if expr.value == "/":  # by zero (or by an unknown) it is unknown
                a, b = args
                return self.save(f"NAN if {b} == 0.0 or {b} != {b} else {a} / {b}")
            return self.save(f"{args[0]} {expr.value} {args[1]}")
        if op == "neg":
            return self.save(f"-{args[0]}")
        if op == "not":
            return self.save(f"1.0 - {args[0]}")
        if op == "cmp":
            a, b = args
            return self.save(f"(1.0 if {a} {expr.value} {b} else 0.0) + ({a} * 0.0 + {b} * 0.0)")
        if op == "isin":
            codes = self.slots.constant(frozenset(float(v) for v in expr.value))
            a = args[0]
            return self.save(f"NAN if {a} != {a} else (1.0 if {a} in {codes} else 0.0)")
        return self.save(self.function_call(expr, args, row))

    def function_call(self, expr: Expr, args: list[str], row: str) -> str:
        name = expr.value
        if name in ("min", "max"):
            return self.fold("mn" if name == "min" else "mx", args)
        if name == "clip":
            return self.fold("mx", [args[1], self.fold("mn", [args[0], args[2]])])
        if name == "abs":
            return f"abs({args[0]})"
        if name == "floor":
            return f"fl({args[0]})"
        if name == "round":
            return f"rnd({args[0]}, {literal(10.0 ** float(expr.args[1].value))})"
        if name == "phase_out":
            base, income, threshold, rate = args
            excess = self.fold("mx", [self.save(f"{income} - {threshold}"), "0.0"])
            return self.fold("mx", [self.save(f"{base} - {excess} * {rate}"), "0.0"])
        if name == "age_on":
            birth = self.slots.fact("date_of_birth", None)
            self.reads.add(birth)
            person = self.row_of(row, expr.scope, "person")
            self.note_row(person)
            return f"age({self.local('F')}[{birth}][{person}], {args[0]})"
        raise NotImplementedError(name)  # pragma: no cover - the checker admits only these

    def logic(self, expr: Expr, row: str) -> str:
        """Kleene and/or: the dominant value (false for and, true for or) ends the loop."""
        dominant, other = ("0.0", "1.0") if expr.op == "and" else ("1.0", "0.0")
        out = self.tmp()
        self.put(f"{out} = {other}")
        self.put("while True:")
        self.depth += 1
        for arg in expr.args:
            a = self.value(arg, row)
            self.put(f"if {a} == {dominant}:")
            self.put(f"    {out} = {dominant}")
            self.put("    break")
            self.put(f"if {a} != {a}:")
            self.put(f"    {out} = NAN")
        self.put("break")
        self.depth -= 1
        return out

    def branch(self, expr: Expr, row: str) -> str:
        """``kleene.if_else``: an unknown condition gives the branches' value where they agree."""
        condition = self.value(expr.args[0], row)
        then, otherwise = self.tmp(), self.tmp()
        self.put(f"{then} = {otherwise} = NAN")
        for name, arg, skip in ((then, expr.args[1], "0.0"), (otherwise, expr.args[2], "1.0")):
            self.put(f"if {condition} != {skip}:")
            self.depth += 1
            self.put(f"{name} = {self.value(arg, row)}")
            self.depth -= 1
        return self.save(
            f"{then} if {condition} == 1.0 else ({otherwise} if {condition} == 0.0 else "
            f"({then} if {then} == {otherwise} else NAN))"
        )

    def aggregate(self, expr: Expr, row: str) -> str:
        """count/sum over the members (NaN if any is), any/all in Kleene logic."""
        name = expr.value
        out = self.tmp()
        if name in ("count", "sum"):
            self.put(f"{out} = 0.0")
            a = self.value(expr.args[0], self.loop(expr))
            self.member_done()
            self.each(expr, a)
            self.put(f"{out} += {a}")
            self.depth -= 1
            return out
        stop, start = ("1.0", "0.0") if name == "any" else ("0.0", "1.0")
        self.put(f"{out} = {start}")
        a = self.value(expr.args[0], self.loop(expr))
        self.member_done()
        self.each(expr, a)
        self.put(f"if {a} == {stop}:")
        self.put(f"    {out} = {stop}")
        self.put("    break")
        self.put(f"if {a} != {a}:")
        self.put(f"    {out} = NAN")
        self.depth -= 1
        return out

    def loop(self, expr: Expr) -> str:
        """Write the head of an aggregate's loop over the members and return the row the
        member's value is written for: not each member's own but their first twin's
        (``Frame.w``: the same role and facts, so the same values, which nothing in the rule
        language tells apart), and only when it is not the row just written (the value just
        computed is kept): a household of twenty children of whom nothing is known computes
        one child's values, and sums the same values in the same order.
        :meth:`member_done` ends the member's value."""
        person, last = f"q{self.depth}", self.tmp()
        self.put(f"{last} = -1")
        self.put(f"for {person} in {self.local('W')}:")
        self.put(f"    if {person} != {last}:")
        self.put(f"        {last} = {person}")
        self.depth += 2
        return person

    def member_done(self) -> None:
        """Back in an aggregate's loop once the member's value is written (see :meth:`loop`)."""
        self.depth -= 1

    def each(self, expr: Expr, value: str) -> None:
        """Called in an aggregate's loop once a member's value is written (a hook: the
        missing-facts emitter collects each member's missing facts there)."""

    def member_row(self, name: str, row: str) -> str:
        """Where the ``applicant``, the ``spouse`` (of the household) or the ``partner`` (of
        the person on ``row``) is: their row, negative when there is none."""
        if name == "applicant":
            return self.local("A")
        return self.local("S") if name == "spouse" else f"{self.local('PT')}[{row}]"

    def member(self, expr: Expr, row: str) -> str:
        """The spouse's (of the household) or the partner's (of a person) value, NaN if none."""
        who = self.member_row(expr.value, row)
        index, out = self.tmp(), self.tmp()
        self.put(f"{index} = {who}")
        self.put(f"{out} = NAN")
        self.put(f"if {index} >= 0:")
        self.depth += 1
        self.put(f"{out} = {self.value(expr.args[0], index)}")
        self.depth -= 1
        return out
