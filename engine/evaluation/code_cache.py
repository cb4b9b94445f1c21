"""A user-owned cache of compiled generated code, keyed by the source's SHA-256.

Compiling the catalog's generated code (about 80,000 lines) costs more than a second; writing
the source costs a fifth of that. So every process still writes the source from the rule files
it loaded, and only the ``compile`` step is skipped when a cache file for exactly that source
(and this Python's bytecode version) exists: a changed rule or engine gives another source,
hence another key, and never a stale answer. The trust model is Python's own ``__pycache__``:
files in a directory only the user can write (0700, files 0600). ``LIFEEVENTS_CACHE=off`` turns
it off (with the catalog cache); a path there puts both elsewhere (``<path>/code``; default
``$XDG_CACHE_HOME/lifeevents/code`` or ``~/.cache/lifeevents/code``).
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path
from types import CodeType

from engine import _cache

__all__ = ["MIN_SOURCE", "cache_dir", "load", "store"]

#: sources shorter than this compile faster than a file is read: not cached
MIN_SOURCE = 200_000


def cache_dir() -> Path | None:
    """Where compiled code is kept, or None when the cache is off."""
    return _cache.cache_dir("code")


def _file(source: str) -> Path | None:
    folder = cache_dir()
    if folder is None or len(source) < MIN_SOURCE:
        return None
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return folder / f"{key}.{sys.implementation.cache_tag}.bin"


def load(source: str) -> CodeType | None:
    """The compiled code of ``source`` from the cache, or None (not cached, unreadable)."""
    file = _file(source)
    if file is None:
        return None
    data = _cache.read(file)
    if data is None:
        return None
    try:
        code = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(source: str, code: CodeType) -> None:
    """Keep ``code`` (compiled from ``source``) for the next process; failures are ignored
    (a read-only home only costs the compile)."""
    file = _file(source)
    if file is not None:
        _cache.write(file, marshal.dumps(code))
