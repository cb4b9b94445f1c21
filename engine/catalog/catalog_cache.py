"""A user-owned cache of loaded catalogs, keyed by the rule files' content and the engine's code.

Loading the bundled rules (parsing, validating and type-checking about 170 YAML files) takes
about 0.4 s of a one-shot ``lifeevents check``; unpickling the same catalog takes a tenth of
that. The key covers every file under the rules directory (names and bytes), the directory's
path, the engine's own source files and this Python's version: editing a rule or upgrading the
engine gives another key, so a cached catalog is never stale. A broken rule file is never
cached (loading raises first). The trust model is the same as the compiled-code cache
(:mod:`engine.evaluation.code_cache`): a directory only the user can write; ``LIFEEVENTS_CACHE``
set to ``off`` turns this cache off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import sys
from pathlib import Path

from engine import _cache
from engine.catalog.loader import load_catalog
from engine.catalog.program import Catalog

__all__ = ["cached_catalog", "catalog_key"]

_ENGINE = Path(__file__).resolve().parents[1]


def _folder() -> Path | None:
    return _cache.cache_dir("catalog")


def catalog_key(root: Path) -> str:
    """The key of a rules directory's catalog: its files, its path, the engine's code."""
    digest = hashlib.sha256(f"{sys.version}\0{root.resolve()}\0".encode())
    for folder in (root, _ENGINE):
        pattern = "*.py" if folder is _ENGINE else "*"
        for file in sorted(p for p in folder.rglob(pattern) if p.is_file()):
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(folder)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_catalog(root: Path) -> Catalog:
    """``load_catalog(root)``, or the same catalog from the user's cache.

    Raises:
        RuleFileError: a broken rule file (the cache is not consulted for the error).
    """
    folder = _folder()
    if folder is None or not root.is_dir():
        return load_catalog(root)
    file = folder / f"{catalog_key(root)}.pickle"
    data = _cache.read(file)
    try:
        found = pickle.loads(data) if data is not None else None  # the user's own cache
        if isinstance(found, tuple) and isinstance(found[0], Catalog):
            # shared subtrees are known by identity: the same objects, new ids
            shared = frozenset(id(node) for node in found[1])
            return dataclasses.replace(found[0], shared_nodes=shared)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, IndexError):
        pass
    catalog = load_catalog(root)
    try:
        objects = {
            id(node): node
            for rules in catalog.programs.values()
            for expr in rules.expressions()
            for node in expr.walk()
            if id(node) in catalog.shared_nodes
        }
        _cache.write(file, pickle.dumps((catalog, list(objects.values())), pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        pass  # an uncacheable catalog only costs the load
    return catalog
