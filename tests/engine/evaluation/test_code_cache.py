"""The compiled generated code may come from the user's cache: only for exactly the same source,
and a broken cache file only costs the compile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kit import CATALOG, ENGINE

from engine.eligibility.evaluate import check
from engine.evaluation import code_cache
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.scalar import ScalarCode

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[3] / "examples" / "household.json").read_text()
)


def _answer(code: ScalarCode) -> str:
    system = CompiledSystem(
        CATALOG, ENGINE.compiled.system, ENGINE.compiled.programs, ENGINE.compiled.codes
    )
    system._generated["code"] = code
    return check(system, ENGINE.parse(EXAMPLE)).model_dump_json()


def test_a_second_build_loads_the_compiled_code_and_answers_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFEEVENTS_CACHE", str(tmp_path))
    monkeypatch.setenv("LIFEEVENTS_NATIVE", "off")
    first = ScalarCode(CATALOG)
    files = list(tmp_path.rglob("*.bin"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o077 == 0  # the user's own
    loaded = []
    real_load = code_cache.load
    monkeypatch.setattr(code_cache, "load", lambda s: loaded.append(1) or real_load(s))
    second = ScalarCode(CATALOG)
    assert loaded and _answer(second) == _answer(first)


def test_a_broken_cache_file_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFEEVENTS_CACHE", str(tmp_path))
    monkeypatch.setenv("LIFEEVENTS_NATIVE", "off")
    ScalarCode(CATALOG)
    (file,) = tmp_path.rglob("*.bin")
    file.write_bytes(b"not marshal data")
    code = ScalarCode(CATALOG)
    assert _answer(code) == ENGINE.check(EXAMPLE).model_dump_json()


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIFEEVENTS_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ScalarCode(CATALOG)
    assert code_cache.cache_dir() is None and list(tmp_path.rglob("*.bin")) == []
