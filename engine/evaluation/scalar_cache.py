"""The generated code a catalog starts with, kept between processes.

Building :class:`~engine.evaluation.scalar_units.ScalarCode` writes every program's parts,
their missing-facts functions and the explanation texts' nodes: about 130,000 lines of source,
a sixth of a second of every fresh process's first answer (``lifeevents check``, each server
worker). What it writes depends on the catalog and the engine's code alone, so its state
(slots, unit numbers and keys, the source, what each function reads and calls) is kept in the
user's cache under the catalog cache's key (:func:`engine.catalog.catalog_cache.catalog_key_of`:
the rule files' content and the engine's source, never stale), and a later process with the
same catalog takes it up instead of writing it again. The compiled form of the source comes
from :mod:`code_cache` as it would after writing.

A node unit's key names the node by its number in a walk of the catalog
(``ScalarCode.ordinal``), the same in every process, never by ``id``. The walk's length is part
of the file's name, a second check that the numbers mean the same nodes. The trust model is the
catalog cache's: a directory only the user can write; ``LIFEEVENTS_CACHE=off`` turns it off.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine import _cache
from engine.evaluation.scalar_slots import Slots, UnitKey

__all__ = ["Kept", "load", "store"]

#: a change of the kept state's shape changes this, so an older file is never taken up
_VERSION = 1

Function = tuple[str, int]


@dataclass(frozen=True)
class Kept:
    """What ``ScalarCode``'s constructor leaves, with node keys by number."""

    slots: Slots
    keys: list[UnitKey]
    written: set[Function]
    node_keys: dict[tuple[int, str | None], UnitKey]
    depends: dict[Function, tuple[frozenset[int], frozenset[Function]]]
    row_local: set[Function]
    sources: list[str]


def _file(key: str, nodes: int) -> Path | None:
    folder = _cache.cache_dir("scalar")
    return None if folder is None else folder / f"{key}.{nodes}.v{_VERSION}.pickle"


def load(key: str, nodes: int) -> Kept | None:
    """The state kept for the catalog of ``key`` whose walk numbered ``nodes`` nodes, or None
    (not kept, unreadable)."""
    file = _file(key, nodes)
    data = _cache.read(file) if file is not None else None
    if data is None:
        return None
    try:
        found: Any = pickle.loads(data)  # the user's own cache, like the catalog's
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, IndexError):
        return None
    return found if isinstance(found, Kept) else None


def store(key: str, nodes: int, kept: Kept) -> None:
    """Keep the state for the next process (failures are ignored: they only cost the
    writing)."""
    file = _file(key, nodes)
    if file is None:
        return
    try:
        data = pickle.dumps(kept, pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    _cache.write(file, data)
