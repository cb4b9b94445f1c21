"""A user-owned cache of loaded catalogs, keyed by the rule files' content and the engine's code.

Loading the bundled rules (parsing, validating and type-checking about 170 YAML files) takes
about 0.4 s of a one-shot ``lifeevents check``; unpickling the same catalog takes a tenth of
that. The key covers every file under the rules directory (names and bytes), the directory's
path, the engine's own source files and this Python's version: editing a rule or upgrading the
engine gives another key, so a cached catalog is never stale. A broken rule file is never
cached (loading raises first). The trust model is the same as the compiled-code cache
(:mod:`engine.evaluation.code_cache`): a directory only the user can write; ``LIFEEVENTS_CACHE``
set to ``off`` turns this cache off.

A catalog this module returns remembers its key (:func:`catalog_key_of`), so what is built
from it alone (the generated code's first units, :mod:`engine.evaluation.scalar_cache`) can be
kept under the same key. A catalog made any other way (a reform's, one loaded with the cache
off, a ``dataclasses.replace`` of a keyed one) has no key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import sys
import weakref
from pathlib import Path

from engine import _cache
from engine.catalog.loader import load_catalog
from engine.catalog.program import Catalog

__all__ = ["cached_catalog", "catalog_key", "catalog_key_of"]

_ENGINE = Path(__file__).resolve().parents[1]
#: the key of each catalog :func:`cached_catalog` returned (by identity: Catalog has eq=False)
_KEYS: weakref.WeakKeyDictionary[Catalog, str] = weakref.WeakKeyDictionary()


def catalog_key_of(catalog: Catalog) -> str | None:
    """The cache key of a catalog :func:`cached_catalog` returned (its rule files' content and
    the engine's code), or None for any other catalog."""
    return _KEYS.get(catalog)


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
    key = catalog_key(root)
    file = folder / f"{key}.pickle"
    data = _cache.read(file)
    try:
        found = pickle.loads(data) if data is not None else None  # the user's own cache
        if isinstance(found, tuple) and isinstance(found[0], Catalog):
            # shared subtrees are known by identity: the same objects, new ids
            shared = frozenset(id(node) for node in found[1])
            loaded = dataclasses.replace(found[0], shared_nodes=shared)
            _KEYS[loaded] = key
            return loaded
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, IndexError):
        pass
    catalog = load_catalog(root)
    _KEYS[catalog] = key
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
