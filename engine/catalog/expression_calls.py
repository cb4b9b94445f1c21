"""The rule language's function calls: their arguments, types and the scopes they read at.

The checker of :mod:`engine.catalog.expressions` inherits these checks from
:class:`CallChecker`: the number functions (``min``, ``round``, ``phase_out``…), ``lookup`` of a
table parameter, ``parameter(...)`` of another program, the aggregates and members of a
household, ``partner``, ``age_on``, ``date``, and reads of other programs' results.
"""

from __future__ import annotations

import ast
import datetime as dt

from engine.catalog.facts import Entity, Kind
from engine.catalog.tree import (
    AGGREGATES,
    FUNCTIONS,
    MEMBERS,
    PROGRAM_READS,
    Expr,
    ExpressionProblem,
    Namespace,
)
from engine.kleene import to_days

__all__ = ["CallChecker", "describe"]


def describe(node: ast.AST) -> str:
    """What a node the language does not allow is called in an error message."""
    names = {
        ast.Attribute: "attribute access (a.b)",
        ast.Subscript: "subscripts (a[b])",
        ast.Lambda: "lambda",
        ast.ListComp: "comprehensions",
        ast.SetComp: "comprehensions",
        ast.DictComp: "comprehensions",
        ast.GeneratorExp: "comprehensions",
        ast.JoinedStr: "f-strings",
        ast.NamedExpr: "assignment expressions (:=)",
        ast.Starred: "starred arguments",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.List: "lists",
        ast.Dict: "dicts",
        ast.Set: "sets",
    }
    return names.get(type(node), type(node).__name__)


