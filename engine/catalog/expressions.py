"""The rule language: Python expression syntax, whitelisted, typed, three-valued.

An expression is parsed with :mod:`ast` and checked node by node against a whitelist; nothing is
ever passed to ``eval``. Checking produces a small typed tree (:class:`Expr`) that the compiler
turns into vectorized NumPy. Errors name what is wrong and how to fix it; the loader adds the
file and line. Function calls are checked in :mod:`engine.catalog.expression_calls`.

Examples:
    >>> from engine.catalog.loader import load_facts
    >>> from engine.catalog.paths import default_rules_dir
    >>> facts = load_facts(default_rules_dir() / "facts.yaml")
    >>> ns = Namespace(facts, entity="household", parameters={"cap": Kind.NUMBER})
    >>> tree = check_expression("min(cap, applicant(net_income)) > 0", ns)
    >>> tree.kind, sorted(tree.names("fact"))
    (<Kind.BOOL: 'bool'>, ['net_income'])
"""

from __future__ import annotations

import ast
import dataclasses
import math
from typing import Any

from engine.catalog.expression_calls import CallChecker, describe
from engine.catalog.facts import BUILTIN_DATES, Entity, Kind
from engine.catalog.tree import (
    AGGREGATES,
    FUNCTIONS,
    Expr,
    ExpressionProblem,
    Namespace,
    placeholders,
)

UNKNOWN = "unknown"
"""The literal for a value a file does not model (e.g. the rates of a household shape outside its
scope): arithmetic and comparisons on it are unknown, so no criterion decides on it."""

# the tree's names are re-exported: callers import the language from one place
__all__ = [
    "AGGREGATES",
    "FUNCTIONS",
    "Expr",
    "ExpressionProblem",
    "Namespace",
    "check_expression",
    "placeholders",
]

_COMPARE = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def check_expression(source: str, ns: Namespace) -> Expr:
    """Parse and type-check one expression.

    Raises:
        ExpressionProblem: syntax outside the whitelist, an unknown name, or a type error.
    """
    expr = _Checker(ns).visit(_parse(source), ns.entity)
    if expr.op == "const" and expr.kind == Kind.ENUM:
        raise ExpressionProblem(
            'a quoted text is a value only when compared with a fact, e.g. province == "ON"', 1
        )
    return expr


def _parse(source: str) -> ast.expr:
    try:
        return ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionProblem(f"not a valid expression: {exc.msg}", exc.offset or 0) from None


