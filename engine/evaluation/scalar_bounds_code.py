"""Generate plain-Python bounds code for one household: the one-row twin of
:mod:`engine.evaluation.bounds` and :mod:`engine.evaluation.intervals`, the same pairs, with
what cannot change them not computed: the operands of ``and`` / ``or`` after one that decides
it, the branch of an ``if`` its condition surely does not take. Interval addition,
multiplication and comparison are written out (``scalar_ops``' ``b_add``, ``b_mul``, ``b_cmp``
without a call).

A node's bounds are two locals, ``lo`` and ``hi``; a unit's bounds function returns the pair.
"""

from __future__ import annotations

from engine.catalog.facts import Kind
from engine.catalog.program import program_read
from engine.catalog.tree import PROGRAM_READS, Expr
from engine.evaluation.intervals import domain_bounds
from engine.evaluation.scalar_code import Emitter
from engine.evaluation.scalar_slots import ARITH_OPS, CMP_OPS, UnitKey, literal

__all__ = ["BoundsEmitter"]

Pair = tuple[str, str]

_DAYS_PER_YEAR = 365.25


class BoundsEmitter(Emitter):
    """Writes a unit's bounds statements; ``pair`` returns the names of a node's bounds."""

    def pair(self, expr: Expr, row: str) -> Pair:
        """Emit the bounds of ``expr`` on ``row``; return the names holding them."""
        op = expr.op
        if op in ("const", "param", "date"):
            return self.point(self.value(expr, row))
        if op == "fact":
            return self.fact_pair(expr.value, expr.scope, row)
        if op == "var":
            rules = self.program
            if rules is None:  # pragma: no cover - the checker admits variables only in programs
                raise ValueError(expr.value)
            target = self.row_of(row, expr.scope, rules.program.entity)
            return self.known_or(
                ("var", rules.id, expr.value), ("var", rules.id, expr.value), target
            )
        # a unit whose value is known has that value as its bounds (the interval operations
        # on known operands give it too, after computing every one of them)
        if op == "def":
            inner = expr.args[0]
            key = self.node_key(inner)
            return self.known_or(key, key, self.row_of(row, expr.scope, inner.scope))
        if op == "call" and expr.value in PROGRAM_READS:
            return self.program_pair(expr, row)
        if id(expr) in self.catalog.shared_nodes:
            key = self.node_key(expr)
            return self.known_or(key, key, row)
        return self.inline_pair(expr, row)

    def call_unit(self, key: UnitKey, row: str) -> str:
        """Call a unit's bounds function on a row."""
        self.note_row(row)
        return f"{self.ref('b', key)}(c, {row})"

    # ------------------------------------------------------------ leaves

    def names(self) -> Pair:
        """Two fresh locals."""
        return self.tmp(), self.tmp()

    def unpack(self, source: str) -> Pair:
        lo, hi = self.names()
        self.put(f"{lo}, {hi} = {source}")
        return lo, hi

    def point(self, value: str) -> Pair:
        """A number's bounds: itself, or unbounded when it is unknown."""
        lo, hi = self.names()
        self.put(f"{lo} = {hi} = {value}")
        self.put(f"if {lo} != {lo}:")
        self.put(f"    {lo}, {hi} = -INF, INF")
        return lo, hi

    def fact_pair(self, name: str, scope: str, row: str) -> Pair:
        """A stated fact: its value where known, its registry domain where not."""
        fact = self.catalog.facts[name]
        node = Expr("fact", fact.kind, scope, name)  # type: ignore[arg-type]
        value = self.save(self.value(node, row))
        lo, hi = self.names()
        low, high = self.domain(name)
        self.put(f"if {value} == {value}:")
        self.put(f"    {lo} = {hi} = {value}")
        self.put("else:")
        self.put(f"    {lo}, {hi} = {low}, {high}")
        return lo, hi

    def domain(self, name: str) -> Pair:
        """The domain of a fact as source (dates relative to the profiles' ``as_of``)."""
        fact = self.catalog.facts[name]
        if fact.kind != Kind.DATE:
            numbers = domain_bounds(fact, 0.0)
            return literal(numbers[0]), literal(numbers[1])
        domain = fact.domain
        low, high = "(-INF)", "INF"
        if domain is not None and domain.max_years_before_as_of is not None:
            years = (domain.max_years_before_as_of + 1) * _DAYS_PER_YEAR
            low = f"(c.z - {literal(years)})"
        if domain is not None and domain.not_after_as_of:
            high = "c.z"
        return low, high

    def program_pair(self, expr: Expr, row: str) -> Pair:
        """Another program's part: its value where known, its bounds where not."""
        program_id, part = program_read(expr)
        entity = self.catalog.programs[program_id].program.entity
        unit = ("part", program_id, part)
        return self.known_or(unit, unit, self.row_of(row, expr.scope, entity))

    def known_or(self, value: UnitKey, bounds: UnitKey, row: str) -> Pair:
        """A unit's value where it is known (the value of every completion of the unknown
        facts), the bounds unit's pair where not (``intervals.known_or``)."""
        point = self.known_value(value, row)
        lo, hi = self.names()
        self.put(f"if {point} == {point}:")
        self.put(f"    {lo} = {hi} = {point}")
        self.put("else:")
        self.put(f"    {lo}, {hi} = {self.call_unit(bounds, row)}")
        return lo, hi

    # ------------------------------------------------------------ operations

    def inline_pair(self, expr: Expr, row: str) -> Pair:
        """Emit an inner node's own interval operation."""
        op, name = expr.op, expr.value
        if op == "call" and name in ("count", "sum", "any", "all"):
            return self.aggregate_pair(expr, row)
        if op == "call" and name in ("applicant", "spouse", "partner"):
            return self.member_pair(expr, row)
        if op == "call" and name == "age_on":
            birth = self.fact_pair("date_of_birth", expr.scope, row)
            when = self.pair(expr.args[0], row)
            return self.unpack(f"age_bounds(({birth[0]}, {birth[1]}), ({when[0]}, {when[1]}))")
        if op == "call" and name == "lookup":  # the table is read by slot, not as a value
            k0, k1 = self.pair(expr.args[1], row)
            slot = self.slots.table(expr.args[0].owner or "", expr.args[0].value)
            t = self.local("T")
            return self.unpack(f"b_lookup({t}[{slot}][0], {t}[{slot}][1], ({k0}, {k1}))")
        if op in ("and", "or"):
            return self.kleene_pair(expr, row)
        if op == "if":
            return self.if_pair(expr, row)
        args = [self.pair(a, row) for a in expr.args]
        lo, hi = self.names()
        pairs = [f"({a}, {b})" for a, b in args]
        if (op == "arith" and name not in ARITH_OPS) or (op == "cmp" and name not in CMP_OPS):
            raise ValueError(f"not an operator of the rule language: {name!r}")
        if op == "arith" and name in ("+", "-"):
            self.add_pair(args[0], args[1], negate=name == "-", lo=lo, hi=hi)
        elif op == "arith" and name == "*":
            self.multiply_pair(args[0], args[1], lo, hi)
        elif op == "arith":
            self.put(f"{lo}, {hi} = b_div({pairs[0]}, {pairs[1]})")
        elif op == "neg":
            self.put(f"{lo}, {hi} = -{args[0][1]}, -{args[0][0]}")
        elif op == "cmp":
            self.compare_pair(name, args[0], args[1], lo, hi)
        elif op == "isin":
            codes = self.slots.constant(tuple(float(v) for v in name))
            self.put(f"{lo}, {hi} = b_isin({pairs[0]}, {codes})")
        elif op == "not":
            self.put(f"{lo}, {hi} = 1.0 - {args[0][1]}, 1.0 - {args[0][0]}")
        else:
            self.put(f"{lo}, {hi} = {self.function_pair(expr, args, pairs)}")
        return lo, hi

    def add_pair(self, x: Pair, y: Pair, *, negate: bool, lo: str, hi: str) -> None:
        """``scalar_ops.b_add`` written out (``x - y`` is ``x + (-y)``, as there): no call."""
        y0, y1 = (f"(-{y[1]})", f"(-{y[0]})") if negate else y
        self.put(f"{lo} = {x[0]} + {y0}")
        self.put(f"if {lo} != {lo}:")  # an undefined end (inf - inf) is unbounded
        self.put(f"    {lo} = -INF")
        self.put(f"{hi} = {x[1]} + {y1}")
        self.put(f"if {hi} != {hi}:")
        self.put(f"    {hi} = INF")

    def multiply_pair(self, x: Pair, y: Pair, lo: str, hi: str) -> None:
        """``scalar_ops.b_mul`` written out: the four corners (0 * unbounded being 0), the
        first least and the first greatest, as ``min`` and ``max`` pick them."""
        corners = []
        for a, b in ((x[0], y[0]), (x[0], y[1]), (x[1], y[0]), (x[1], y[1])):
            corner = self.save(f"{a} * {b}")
            self.put(f"if {corner} != {corner}:")
            self.put(f"    {corner} = 0.0")
            corners.append(corner)
        self.put(f"{lo} = {hi} = {corners[0]}")
        for corner in corners[1:]:
            self.put(f"if {corner} < {lo}:")
            self.put(f"    {lo} = {corner}")
            self.put(f"if {corner} > {hi}:")
            self.put(f"    {hi} = {corner}")

    def compare_pair(self, op: str, x: Pair, y: Pair, lo: str, hi: str) -> None:
        """``scalar_ops.b_cmp`` written out for one operator: no call, no dispatch on it."""
        (a, b), (c, d) = x, y
        surely, never = {
            "<": (f"{b} < {c}", f"{a} >= {d}"),
            "<=": (f"{b} <= {c}", f"{a} > {d}"),
            ">": (f"{a} > {d}", f"{b} <= {c}"),
            ">=": (f"{a} >= {d}", f"{b} < {c}"),
            "==": (f"{a} == {b} and {b} == {c} and {c} == {d}", f"{b} < {c} or {a} > {d}"),
            "!=": (f"{b} < {c} or {a} > {d}", f"{a} == {b} and {b} == {c} and {c} == {d}"),
        }[op]
        self.put(f"{lo} = 1.0 if {surely} else 0.0")
        self.put(f"{hi} = 0.0 if {never} else 1.0")

    def kleene_pair(self, expr: Expr, row: str) -> Pair:
        """``and`` / ``or`` (``intervals.and_`` / ``intervals.or_``): surely false (surely true) as
        soon as one operand is, and the operands after it are not computed; else the least
        (greatest) of the lower ends and of the upper ends."""
        conjunction = expr.op == "and"
        pick, decided, decides = ("mn", "0.0", 1) if conjunction else ("mx", "1.0", 0)
        lo, hi = self.names()
        self.put("while True:")
        self.depth += 1
        for index, arg in enumerate(expr.args):
            pair = self.pair(arg, row)
            self.put(f"if {pair[decides]} == {decided}:")  # the upper (lower) end
            self.put(f"    {lo} = {hi} = {decided}")
            self.put("    break")
            if index == 0:
                self.put(f"{lo}, {hi} = {pair[0]}, {pair[1]}")
            else:
                self.put(f"{lo} = {self.fold(pick, [lo, pair[0]])}")
                self.put(f"{hi} = {self.fold(pick, [hi, pair[1]])}")
        self.put("break")
        self.depth -= 1
        return lo, hi

    def if_pair(self, expr: Expr, row: str) -> Pair:
        """``if`` (``intervals.if_``): the branch the condition surely takes, the other one not
        computed; where it may take both, the least and greatest of the two."""
        c0, c1 = self.pair(expr.args[0], row)
        self.put(f"if {c1} != 0.0:")  # it may hold: the first branch counts
        self.depth += 1
        t0, t1 = self.pair(expr.args[1], row)
        self.depth -= 1
        self.put(f"if {c0} != 1.0:")  # it may fail: the second one counts
        self.depth += 1
        e0, e1 = self.pair(expr.args[2], row)
        self.depth -= 1
        lo, hi = self.names()
        self.put(f"if {c0} == 1.0:")
        self.put(f"    {lo}, {hi} = {t0}, {t1}")
        self.put(f"elif {c1} == 0.0:")
        self.put(f"    {lo}, {hi} = {e0}, {e1}")
        self.put("else:")
        self.depth += 1
        self.put(f"{lo}, {hi} = {self.fold('mn', [t0, e0])}, {self.fold('mx', [t1, e1])}")
        self.depth -= 1
        return lo, hi

    def function_pair(self, expr: Expr, args: list[Pair], pairs: list[str]) -> str:
        name = expr.value
        if name in ("min", "max"):
            pick = "mn" if name == "min" else "mx"
            return (
                f"{self.fold(pick, [a for a, _ in args])}, {self.fold(pick, [b for _, b in args])}"
            )
        if name == "clip":
            (x0, x1), (l0, l1), (h0, h1) = args
            low = self.fold("mx", [l0, self.fold("mn", [x0, h0])])
            return f"{low}, {self.fold('mx', [l1, self.fold('mn', [x1, h1])])}"
        if name == "abs":
            return f"b_abs({pairs[0]})"
        if name == "floor":
            return f"fl({args[0][0]}), fl({args[0][1]})"
        if name == "round":
            return f"b_round({pairs[0]}, {literal(10.0 ** float(expr.args[1].value))})"
        if name == "phase_out":
            base, income, threshold, rate = args
            excess = self.names()
            self.add_pair(income, threshold, negate=True, lo=excess[0], hi=excess[1])
            e0, e1 = self.fold("mx", [excess[0], "0.0"]), self.fold("mx", [excess[1], "0.0"])
            m0, m1 = self.names()
            self.multiply_pair((e0, e1), rate, m0, m1)
            r0, r1 = self.names()
            self.add_pair(base, (m0, m1), negate=True, lo=r0, hi=r1)
            return f"{self.fold('mx', [r0, '0.0'])}, {self.fold('mx', [r1, '0.0'])}"
        raise NotImplementedError(name)  # pragma: no cover - the checker admits only these

    def aggregate_pair(self, expr: Expr, row: str) -> Pair:
        name = expr.value
        lo, hi = self.names()
        start = "0.0" if name in ("count", "sum", "any") else "1.0"
        self.put(f"{lo} = {hi} = {start}")
        a0, a1 = self.pair(expr.args[0], self.loop(expr))
        self.member_done()
        if name in ("count", "sum"):
            self.put(f"{lo} += {a0}")
            self.put(f"{hi} += {a1}")
        elif name == "any":  # true for every completion where one member always is
            self.put(f"if {a0} == 1.0:")
            self.put(f"    {lo} = 1.0")
            self.put(f"if {a1} == 1.0:")
            self.put(f"    {hi} = 1.0")
        else:
            self.put(f"if {a0} == 0.0:")
            self.put(f"    {lo} = 0.0")
            self.put(f"if {a1} == 0.0:")
            self.put(f"    {hi} = 0.0")
        self.depth -= 1
        return lo, hi

    def member_pair(self, expr: Expr, row: str) -> Pair:
        """One member's bounds; no such member: anything (a boolean's 0 to 1)."""
        floor, ceiling = ("0.0", "1.0") if expr.kind == Kind.BOOL else ("(-INF)", "INF")
        index = self.save(self.member_row(expr.value, row))
        lo, hi = self.names()
        self.put(f"{lo}, {hi} = {floor}, {ceiling}")
        self.put(f"if {index} >= 0:")
        self.depth += 1
        a0, a1 = self.pair(expr.args[0], index)
        self.put(f"{lo} = {floor} if {a0} != {a0} else {a0}")
        self.put(f"{hi} = {ceiling} if {a1} != {a1} else {a1}")
        self.depth -= 1
        return lo, hi
