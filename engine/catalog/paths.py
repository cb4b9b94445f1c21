"""Where the bundled rules are."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_rules_dir"]


def default_rules_dir() -> Path:
    """The bundled ``rules/`` directory (the repository's, next to the packages)."""
    return Path(__file__).resolve().parents[2] / "rules"