class _Checker(CallChecker):
    def visit(self, node: ast.expr, scope: Entity) -> Expr:
        col = getattr(node, "col_offset", 0) + 1
        if isinstance(node, ast.Constant):
            return self._constant(node.value, scope, col)
        if isinstance(node, ast.Name):
            return self._name(node.id, scope, col)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            return self._arith(node, scope)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, scope)
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            args = tuple(self._bool(value, scope, f"'{op}'") for value in node.values)
            return Expr(op, Kind.BOOL, scope, args=args)
        if isinstance(node, ast.Compare):
            return self._compare(node, scope)
        if isinstance(node, ast.IfExp):
            return self._if(node, scope)
        if isinstance(node, ast.Call):
            return self._call(node, scope)
        raise ExpressionProblem(f"{describe(node)} is not allowed in rule expressions", col)

    # --- leaves -----------------------------------------------------------------------------

    def _constant(self, value: Any, scope: Entity, col: int) -> Expr:
        if isinstance(value, bool):
            return Expr("const", Kind.BOOL, scope, 1.0 if value else 0.0)
        if isinstance(value, int | float):
            return Expr("const", Kind.NUMBER, scope, float(value))
        if isinstance(value, str):
            return Expr("const", Kind.ENUM, scope, value)
        raise ExpressionProblem(f"constant {value!r} is not allowed", col)

    def _name(self, name: str, scope: Entity, col: int) -> Expr:
        if name.startswith("__"):
            raise ExpressionProblem(f"dunder name {name!r} is not allowed", col)
        if name in self.ns.variables:
            return Expr("var", self.ns.variables[name], scope, name)
        if name in self.ns.parameters:
            if self.ns.parameters[name] == Kind.TABLE:
                raise ExpressionProblem(
                    f"table parameter {name!r} can only be read with lookup({name}, key)", col
                )
            return Expr("param", self.ns.parameters[name], scope, name, owner=self.ns.program)
        if name in BUILTIN_DATES:
            return Expr("date", Kind.DATE, scope, name)
        if name == UNKNOWN:  # a value the file does not model: every use of it is unknown
            return Expr("const", Kind.NUMBER, scope, math.nan)
        if name in self.ns.definitions:
            return self._definition(name, scope, col)
        fact = self.ns.facts.get(name)
        if fact is not None and not fact.derived:
            if fact.entity == "person" and scope == "household":
                raise ExpressionProblem(
                    f"person fact {name!r} used at household level; read it through "
                    "applicant(...), spouse(...), count(...), sum(...), any(...) or all(...)",
                    col,
                )
            return Expr("fact", fact.kind, scope, name, enum_fact=name)
        if name in FUNCTIONS:
            raise ExpressionProblem(f"function {name!r} must be called, e.g. {name}(...)", col)
        raise ExpressionProblem(
            f"unknown name {name!r}: not a fact, a parameter or a variable of this program", col
        )

    def _definition(self, name: str, scope: Entity, col: int) -> Expr:
        definition = self.ns.definitions[name]
        if definition.entity == "person" and scope == "household":
            raise ExpressionProblem(
                f"{name!r} is defined per person; read it through applicant(...), spouse(...), "
                "count(...), sum(...), any(...) or all(...)",
                col,
            )
        inner = self.ns.expanded.get(name)
        if inner is None:
            inner = self._expand(definition, col)
        return Expr("def", inner.kind, scope, name, (inner,), inner.enum_fact)

    def _expand(self, definition: Any, col: int) -> Expr:
        """Check a definition's expression; names it ``requires`` are the program's own."""
        name = definition.name
        if name in self.ns.expanding:
            cycle = " -> ".join([*self.ns.expanding[self.ns.expanding.index(name) :], name])
            raise ExpressionProblem(f"definitions depend on each other in a cycle: {cycle}", col)
        parameters, variables = {}, {}
        for required in definition.requires:
            if required in self.ns.parameters:
                parameters[required] = self.ns.parameters[required]
            elif required in self.ns.variables:
                variables[required] = self.ns.variables[required]
            else:
                raise ExpressionProblem(
                    f"definition {name!r} needs {required!r}: declare a parameter or variable "
                    f"{required!r} in this program",
                    col,
                )
        inner_ns = dataclasses.replace(
            self.ns, entity=definition.entity, parameters=parameters, variables=variables
        )
        self.ns.expanding.append(name)
        try:
            inner = _Checker(inner_ns).visit(_parse(definition.source), definition.entity)
        except ExpressionProblem as exc:
            raise ExpressionProblem(f"in definition {name!r}: {exc.reason}", col) from None
        finally:
            self.ns.expanding.pop()
        if not definition.requires:
            self.ns.expanded[name] = inner  # the same tree everywhere: shared by every program
        return inner

    # --- operators --------------------------------------------------------------------------

    def _arith(self, node: ast.BinOp, scope: Entity) -> Expr:
        op = _ARITH[type(node.op)]
        left, right = self.visit(node.left, scope), self.visit(node.right, scope)
        kinds = (left.kind, right.kind)
        if kinds == (Kind.NUMBER, Kind.NUMBER):
            kind = Kind.NUMBER
        elif (op in "+-" and kinds == (Kind.DATE, Kind.NUMBER)) or (
            op == "+" and kinds == (Kind.NUMBER, Kind.DATE)
        ):
            kind = Kind.DATE
        elif op == "-" and kinds == (Kind.DATE, Kind.DATE):
            kind = Kind.NUMBER
        else:
            raise ExpressionProblem(
                f"type error: '{op}' cannot combine a {left.kind.value} and a "
                f"{right.kind.value} ({ast.unparse(node)})",
                node.col_offset + 1,
            )
        return Expr("arith", kind, scope, op, (left, right))

    def _unary(self, node: ast.UnaryOp, scope: Entity) -> Expr:
        if isinstance(node.op, ast.Not):
            return Expr("not", Kind.BOOL, scope, args=(self._bool(node.operand, scope, "'not'"),))
        if isinstance(node.op, ast.USub):
            operand = self._number(node.operand, scope, "unary '-'")
            return Expr("neg", Kind.NUMBER, scope, args=(operand,))
        if isinstance(node.op, ast.UAdd):
            return self._number(node.operand, scope, "unary '+'")
        raise ExpressionProblem("bitwise operators are not allowed", node.col_offset + 1)

    def _compare(self, node: ast.Compare, scope: Entity) -> Expr:
        parts: list[Expr] = []
        left_node = node.left
        left = self.visit(left_node, scope)
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op_node, ast.In | ast.NotIn):
                part = self._membership(left, right_node, scope)
                if isinstance(op_node, ast.NotIn):
                    part = Expr("not", Kind.BOOL, scope, args=(part,))
                parts.append(part)
                left_node, left = right_node, part
                continue
            if type(op_node) not in _COMPARE:
                raise ExpressionProblem(
                    "only < <= > >= == != in and 'not in' comparisons are allowed",
                    node.col_offset + 1,
                )
            op = _COMPARE[type(op_node)]
            right = self.visit(right_node, scope)
            parts.append(self._comparison(op, left, right, node))
            left_node, left = right_node, right
        if len(parts) == 1:
            return parts[0]
        return Expr("and", Kind.BOOL, scope, args=tuple(parts))

    def _comparison(self, op: str, left: Expr, right: Expr, node: ast.expr) -> Expr:
        col = getattr(node, "col_offset", 0) + 1
        if Kind.ENUM in (left.kind, right.kind):
            if op not in ("==", "!="):
                raise ExpressionProblem(f"type error: '{op}' cannot order text values", col)
            fact_side, literal = (left, right) if left.op != "const" else (right, left)
            if fact_side.kind != Kind.ENUM or literal.op != "const" or literal.kind != Kind.ENUM:
                raise ExpressionProblem(
                    "type error: text compares only a fact with a quoted value "
                    f"({ast.unparse(node)})",
                    col,
                )
            code = _enum_code(self.ns, fact_side, literal.value, col)
            const = Expr("const", Kind.NUMBER, fact_side.scope, float(code))
            return Expr("cmp", Kind.BOOL, fact_side.scope, op, (fact_side, const))
        if left.kind != right.kind or left.kind not in (Kind.NUMBER, Kind.DATE, Kind.BOOL):
            raise ExpressionProblem(
                f"type error: '{op}' cannot compare a {left.kind.value} with a "
                f"{right.kind.value} ({ast.unparse(node)})",
                col,
            )
        if left.kind == Kind.BOOL and op not in ("==", "!="):
            raise ExpressionProblem(f"type error: '{op}' cannot order booleans", col)
        return Expr("cmp", Kind.BOOL, left.scope, op, (left, right))

    def _membership(self, left: Expr, right_node: ast.expr, scope: Entity) -> Expr:
        col = right_node.col_offset + 1
        if not isinstance(right_node, ast.Tuple) or not all(
            isinstance(e, ast.Constant) for e in right_node.elts
        ):
            raise ExpressionProblem("'in' needs a tuple of literal values, e.g. ('ON', 'QC')", col)
        values = [e.value for e in right_node.elts if isinstance(e, ast.Constant)]
        if left.kind == Kind.ENUM:
            codes = [float(_enum_code(self.ns, left, str(v), col)) for v in values]
        elif left.kind == Kind.NUMBER and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            codes = [float(v) for v in values if isinstance(v, int | float)]
        else:
            raise ExpressionProblem(
                f"type error: 'in' cannot test a {left.kind.value} against these values", col
            )
        return Expr("isin", Kind.BOOL, scope, tuple(codes), (left,))

    def _if(self, node: ast.IfExp, scope: Entity) -> Expr:
        test = self._bool(node.test, scope, "the condition of 'if'")
        then, otherwise = self.visit(node.body, scope), self.visit(node.orelse, scope)
        if then.kind != otherwise.kind or then.kind == Kind.ENUM:
            raise ExpressionProblem(
                f"type error: both branches of 'if' must have the same type, got "
                f"{then.kind.value} and {otherwise.kind.value}",
                node.col_offset + 1,
            )
        return Expr("if", then.kind, scope, args=(test, then, otherwise))


def _enum_code(ns: Namespace, fact_side: Expr, value: str, col: int) -> int:
    fact = ns.facts.get(fact_side.enum_fact or "")
    if fact is None or fact.kind != Kind.ENUM:
        raise ExpressionProblem("type error: text compares only with an enumerated fact", col)
    if value not in fact.values:
        raise ExpressionProblem(
            f"{value!r} is not a value of {fact.name}; expected one of: " + ", ".join(fact.values),
            col,
        )
    return fact.code(value)
