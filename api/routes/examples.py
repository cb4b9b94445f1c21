"""The request examples of the OpenAPI document: the bundled example household and birth (the
README's), so ``/docs`` can try each route at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["BIRTH", "EVENT", "HOUSEHOLD"]

_EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name: str) -> dict[str, Any]:
    path = _EXAMPLES / name
    if path.is_file():
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    return {}  # an installed wheel without the examples: the document still builds


HOUSEHOLD = _load("household.json")
BIRTH = _load("birth.json")
EVENT: dict[str, Any] = {"as_of": BIRTH.get("as_of"), "event": BIRTH.get("event")}
