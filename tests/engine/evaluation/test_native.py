"""Native units give their Python functions' answers, bit for bit.

Every value, bounds and missing-facts function the catalog's code starts with, compiled to C
(engine/evaluation/native.py), against the same function run as Python on the same household
(random households with unknowns, on several days); whole checks, the next question's variant
frames included, against checks on Python-only code; and a frame made before the module came
is answered by the Python functions.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import struct
from pathlib import Path
from typing import Any

import pytest
import strategies
from hypothesis import given
from kit import CATALOG, ENGINE, FACTS, LAWS

from engine.eligibility.evaluate import check
from engine.evaluation import native
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.native_code import Untranslatable, translate
from engine.evaluation.population import from_profiles
from engine.evaluation.scalar import Frame, ScalarCode, frames

AS_OF = (dt.date(2024, 7, 1), dt.date(2025, 1, 15), dt.date(2026, 1, 15), dt.date(2026, 11, 24))
YEARS = tuple(sorted(CATALOG.base_years(*AS_OF)))
CODE, DAYS = ENGINE.compiled.scalar()  # type: ignore[misc]


def _python_only() -> CompiledSystem:
    """The same compiled system with Python-only generated code."""
    before = os.environ.get("LIFEEVENTS_NATIVE")
    os.environ["LIFEEVENTS_NATIVE"] = "off"
    try:
        code = ScalarCode(CATALOG)
    finally:
        if before is None:
            del os.environ["LIFEEVENTS_NATIVE"]
        else:
            os.environ["LIFEEVENTS_NATIVE"] = before
    assert code.native is None
    system = CompiledSystem(
        CATALOG, ENGINE.compiled.system, ENGINE.compiled.programs, ENGINE.compiled.codes
    )
    system._generated["code"] = code
    return system


PYTHON = _python_only()
needs_native = pytest.mark.skipif(
    not native.enabled() and os.environ.get("CI") != "true",
    reason="no C compiler or Python headers here (CI requires them)",
)


def _bits(value: Any) -> Any:
    """A float as its bytes (NaN as one value): 0.0 and -0.0 differ; a set of missing facts
    as it is."""
    if isinstance(value, frozenset):
        return value
    if isinstance(value, tuple):
        return tuple(_bits(v) for v in value)
    return "nan" if math.isnan(value) else struct.pack("<d", value)


def _rows(name: str, frame: Frame) -> range:
    """The rows a unit is read on: every member for a person's unit, else the household's."""
    key = CODE.keys[int(name[1:])]
    if key[0] == "node":
        scope = CODE.nodes[key[1]].scope
    else:
        scope = CATALOG.programs[key[1]].program.entity
    return frame.rows if scope == "person" else range(1)


def test_the_catalogs_units_are_native() -> None:
    if not native.enabled():
        pytest.skip("native units are off here")
    assert CODE.native is not None
    # every value, bounds and missing-facts function it starts with
    assert len(CODE.native.units) > 5000


@needs_native
@LAWS
@given(strategies.profiles(FACTS, AS_OF, YEARS))
def test_every_native_unit_gives_its_python_functions_answer(data: dict[str, Any]) -> None:
    profile = ENGINE.parse(data)
    population = from_profiles([profile], CATALOG.base_years(profile.as_of), FACTS)
    (frame,) = frames(CODE, DAYS, population, profile.as_of)
    (plain,) = frames(CODE, DAYS, population, profile.as_of)
    plain.h = None  # no native state: the units fall back on their Python functions
    assert CODE.native is not None
    mismatches = []
    for name, unit in CODE.native.units.items():
        python = CODE.native.python[name]
        for row in _rows(name, frame):
            got, want = _bits(unit(frame, row)), _bits(python(plain, row))
            if got != want or _bits(unit(plain, row)) != want:
                mismatches.append((name, row, want, got))
    assert not mismatches, mismatches[:5]


@needs_native
@LAWS
@given(strategies.profiles(FACTS, AS_OF, YEARS))
def test_a_check_on_native_units_is_the_python_codes_byte_for_byte(
    data: dict[str, Any],
) -> None:
    # the next question's variant frames (one fact answered otherwise) included
    profile = ENGINE.parse(data)
    assert (
        check(ENGINE.compiled, profile).model_dump_json()
        == check(PYTHON, profile).model_dump_json()
    )


@pytest.mark.parametrize(
    "source",
    [
        "def u1(c, r):\n    v = open\n    return v",
        "def u1(c, r):\n    v = c.__class__\n    return v",
        "def u1(c, r):\n    import os",
        "def u1(c, r):\n    v = 1.0 if c else 2.0\n    return len(v)",
    ],
)
def test_a_form_the_translation_does_not_know_is_refused(source: str) -> None:
    with pytest.raises(Untranslatable):
        translate([source], {}, (frozenset(), frozenset()), {})


def test_every_file_of_the_translation_is_in_the_modules_key() -> None:
    # a changed translator or runtime must give another module, never a stale one
    folder = Path(native.__file__).parent
    assert {p.name for p in folder.glob("native_*.py")} == set(native.TRANSLATOR_FILES)


def test_off_means_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIFEEVENTS_NATIVE", "off")
    assert not native.enabled()
    assert PYTHON.scalar()[0].native is None  # type: ignore[index]
