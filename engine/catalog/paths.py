"""Where the bundled rule files are: a source checkout, an editable install or a wheel.

Examples:
    >>> (default_rules_dir() / "programs" / "ca" / "ca_ccb.yaml").is_file()
    True
"""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["RULES_ENV", "RULES_PACKAGE", "default_rules_dir"]

RULES_ENV = "LIFEEVENTS_RULES"
"""Environment variable naming a rules directory to use instead of the bundled one."""

RULES_PACKAGE = "lifeevents_rules"
"""The import package that ``pyproject.toml`` maps onto the repository's ``rules/``."""


def default_rules_dir() -> Path:
    """The rules directory used when no ``--rules`` (or ``rules_dir``) is given.

    Looked up in this order:

    1. ``$LIFEEVENTS_RULES``, when set: taken as given, so a wrong path is reported by the
       loader instead of silently falling back to the bundled rules.
    2. The installed package data (``lifeevents_rules``): the wheel's copy, or the repository's
       ``rules/`` itself under an editable install.
    3. The repository's ``rules/`` next to the packages (a checkout run without installing).

    Returns:
        The directory holding ``programs/`` and ``tests/``; it may be missing or empty, which
        :func:`engine.catalog.loader.load_catalog` reports as an error.
    """
    configured = os.environ.get(RULES_ENV)
    if configured:
        return Path(configured).expanduser()
    installed: Traversable | None
    try:
        installed = files(RULES_PACKAGE)
    except ModuleNotFoundError:
        installed = None
    # Only a real directory will do (the loader globs it); a zipped install falls through.
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "rules"
