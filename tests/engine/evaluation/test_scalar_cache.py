"""The generated code a catalog starts with may come from the user's cache: only for the same
catalog (rule files and engine), with node keys that name the same nodes in every process, and
the same answers as code written afresh."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.catalog.catalog_cache import cached_catalog, catalog_key_of
from engine.catalog.loader import load_catalog
from engine.evaluation import scalar_cache
from engine.evaluation.scalar import ScalarCode

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from bench_api import households


@pytest.fixture
def rules(copied_rules: Path) -> Path:
    return copied_rules


def _kept(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "scalar").glob("*.pickle"))


def _answers(catalog: Any) -> list[bytes]:
    engine = Engine(catalog)
    return [engine.check_json(body) for body in households(12)]


def test_a_second_process_takes_up_the_written_code_and_answers_the_same(
    rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cached_catalog(rules)
    written = ScalarCode(first)
    (file,) = _kept(tmp_path)
    assert file.stat().st_mode & 0o077 == 0  # the user's own
    second = cached_catalog(rules)  # unpickled: other objects, other ids (as in a new process)
    assert second is not first and catalog_key_of(second) == catalog_key_of(first)
    taken: list[object] = []
    real_load = scalar_cache.load
    monkeypatch.setattr(scalar_cache, "load", lambda *a: taken.append(real_load(*a)) or taken[-1])
    restored = ScalarCode(second)
    assert taken and taken[0] is not None
    assert restored.sources == written.sources and restored.keys == written.keys
    for key in restored.keys:
        if key[0] == "node":  # the same number names the same node of each catalog
            assert restored.nodes[key[1]] is not written.nodes[key[1]]
            assert repr(restored.nodes[key[1]]) == repr(written.nodes[key[1]])  # NaN != NaN
    monkeypatch.undo()
    assert _answers(second) == _answers(load_catalog(rules))  # written afresh, no key


def test_only_a_catalog_from_the_cache_has_a_key(rules: Path, tmp_path: Path) -> None:
    keyed = cached_catalog(rules)
    assert catalog_key_of(keyed) is not None
    assert catalog_key_of(load_catalog(rules)) is None
    assert catalog_key_of(dataclasses.replace(keyed)) is None  # a reform builds it so
    ScalarCode(load_catalog(rules))
    assert _kept(tmp_path) == []


def test_a_broken_file_only_costs_the_writing(rules: Path, tmp_path: Path) -> None:
    catalog = cached_catalog(rules)
    expected = _answers(catalog)
    (file,) = _kept(tmp_path)
    file.write_bytes(b"not a pickle")
    again = cached_catalog(rules)
    assert _answers(again) == expected
    assert file.read_bytes() != b"not a pickle"  # written again
