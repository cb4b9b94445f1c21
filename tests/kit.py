"""Shared test helpers: one engine on the bundled rules, and namespaces for the checker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import Engine
from engine.catalog.expressions import Namespace

#: the bundled rules, loaded once for the suite (engines hold no global state: tests that
#: change rules build their own)
ENGINE = Engine.load(clock=lambda: dt.date(2026, 1, 15))
CATALOG = ENGINE.catalog
FACTS = CATALOG.facts


def namespace(**kw: Any) -> Namespace:
    """A checker namespace over the bundled facts and definitions."""
    return Namespace(FACTS, definitions=CATALOG.definitions, **kw)


def code(fact: str, value: str) -> float:
    """The array code of an enum value."""
    return float(FACTS[fact].code(value))