class CallChecker:
    """The checks of function calls, and the typed operands they share with the operators: the
    base of the expression checker (which defines :meth:`visit`)."""

    def __init__(self, ns: Namespace) -> None:
        self.ns = ns

    def visit(self, node: ast.expr, scope: Entity) -> Expr:
        """Check one node (the expression checker's)."""
        raise NotImplementedError  # pragma: no cover - the checker defines it

    def _expect(self, expr: Expr, kind: Kind, what: str, node: ast.expr) -> Expr:
        if expr.kind != kind:
            raise ExpressionProblem(
                f"type error: {what} needs a {kind.value}, got a {expr.kind.value} "
                f"({ast.unparse(node)})",
                getattr(node, "col_offset", 0) + 1,
            )
        return expr

    def _bool(self, node: ast.expr, scope: Entity, what: str) -> Expr:
        return self._expect(self.visit(node, scope), Kind.BOOL, what, node)

    def _number(self, node: ast.expr, scope: Entity, what: str) -> Expr:
        return self._expect(self.visit(node, scope), Kind.NUMBER, what, node)

    # --- calls ------------------------------------------------------------------------------

    def _call(self, node: ast.Call, scope: Entity) -> Expr:
        col = node.col_offset + 1
        if not isinstance(node.func, ast.Name):
            raise ExpressionProblem(f"{describe(node.func)} is not allowed", col)
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionProblem(
                f"call of {name!r} is not allowed; allowed functions: "
                + ", ".join(sorted(FUNCTIONS)),
                col,
            )
        if node.keywords:
            raise ExpressionProblem(f"{name}() takes no keyword arguments", col)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ExpressionProblem("starred arguments are not allowed", col)
        low, high = FUNCTIONS[name]
        if len(node.args) < low or (high is not None and len(node.args) > high):
            wanted = str(low) if low == high else f"{low}" + (f" to {high}" if high else " or more")
            raise ExpressionProblem(f"{name}() takes {wanted} arguments, got {len(node.args)}", col)
        return self._function(name, node, scope, col)

    def _function(self, name: str, node: ast.Call, scope: Entity, col: int) -> Expr:
        a = node.args
        if name in ("min", "max", "clip", "abs", "floor", "phase_out"):
            args = tuple(self._number(arg, scope, f"{name}()") for arg in a)
            return Expr("call", Kind.NUMBER, scope, name, args)
        if name == "round":
            digits = a[1] if len(a) == 2 else ast.Constant(0)
            if not isinstance(digits, ast.Constant) or not isinstance(digits.value, int):
                raise ExpressionProblem("round() takes a whole number of digits", col)
            x = self._number(a[0], scope, "round()")
            return Expr("call", Kind.NUMBER, scope, name, (x, self.visit(digits, scope)))
        if name == "lookup":
            table = self._table(a[0], scope, col)
            key = self._number(a[1], scope, "lookup()")
            return Expr("call", Kind.NUMBER, scope, name, (table, key))
        if name == "parameter":
            param = self._foreign_parameter(a, scope, col)
            if param.kind == Kind.TABLE:
                raise ExpressionProblem(
                    "a table parameter can only be read with lookup(parameter(...), key)", col
                )
            return param
        if name in AGGREGATES or name in MEMBERS:
            if scope != "household":
                raise ExpressionProblem(
                    f"{name}() reads the household's members; it cannot be used inside a "
                    "person-level expression",
                    col,
                )
            inner = self.visit(a[0], "person")
            if name in ("count", "any", "all"):
                self._expect(inner, Kind.BOOL, f"{name}()", a[0])
            elif name == "sum":
                self._expect(inner, Kind.NUMBER, "sum()", a[0])
            kind = {"count": Kind.NUMBER, "sum": Kind.NUMBER, "any": Kind.BOOL, "all": Kind.BOOL}
            result_kind = kind.get(name, inner.kind)
            return Expr("call", result_kind, scope, name, (inner,), inner.enum_fact)
        if name == "partner":
            if scope != "person":
                raise ExpressionProblem(
                    "partner() reads a person's spouse or common-law partner; it is a "
                    "person-level function (in a household expression use spouse())",
                    col,
                )
            inner = self.visit(a[0], "person")
            return Expr("call", inner.kind, scope, name, (inner,), inner.enum_fact)
        if name == "age_on":
            if scope != "person":
                raise ExpressionProblem("age_on() is a person-level function", col)
            when = self._expect(self.visit(a[0], scope), Kind.DATE, "age_on()", a[0])
            return Expr("call", Kind.NUMBER, scope, name, (when,))
        if name == "date":
            text = _string_literal(a[0], "date()")
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise ExpressionProblem(f"date() needs YYYY-MM-DD, got {text!r}", col) from None
            return Expr("const", Kind.DATE, scope, to_days(day))
        # is_eligible / amount_of / criterion
        program = self._program(a[0], name, col)
        program_arg = Expr("const", Kind.ENUM, scope, program)
        if name == "criterion":
            criterion = _string_literal(a[1], "criterion()")
            known = self.ns.foreign_criteria.get(program, ())
            if criterion not in known:
                raise ExpressionProblem(
                    f"{program} has no criterion {criterion!r}; its criteria: " + ", ".join(known),
                    col,
                )
            criterion_arg = Expr("const", Kind.ENUM, scope, criterion)
            return Expr("call", Kind.BOOL, scope, name, (program_arg, criterion_arg))
        result = Kind.BOOL if name == "is_eligible" else Kind.NUMBER
        return Expr("call", result, scope, name, (program_arg,))

    def _program(self, node: ast.expr, function: str, col: int) -> str:
        program = _string_literal(node, f"{function}()")
        if program not in self.ns.programs:
            raise ExpressionProblem(f"unknown program {program!r} in {function}()", col)
        if function in PROGRAM_READS and program == self.ns.program:
            raise ExpressionProblem(f"{function}() cannot read the program's own result", col)
        return program

    def _table(self, node: ast.expr, scope: Entity, col: int) -> Expr:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "parameter" and len(node.args) == 2 and not node.keywords:
                table = self._foreign_parameter(node.args, scope, col)
                if table.kind == Kind.TABLE:
                    return table
        elif isinstance(node, ast.Name) and self.ns.parameters.get(node.id) == Kind.TABLE:
            return Expr("param", Kind.TABLE, scope, node.id, owner=self.ns.program)
        raise ExpressionProblem("lookup() needs a table parameter as first argument", col)

    def _foreign_parameter(self, a: list[ast.expr], scope: Entity, col: int) -> Expr:
        """``parameter("ca_oas", "max_65_74")``: another program's dated parameter."""
        program = self._program(a[0], "parameter", col)
        name = _string_literal(a[1], "parameter()")
        kinds = self.ns.foreign_parameters.get(program, {})
        if name not in kinds:
            raise ExpressionProblem(
                f"{program} has no parameter {name!r}; its parameters: " + ", ".join(kinds), col
            )
        return Expr("param", kinds[name], scope, name, owner=program)


def _string_literal(node: ast.expr, what: str) -> str:
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        raise ExpressionProblem(f"{what} needs a quoted text argument", node.col_offset + 1)
    return node.value
