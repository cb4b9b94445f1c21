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
import os
import pickle
import sys
import tempfile
from pathlib import Path

from engine.catalog.loader import load_catalog
from engine.catalog.program import Catalog

__all__ = ["cached_catalog", "catalog_key"]

_ENGINE = Path(__file__).resolve().parents[1]


def _folder() -> Path | None:
    setting = os.environ.get("LIFEEVENTS_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting) / "catalog"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lifeevents" / "catalog"


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
    try:
        found = pickle.loads(file.read_bytes())
        if isinstance(found, tuple) and isinstance(found[0], Catalog):
            # shared subtrees are known by identity: the same objects, new ids
            shared = frozenset(id(node) for node in found[1])
            return dataclasses.replace(found[0], shared_nodes=shared)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
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
        data = pickle.dumps((catalog, list(objects.values())), protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, file)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # an uncacheable catalog (or a read-only home) only costs the load
    return catalog
