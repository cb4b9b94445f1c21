"""Rule expressions are parsed with ast and never evaluated by Python.

The engine calls no eval/exec/compile, except in one audited place: the generated
one-household code (engine/evaluation/scalar_units.py), whose source is written from the
checked expression tree. Every line of it is audited here: only the names, attributes, operators
and constants the emitters make, so no text from a rule file can reach it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from kit import CATALOG

from engine.evaluation.scalar import ScalarCode
from engine.evaluation.scalar_slots import OPS

ENGINE = Path(__file__).resolve().parents[2] / "engine"
#: the one call site allowed, and why: see its comment
AUDITED = {"evaluation/scalar_units.py"}


def test_the_engine_calls_eval_exec_or_compile_only_where_audited() -> None:
    offenders = []
    for source in ENGINE.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("eval", "exec", "compile", "__import__")
            ):
                offenders.append(str(source.relative_to(ENGINE)))
    assert sorted(set(offenders)) == sorted(AUDITED)
    assert len(offenders) == 2  # exec(compile(...)): one statement


_NAMES = re.compile(r"^(?:[ubxtqK]\d+|[FPTDASREW]|PT|LU|LB|c|r|k|v|lo|hi|NAN|INF|abs|one)$")
_ATTRIBUTES = {
    *("m", "b", "x", "du", "db", "base", "get", "f", "p", "t", "d", "a", "s", "pt", "q", "rows"),
    *("w", "z"),
}
_NODES = (
    ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Assign, ast.AugAssign, ast.Return,
    ast.If, ast.For, ast.While, ast.Break, ast.Expr, ast.Name, ast.Load, ast.Store, ast.Attribute,
    ast.Subscript, ast.Tuple, ast.Call, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp,
    ast.IfExp, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.BitOr, ast.USub, ast.Lt,
    ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.And,
    ast.Or,
)  # fmt: skip


def audit(source: str) -> list[str]:
    """What in generated source is not something the emitters make."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, _NODES):
            problems.append(f"{type(node).__name__} at line {getattr(node, 'lineno', '?')}")
        elif isinstance(node, ast.Name) and not (_NAMES.match(node.id) or node.id in OPS):
            problems.append(f"name {node.id!r}")
        elif isinstance(node, ast.Attribute) and node.attr not in _ATTRIBUTES:
            problems.append(f"attribute {node.attr!r}")
        elif isinstance(node, ast.Constant) and not (
            node.value is None
            or isinstance(node.value, (int, float))
            or node.value in ("<", "<=", ">", ">=", "==", "!=")
        ):
            problems.append(f"constant {node.value!r}")
    return problems


def test_every_line_of_the_generated_code_is_made_by_the_emitters() -> None:
    code = ScalarCode(CATALOG)
    for rules in CATALOG.programs.values():  # the missing-facts code too
        for part, _ in rules.parts():
            code.function("x", ("raw", rules.id, part))
    assert code.sources
    assert any("def x" in source for source in code.sources)
    for source in code.sources:
        assert audit(source) == []


@pytest.mark.parametrize(
    "injected",
    [
        "def u1(c, r):\n    return __import__('os')",
        "def u1(c, r):\n    return c.__class__",
        "def u1(c, r):\n    return open",
        "def u1(c, r):\n    return 'text'",
        "def u1(c, r):\n    import os",
    ],
)
def test_the_audit_refuses_what_the_emitters_never_write(injected: str) -> None:
    assert audit(injected) != []
