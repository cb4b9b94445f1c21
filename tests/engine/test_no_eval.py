"""Rule expressions are parsed with ast and never evaluated by Python: no eval/exec/compile."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def test_the_engine_never_calls_eval_exec_or_compile() -> None:
    offenders = []
    for source in ENGINE.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("eval", "exec", "compile", "__import__")
            ):
                offenders.append(f"{source.relative_to(ENGINE)}:{node.lineno}")
    assert offenders == []
