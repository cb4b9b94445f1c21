"""A loaded catalog may come from the user's cache: only for the same rule files and engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kit import ENGINE

from engine import Engine
from engine.catalog.catalog_cache import cached_catalog, catalog_key
from engine.errors import RuleFileError

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[3] / "examples" / "household.json").read_text()
)


@pytest.fixture
def rules(copied_rules: Path) -> Path:
    return copied_rules


def test_a_cached_catalog_answers_as_the_loaded_one_and_keeps_its_shared_subtrees(
    rules: Path, tmp_path: Path
) -> None:
    first = cached_catalog(rules)
    assert len(list((tmp_path / "cache" / "catalog").glob("*.pickle"))) == 1
    second = cached_catalog(rules)
    assert second is not first and len(second.shared_nodes) == len(first.shared_nodes)
    ids = {id(n) for r in second.programs.values() for e in r.expressions() for n in e.walk()}
    assert second.shared_nodes <= ids  # the ids of this process's objects
    assert (
        Engine(second).check(EXAMPLE).model_dump_json() == ENGINE.check(EXAMPLE).model_dump_json()
    )


def test_editing_a_rule_file_changes_the_key(rules: Path) -> None:
    before = catalog_key(rules)
    facts = rules / "facts.yaml"
    facts.write_text(facts.read_text() + "\n# an edit\n")
    assert catalog_key(rules) != before


def test_a_broken_rule_file_is_reported_not_cached(rules: Path, tmp_path: Path) -> None:
    (rules / "programs" / "ca" / "ca_ccb.yaml").write_text("id: [unclosed\n")
    with pytest.raises(RuleFileError):
        cached_catalog(rules)
    assert not list((tmp_path / "cache").rglob("*.pickle"))


def test_the_cache_can_be_turned_off(
    rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFEEVENTS_CACHE", "off")
    cached_catalog(rules)
    assert not list((tmp_path / "cache").rglob("*.pickle"))
