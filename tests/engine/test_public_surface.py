"""Each engine package's public surface: ``__all__`` sorted, complete and importable."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["engine.catalog", "engine.eligibility", "engine.kleene", "engine.catalog.facts"]


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


def test_openfisca_errors_do_not_cross_the_engine_boundary() -> None:
    from engine.catalog.loader import cached_catalog, default_rules_dir
    from engine.eligibility.evaluate import compiled_system
    from engine.eligibility.population import from_profiles
    from engine.eligibility.profile import parse_profile
    from engine.eligibility.simulate import simulate
    from engine.errors import EvaluationError

    catalog = cached_catalog(default_rules_dir().resolve())
    profile = parse_profile(
        {"as_of": "2026-01-15", "household": {"members": [{"id": "a", "role": "applicant"}]}}
    )
    run = simulate(compiled_system(), from_profiles([profile], catalog.base_years(profile.as_of)))
    with pytest.raises(EvaluationError) as caught:
        run.calculate("ca_ccb", "no_such_part")
    assert "ca_ccb" in str(caught.value)
