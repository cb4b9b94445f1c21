"""A program's vectorized functions are compiled when first read, or all at once before a
population's workers are forked (they then share them)."""

from __future__ import annotations

from kit import CATALOG

from engine.evaluation.compiler import compile_catalog
from engine.evaluation.program_code import OnFirstUse


def test_functions_are_compiled_when_first_read_or_all_at_once() -> None:
    compiled = compile_catalog(CATALOG)
    code = compiled.codes["ca_ccb"]
    assert isinstance(code.parts, OnFirstUse) and len(code.parts) == 0
    part = next(iter(dict(code.rules.parts())))
    first = code.parts[part]
    assert code.parts[part] is first and len(code.parts) == 1  # compiled once, then kept
    compiled.compile_vectorized()
    for each in compiled.codes.values():
        assert set(each.parts) == set(dict(each.rules.parts()))
        assert set(each.bounds) == set(dict(each.rules.parts()))
        assert set(each.variables) == set(each.rules.variables)
        assert set(each.variable_bounds) == set(each.rules.variables)
    assert code.parts[part] is first  # nothing compiled twice
