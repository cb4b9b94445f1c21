"""Each engine package's public surface: ``__all__`` sorted, complete and importable
(httpx's check: every public name a package holds is exported, and nothing else)."""

from __future__ import annotations

import importlib
import types

import pytest

PACKAGES = [
    "engine",
    "engine.catalog",
    "engine.evaluation",
    "engine.eligibility",
    "engine.kleene",
    "engine.catalog.facts",
    "engine.catalog.program",
]


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=_isort_key)
    for symbol in exported:
        assert hasattr(module, symbol), symbol


@pytest.mark.parametrize(
    "name", ["engine", "engine.catalog", "engine.evaluation", "engine.eligibility"]
)
def test_a_package_exports_every_public_name_it_holds(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        member
        for member, value in vars(module).items()
        if not member.startswith("_")
        and not isinstance(value, types.ModuleType)
        and member != "annotations"
    }
    assert public == set(module.__all__)
