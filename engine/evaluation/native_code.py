"""Translate the generated value and bounds functions into C, statement by statement.

The Python source written by :mod:`scalar_code` and :mod:`scalar_bounds_code` is a small,
fixed language (``tests/engine/test_no_eval.py`` audits every line of it): float locals,
``if``/``while True``/``for`` over the members, calls of other units and of the one-row
operators of :mod:`scalar_ops`, and a memo per frame. Here that source, parsed with :mod:`ast`,
becomes C on doubles with the same operations in the same order (IEEE arithmetic is the same in
both: the compiler is told not to fuse or reorder), so a unit's native function gives its
Python function's value bit for bit; an equality test runs both on random households. A form
this translator does not know raises :class:`Untranslatable` and the code stays Python.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from engine.evaluation.scalar_slots import ROW_BITS

__all__ = ["Translation", "UnitFunction", "Untranslatable", "translate"]

_UNIT = re.compile(r"^([ub])(\d+)$")
_TEMP = re.compile(r"^(t\d+|lo|hi)$")
_LOOP = re.compile(r"^q\d+$")
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
#: one-row operators returning a number, by name: their C twins in the runtime
_NUMBER_OPS = {"fl": "op_fl", "rnd": "op_rnd", "age": "op_age", "abs": "fabs"}
#: one-row operators returning bounds (a pair)
_PAIR_OPS = {"b_div": "op_b_div", "age_bounds": "op_age_bounds", "b_round": "op_b_round"}


class Untranslatable(ValueError):
    """Generated source with a form the C translation does not know."""


class Translation:
    """The C source of some units: ``functions`` (definitions), ``names`` (the units, in the
    order of the module's table) and ``kinds`` ("u": a number, "b": a pair, per name)."""

    def __init__(self) -> None:
        self.functions: list[str] = []
        self.prototypes: list[str] = []
        self.names: list[str] = []


def translate(
    sources: Iterable[str],
    constants: Mapping[str, Any],
    local_units: tuple[frozenset[int], frozenset[int]],
    aliases: Mapping[str, str],
) -> Translation:
    """The C of every value, bounds and missing-facts function in ``sources`` (the aliases'
    assignments are left to Python). ``constants``: the generated module's ``K`` names (sets
    of codes); ``local_units``: its row-local value and bounds units (``LU``, ``LB``);
    ``aliases``: a unit name bound to another unit's function, by name.

    Raises:
        Untranslatable: a statement or expression the translation does not know.
    """
    from engine.evaluation.native_sets import MissingFunction  # it builds on UnitFunction

    out = Translation()
    for source in sources:
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            fn: UnitFunction
            if _UNIT.match(node.name):
                fn = UnitFunction(node, constants, local_units, aliases)
            elif MissingFunction.NAME.match(node.name):
                fn = MissingFunction(node, constants, local_units, aliases)
            else:
                continue
            out.prototypes.append(fn.prototype() + ";")
            out.functions.append(fn.source())
            out.names.append(node.name)
    return out


class UnitFunction:
    """One generated value ("u") or bounds ("b") function and its C."""

    def __init__(
        self,
        node: ast.FunctionDef,
        constants: Mapping[str, Any],
        local_units: tuple[frozenset[int], frozenset[int]],
        aliases: Mapping[str, str],
    ) -> None:
        found = re.match(r"^([ubx])(\d+)$", node.name)
        assert found is not None
        self.node = node
        self.kind, self.unit = found.group(1), int(found.group(2))
        self.constants = constants
        self.local = self.unit in local_units[0 if self.kind == "u" else 1]
        self.aliases = aliases
        self.temps: set[str] = set()
        self.lines: list[str] = []
        self.depth = 1

    # ------------------------------------------------------------ shape

    def prototype(self) -> str:
        """The C function's head."""
        result = "double" if self.kind == "u" else "P2"
        return f"{result} {self.node.name}(NF *c, int r)"

    def source(self) -> str:
        """The C function."""
        self.block(self.node.body)
        declared = sorted(self.temps - {"v", "pair_"})
        head = [self.prototype() + " {"]
        if declared:
            head.append("    double " + ", ".join(declared) + ";")
        if "pair_" in self.temps:
            head.append("    P2 pair_;")
        head.append("    double v;" if self.kind == "u" else "    P2 v;")
        head.append(f"    const uint32_t k = ((uint32_t){self.unit} << {ROW_BITS}) + (uint32_t)r;")
        return "\n".join([*head, *self.lines, "}"])

    def put(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def block(self, body: list[ast.stmt]) -> None:
        i = 0
        while i < len(body):
            i += self.statement(body, i)

    # ------------------------------------------------------------ statements

    def statement(self, body: list[ast.stmt], i: int) -> int:
        """Translate ``body[i]`` (and the statements a recognized pattern spans); return how
        many statements were consumed."""
        node = body[i]
        if isinstance(node, ast.If) and _is_base_switch(node):
            dirty = "du" if self.kind == "u" else "db"
            local = " || r != c->q" if self.local else ""
            self.put(f"if (c->base && (!DIRTY(c->{dirty}, c->{dirty}_len, {self.unit}){local}))")
            self.put("    c = c->base;")
            return 1
        if isinstance(node, ast.Assign) and _names(node.targets) == ["k"]:
            return 1  # the memo key: ``k`` above
        if isinstance(node, ast.Assign) and _names(node.targets) == ["v"]:
            if _is_memo_get(node.value, self.kind):
                following = body[i + 1] if i + 1 < len(body) else None
                if not (isinstance(following, ast.If) and _is_found(following)):
                    raise Untranslatable(f"{self.node.name}: a memo read without its test")
                memo = "mu" if self.kind == "u" else "mb"
                self.put(f"if ({memo}_get(c, k, &v)) return v;")
                return 2
            if self.kind == "u":
                self.put(f"v = {self.number(node.value)};")
            else:
                lo, hi = self.pair(node.value)
                self.put(f"v.lo = {lo};")
                self.put(f"v.hi = {hi};")
            return 1
        if isinstance(node, ast.Assign) and _is_frame_local(node):
            return 1  # F = c.f ...: the runtime reads c's fields directly
        if isinstance(node, ast.Assign) and _is_memo_store(node):
            self.put("mu_put(c, k, v);" if self.kind == "u" else "mb_put(c, k, v);")
            return 1
        if isinstance(node, ast.Return):
            if not (isinstance(node.value, ast.Name) and node.value.id == "v"):
                raise Untranslatable(f"{self.node.name}: a return of {ast.unparse(node)}")
            self.put("return v;")
            return 1
        if isinstance(node, ast.Assign) and _is_peek(node):
            # ``t = c.m.get(key)`` then ``if t is None: t = u<i>(c, row)``: the unit's function
            # reads its memo first itself (the same value either way: see Emitter.known_value)
            following = body[i + 1] if i + 1 < len(body) else None
            name = _names(node.targets)[0]
            call = _peek_fallback(following, name)
            if call is None:
                raise Untranslatable(f"{self.node.name}: a memo read without its call")
            self.temps.add(name)
            self.put(f"{name} = {self.number(call)};")
            return 2
        if isinstance(node, ast.Assign):
            self.assign(node)
            return 1
        if isinstance(node, ast.AugAssign):
            target = self.temp(node.target)
            if type(node.op) not in _ARITH:
                raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")
            self.put(f"{target} {_ARITH[type(node.op)]}= {self.number(node.value)};")
            return 1
        if isinstance(node, ast.If):
            self.put(f"if ({self.test(node.test)}) {{")
            self.nested(node.body)
            if node.orelse:
                self.put("} else {")
                self.nested(node.orelse)
            self.put("}")
            return 1
        if isinstance(node, ast.While):
            if not (isinstance(node.test, ast.Constant) and node.test.value is True) or node.orelse:
                raise Untranslatable(f"{self.node.name}: {ast.unparse(node.test)}")
            self.put("for (;;) {")
            self.nested(node.body)
            self.put("}")
            return 1
        if isinstance(node, ast.For):
            if not (
                isinstance(node.target, ast.Name)
                and _LOOP.match(node.target.id)
                and isinstance(node.iter, ast.Name)
                and node.iter.id in ("W", "R")  # the members' first twins, or every member
                and not node.orelse
            ):
                raise Untranslatable(f"{self.node.name}: {ast.unparse(node.iter)}")
            q = node.target.id
            self.put(f"for (int i_{q} = 0; i_{q} < c->n; i_{q}++) {{")
            row = f"c->w[i_{q}]" if node.iter.id == "W" else f"i_{q}"
            self.put(f"    const int {q} = {row};")
            self.nested(node.body)
            self.put("}")
            return 1
        if isinstance(node, ast.Break):
            self.put("break;")
            return 1
        raise Untranslatable(f"{self.node.name}: {type(node).__name__}")

    def nested(self, body: list[ast.stmt]) -> None:
        self.depth += 1
        self.block(body)
        self.depth -= 1

    def assign(self, node: ast.Assign) -> None:
        value = node.value
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
            names = [self.temp(t) for t in node.targets[0].elts]
            if len(names) != 2:
                raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")
            lo, hi = self.pair(value)
            self.put(f"{{ const double lo_ = {lo}, hi_ = {hi};")
            self.put(f"  {names[0]} = lo_; {names[1]} = hi_; }}")
            return
        names = [self.temp(t) for t in node.targets]
        self.put(" = ".join(names) + f" = {self.number(value)};")

    def temp(self, target: ast.expr) -> str:
        if not (isinstance(target, ast.Name) and _TEMP.match(target.id)):
            raise Untranslatable(f"{self.node.name}: assigns {ast.unparse(target)}")
        self.temps.add(target.id)
        return target.id

    # ------------------------------------------------------------ expressions

    def number(self, node: ast.expr) -> str:
        """A C expression of type double for a Python expression that is a float."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            if isinstance(node.value, bool):
                raise Untranslatable(f"{self.node.name}: a boolean constant")
            return _double(float(node.value))
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return f"(-{self.number(node.operand)})"
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            op = _ARITH[type(node.op)]
            return f"({self.number(node.left)} {op} {self.number(node.right)})"
        if isinstance(node, ast.IfExp):
            return (
                f"({self.test(node.test)} ? {self.number(node.body)} : {self.number(node.orelse)})"
            )
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if _attribute(node, "c", "z"):  # the day of the question (days since 1970)
            return "c->z"
        if isinstance(node, ast.Call):
            return self.call(node)
        raise Untranslatable(f"{self.node.name}: the number {ast.unparse(node)}")

    def name(self, name: str) -> str:
        if name == "NAN":
            return "NAN"
        if name == "INF":
            return "INFINITY"
        if name == "A":
            return "((double)c->a)"
        if name == "S":
            return "((double)c->s)"
        if name in ("r", "v") or _LOOP.match(name):
            return f"((double){name})" if name != "v" else "v"
        if _TEMP.match(name):
            self.temps.add(name)
            return name
        raise Untranslatable(f"{self.node.name}: the name {name}")

    def row(self, node: ast.expr) -> str:
        """A row index (an int) from a Python expression."""
        if isinstance(node, ast.Name):
            if node.id == "r" or _LOOP.match(node.id):
                return node.id
            if node.id == "A":
                return "c->a"
            if node.id == "S":
                return "c->s"
        return f"((int){self.number(node)})"

    def subscript(self, node: ast.Subscript) -> str:
        inner = node.value
        if isinstance(inner, ast.Name) and inner.id == "P":
            return f"c->day->p[{_index(node.slice)}]"
        if isinstance(inner, ast.Name) and inner.id == "D":
            return f"c->d[{_index(node.slice)}]"
        if isinstance(inner, ast.Name) and inner.id == "F":  # a household fact
            return f"c->f[{_index(node.slice)} * c->n]"
        if isinstance(inner, ast.Name) and inner.id == "PT":
            return f"((double)c->pt[{self.row(node.slice)}])"
        if (
            isinstance(inner, ast.Subscript)
            and isinstance(inner.value, ast.Name)
            and inner.value.id == "F"
        ):  # a person's fact on a row
            return f"c->f[{_index(inner.slice)} * c->n + {self.row(node.slice)}]"
        raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")

    def call(self, node: ast.Call) -> str:
        if node.keywords or not isinstance(node.func, ast.Name):
            raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")
        name = self.aliases.get(node.func.id, node.func.id)
        unit = _UNIT.match(name)
        if unit is not None:
            if unit.group(1) != "u":
                raise Untranslatable(f"{self.node.name}: bounds used as a number")
            return f"{name}(c, {self._unit_args(node)})"
        args = node.args
        if name in _NUMBER_OPS and len(args) in (1, 2):
            return f"{_NUMBER_OPS[name]}({', '.join(self.number(a) for a in args)})"
        if name == "lookup" and len(args) == 3:
            return f"op_lookup(c, {self.table(args[0], args[1])}, {self.number(args[2])})"
        if name in ("mn", "mx") and args:
            out = self.number(args[0])
            for arg in args[1:]:
                out = f"op_{name}2({out}, {self.number(arg)})"
            return out if len(args) > 1 else f"op_{name}1({out})"
        raise Untranslatable(f"{self.node.name}: the call {ast.unparse(node)}")

    def _unit_args(self, node: ast.Call) -> str:
        args = node.args
        if len(args) != 2 or not (isinstance(args[0], ast.Name) and args[0].id == "c"):
            raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")
        return self.row(args[1])

    def table(self, keys: ast.expr, values: ast.expr) -> int:
        """The slot of a table read as ``T[i][0], T[i][1]``."""
        slots = []
        for node, part in ((keys, 0), (values, 1)):
            if not (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Subscript)
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "T"
                and _index(node.slice) == part
            ):
                raise Untranslatable(f"{self.node.name}: the table {ast.unparse(node)}")
            slots.append(_index(node.value.slice))
        if slots[0] != slots[1]:
            raise Untranslatable(f"{self.node.name}: two tables")
        return slots[0]

    def pair(self, node: ast.expr) -> tuple[str, str]:
        """Two C doubles (as expressions over temporaries) for a Python pair."""
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            return self.number(node.elts[0]), self.number(node.elts[1])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            name = self.aliases.get(node.func.id, node.func.id)
            unit = _UNIT.match(name)
            args = node.args
            if unit is not None and unit.group(1) == "b":
                call = f"{name}(c, {self._unit_args(node)})"
            elif name in _PAIR_OPS:
                call = f"{_PAIR_OPS[name]}({', '.join(self.pair_arg(a) for a in args)})"
            elif name == "b_lookup" and len(args) == 3:
                table = self.table(args[0], args[1])
                call = f"op_b_lookup(c, {table}, {self.pair_arg(args[2])})"
            elif name == "b_isin" and len(args) == 2:
                codes = self.codes(args[1])
                lo, hi = self.pair(args[0])
                hit = " || ".join(f"lo_ == {c}" for c in codes) or "0"
                reach = " || ".join(f"(lo_ <= {c} && {c} <= hi_)" for c in codes) or "0"
                self.put(f"{{ const double lo_ = {lo}, hi_ = {hi};")
                self.put(f"  pair_.lo = (lo_ == hi_ && ({hit})) ? 1.0 : 0.0;")
                self.put(f"  pair_.hi = ({reach}) ? 1.0 : 0.0; }}")
                self.temps.add("pair_")
                return "pair_.lo", "pair_.hi"
            else:
                raise Untranslatable(f"{self.node.name}: the pair {ast.unparse(node)}")
            self.put(f"pair_ = {call};")
            self.temps.add("pair_")
            return "pair_.lo", "pair_.hi"
        raise Untranslatable(f"{self.node.name}: the pair {ast.unparse(node)}")

    def pair_arg(self, node: ast.expr) -> str:
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            return f"p2({self.number(node.elts[0])}, {self.number(node.elts[1])})"
        return self.number(node)

    def codes(self, node: ast.expr) -> list[str]:
        if not (isinstance(node, ast.Name) and node.id in self.constants):
            raise Untranslatable(f"{self.node.name}: the codes {ast.unparse(node)}")
        values = self.constants[node.id]
        if not isinstance(values, (set, frozenset, tuple)):
            raise Untranslatable(f"{self.node.name}: {node.id} is not a set of codes")
        return [_double(float(v)) for v in sorted(values)]

    def test(self, node: ast.expr) -> str:
        """A C condition (an int) for a Python test."""
        if isinstance(node, ast.Compare):
            left = node.left
            parts = []
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, (ast.In, ast.NotIn)):
                    value = self.number(left)
                    member = " || ".join(f"{value} == {c}" for c in self.codes(right)) or "0"
                    parts.append(f"({member})" if isinstance(op, ast.In) else f"!({member})")
                elif type(op) in _CMP:
                    if len(node.ops) > 1 and not _pure(left, right):
                        raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")
                    parts.append(f"{self.number(left)} {_CMP[type(op)]} {self.number(right)}")
                else:
                    raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")
                left = right
            return "(" + " && ".join(parts) + ")"
        if isinstance(node, ast.BoolOp):
            joiner = " && " if isinstance(node.op, ast.And) else " || "
            return "(" + joiner.join(self.test(v) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"(!{self.test(node.operand)})"
        return f"({self.number(node)} != 0.0)"  # a float's truth: NaN is true, as in Python


def _pure(*nodes: ast.expr) -> bool:
    """No call in these expressions (a chained comparison reads its middle operand twice)."""
    return not any(isinstance(n, ast.Call) for node in nodes for n in ast.walk(node))


def _double(value: float) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INFINITY" if value > 0 else "(-INFINITY)"
    text = repr(value)
    return f"({text})" if text.startswith("-") else text


def _index(node: ast.expr) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return int(node.value)
    raise Untranslatable(f"not a slot: {ast.unparse(node)}")


def _names(targets: list[ast.expr]) -> list[str]:
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _attribute(node: ast.expr, owner: str, name: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == name
        and isinstance(node.value, ast.Name)
        and node.value.id == owner
    )


def _is_base_switch(node: ast.If) -> bool:
    body = node.body
    return (
        len(body) == 1
        and isinstance(body[0], ast.Assign)
        and _names(body[0].targets) == ["c"]
        and _attribute(body[0].value, "c", "base")
        and not node.orelse
    )


def _is_memo_get(node: ast.expr, kind: str) -> bool:
    memo = "m" if kind == "u" else "b"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and _attribute(node.func.value, "c", memo)
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "k"
    )


def _is_found(node: ast.If) -> bool:
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "v"
        and isinstance(test.ops[0], ast.IsNot)
        and len(node.body) == 1
        and isinstance(node.body[0], ast.Return)
        and not node.orelse
    )


def _is_frame_local(node: ast.Assign) -> bool:
    return (
        len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Attribute)
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "c"
    )


def _is_memo_store(node: ast.Assign) -> bool:
    target = node.targets[0]
    return (
        len(node.targets) == 1
        and isinstance(target, ast.Subscript)
        and (_attribute(target.value, "c", "m") or _attribute(target.value, "c", "b"))
        and isinstance(node.value, ast.Name)
        and node.value.id == "v"
    )


def _is_peek(node: ast.Assign) -> bool:
    value = node.value
    return (
        len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and _attribute(value.func.value, "c", "m")
    )


def _peek_fallback(node: ast.stmt | None, name: str) -> ast.Call | None:
    """The call in ``if <name> is None: <name> = u<i>(c, row)``, or None."""
    if not (isinstance(node, ast.If) and not node.orelse and len(node.body) == 1):
        return None
    test, body = node.test, node.body[0]
    if not (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == name
        and isinstance(test.ops[0], ast.Is)
        and isinstance(body, ast.Assign)
        and _names(body.targets) == [name]
        and isinstance(body.value, ast.Call)
    ):
        return None
    return body.value
