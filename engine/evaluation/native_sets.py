"""Missing-facts functions (``x<i>``, :mod:`scalar_missing_code`) in C: values as doubles, the
facts a value misses as frozensets.

A missing-facts function computes its unit's nodes again (their values come from the value
units, memoized) and, after each, the set of stated facts it misses. In C a set is a Python
``frozenset`` held as a new reference: every set expression yields one (a set local's value is
taken with ``new_ref``, a union consumes both operands), a set local is replaced with
``Py_XSETREF`` and released at the end, so no path leaks or frees one twice; a failed
allocation ends the function with the error set, as Python would raise. The results are
memoized per frame (``mx``) like the Python ``c.x``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from engine.evaluation.native_code import UnitFunction, Untranslatable

__all__ = ["MissingFunction"]

_TEMP = re.compile(r"^t\d+$")
_CALL = re.compile(r"^x(\d+)$")


class MissingFunction(UnitFunction):
    """One generated missing-facts function and its C."""

    NAME = _CALL

    def prototype(self) -> str:
        """The C function's head: a new reference to a frozenset, or NULL with an error."""
        return f"PyObject *{self.node.name}(NF *c, int r)"

    def source(self) -> str:
        """The C function: the memo, the empty set when the unit's value is known, the
        statements, the result."""
        body = self.node.body
        self.sets = _set_locals(body, self.constants)
        unit = _prologue(self.node.name, body[:6])
        tail = body[-3:]
        if not (
            len(body) >= 9
            and isinstance(tail[0], ast.Assign)
            and [getattr(t, "id", None) for t in tail[0].targets] == ["v"]
            and ast.unparse(tail[1]) == "c.x[k] = v"
            and ast.unparse(tail[2]) == "return v"
        ):
            raise Untranslatable(f"{self.node.name}: not a missing-facts function's end")
        known = self.number(unit)
        self.block(body[6:-3])
        result = self.set_of(tail[0].value)
        numbers = sorted(self.temps - self.sets - {"v", "pair_"})
        head = [self.prototype() + " {"]
        if numbers:
            head.append("    double " + ", ".join(numbers) + ";")
        if self.sets:
            held = ", ".join(f"*{name} = NULL" for name in sorted(self.sets))
            head.append(f"    PyObject {held};")
        head.append("    PyObject *v;")
        head.append(f"    const uint32_t k = ((uint32_t){self.unit} << 16) + (uint32_t)r;")
        head.append("    if (mx_get(c, k, &v)) return v;")
        head.append(f"    {{ const double known_ = {known};")
        head.append("      if (known_ == known_) { v = set_empty(); mx_put(c, k, v); return v; } }")
        end = [f"    v = {result};", "    goto done_;", "fail_:", "    v = NULL;", "done_:"]
        end += [f"    Py_XDECREF({s});" for s in sorted(self.sets)]
        end += ["    if (v != NULL) mx_put(c, k, v);", "    return v;", "}"]
        return "\n".join([*head, *self.lines, *end])

    def statement(self, body: list[ast.stmt], i: int) -> int:
        """A set local's assignment here; every other statement as a value function's."""
        node = body[i]
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in self.sets:
                self.put(f"Py_XSETREF({target.id}, {self.set_of(node.value)});")
                self.put(f"if ({target.id} == NULL) goto fail_;")
                return 1
        return super().statement(body, i)

    def set_of(self, node: ast.expr) -> str:
        """A C expression that yields a new reference to the set ``node`` is (or NULL)."""
        if isinstance(node, ast.Name):
            if node.id == "E":
                return "set_empty()"
            if node.id in self.sets:
                return f"new_ref({node.id})"
            if node.id in self.constants:
                return f"set_one({_single(node.id, self.constants[node.id])})"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return f"set_or({self.set_of(node.left)}, {self.set_of(node.right)})"
        if isinstance(node, ast.IfExp):
            return (
                f"({self.test(node.test)} ? {self.set_of(node.body)} : {self.set_of(node.orelse)})"
            )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            args = node.args
            if node.func.id == "one" and len(args) == 1:
                return f"set_one((long)({self.number(args[0])}))"
            if _CALL.match(node.func.id) and len(args) == 2:
                if not (isinstance(args[0], ast.Name) and args[0].id == "c"):
                    raise Untranslatable(f"{self.node.name}: {ast.unparse(node)}")
                return f"{node.func.id}(c, {self.row(args[1])})"
        raise Untranslatable(f"{self.node.name}: the set {ast.unparse(node)}")


def _single(name: str, value: object) -> int:
    """The one code of a constant set of one missing fact."""
    if isinstance(value, frozenset) and len(value) == 1:
        (code,) = value
        if isinstance(code, int):
            return code
    raise Untranslatable(f"{name} is not the set of one missing fact")


def _set_locals(body: list[ast.stmt], constants: Mapping[str, object]) -> set[str]:
    """The locals that hold sets: assigned a set expression anywhere in the function."""
    found: set[str] = set()
    for _ in range(3):  # a local assigned another set local: until nothing new
        for node in [n for statement in body for n in ast.walk(statement)]:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if (
                    isinstance(target, ast.Name)
                    and _TEMP.match(target.id)
                    and _is_set(node.value, found, constants)
                ):
                    found.add(target.id)
    return found


def _is_set(node: ast.expr, sets: set[str], constants: Mapping[str, object]) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "E" or node.id in sets or node.id in constants
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.BitOr)
    if isinstance(node, ast.IfExp):
        return _is_set(node.body, sets, constants) or _is_set(node.orelse, sets, constants)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == "one" or _CALL.match(node.func.id) is not None
    return False


def _prologue(name: str, head: list[ast.stmt]) -> ast.Call:
    """Check a missing-facts function's first seven statements (the memo, the unit's value,
    the empty set when it is known); return the call of the unit's value."""
    text = [ast.unparse(s) for s in head]
    shape = [
        r"k = \d+ \+ r",
        r"v = c\.x\.get\(k\)",
        r"if v is not None:\n    return v",
        r"v = c\.m\.get\(k\)",
        r"if v is None:\n    v = u\d+\(c, r\)",
        r"if v == v:\n    c\.x\[k\] = E\n    return E",
    ]
    if len(head) < 6 or not all(re.fullmatch(p, t) for p, t in zip(shape, text, strict=False)):
        raise Untranslatable(f"{name}: not a missing-facts function's start")
    call = head[4]
    assert isinstance(call, ast.If) and isinstance(call.body[0], ast.Assign)
    value = call.body[0].value
    assert isinstance(value, ast.Call)
    return value
