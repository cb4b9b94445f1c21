"""One word for one thing in French: the applicant is *le demandeur* in every text the catalog
holds (rule files, shared definitions, the fact registry, the coverage file)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kit import CATALOG
from pydantic import BaseModel

from engine.catalog.schema import FrenchReference, Text

_OTHER_WORD = re.compile(r"requérant", re.IGNORECASE)


def _french(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every French text under ``node`` (a model, a mapping or a list), with where it is."""
    if isinstance(node, Text):
        yield where, node.fr
    elif isinstance(node, FrenchReference):
        yield where, node.title
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _french(getattr(node, name), f"{where}.{name}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _french(value, f"{where}.{key}")
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from _french(value, f"{where}.{index}")


def _catalog_french() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for pid, rules in CATALOG.programs.items():
        texts.extend(_french(rules.program, pid))
    for name, definition in CATALOG.definitions.items():
        texts.extend(_french(definition.spec, f"definitions.{name}"))
    for name in CATALOG.facts:
        texts.extend(_french(CATALOG.facts[name].spec, f"facts.{name}"))
    for entry in CATALOG.coverage.entries:
        texts.extend(_french(entry.name, f"coverage.{entry.program}"))
    return texts


def test_the_catalog_has_french_texts_in_every_part_the_check_below_reads() -> None:
    places = {where.split(".", 1)[0] for where, _ in _catalog_french()}
    assert {"ca_oas", "on_ontario_works", "definitions", "facts", "coverage"} <= places


def test_no_french_text_of_the_catalog_calls_the_applicant_requerant() -> None:
    found = [(where, text) for where, text in _catalog_french() if _OTHER_WORD.search(text)]
    assert found == []


def test_the_french_texts_that_name_the_applicant_say_demandeur() -> None:
    texts = [text for where, text in _catalog_french() if where.startswith("ca_oas.eligibility")]
    assert any("Le demandeur avait" in text for text in texts)
