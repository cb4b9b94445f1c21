"""The committed fact reference (docs/facts.md) and the registry it is generated from."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.catalog.facts import FactRegistry
from engine.catalog.facts_doc import COMMAND, facts_markdown
from engine.catalog.loader import load_facts
from engine.catalog.paths import default_rules_dir

DOC = Path(__file__).resolve().parents[3] / "docs" / "facts.md"


@pytest.fixture(scope="module")
def registry() -> FactRegistry:
    return load_facts(default_rules_dir() / "facts.yaml")


def test_committed_page_is_the_generated_one(registry: FactRegistry) -> None:
    committed = DOC.read_text(encoding="utf-8")
    assert committed == facts_markdown(registry), (
        f"docs/facts.md is out of date with rules/facts.yaml; regenerate it with `{COMMAND}`"
    )


def test_every_stated_fact_asks_in_both_languages(registry: FactRegistry) -> None:
    missing = [
        fact.name
        for fact in registry.stated
        if fact.question is None
        or not all(fact.question.get(lang, "").strip() for lang in ("en", "fr"))
    ]
    assert not missing, f"stated facts without an English and a French question: {missing}"


def test_enum_codes_are_unique(registry: FactRegistry) -> None:
    enums = [fact for fact in registry.values() if fact.codes]
    assert enums, "the registry has no enumerated fact"
    for fact in enums:
        codes = list(fact.codes.values())
        assert len(set(codes)) == len(codes), f"{fact.name}: duplicate enum codes {codes}"
        assert all(code >= 1 for code in codes), f"{fact.name}: codes start at 1"
