"""The user's cache directory: where it is, and writing into it safely.

Three caches live there (the loaded catalog, the generated code it starts with, that code
compiled), each keyed by content, so an entry is never stale; old entries are pruned so the
directory does not grow without end.
``LIFEEVENTS_CACHE=off`` turns caching off; a path puts it there instead of
``$XDG_CACHE_HOME/lifeevents`` (``~/.cache/lifeevents``). Directories are created 0700 and
files 0600: the trust model of Python's own ``__pycache__``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["KEEP", "cache_dir", "read", "write"]

#: entries kept per cache (the newest); a rules directory or an engine version makes one each
KEEP = 12


def cache_dir(kind: str) -> Path | None:
    """The folder of one cache ("catalog", "scalar", "code"), or None when caching is off."""
    setting = os.environ.get("LIFEEVENTS_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting) / kind
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lifeevents" / kind


def read(file: Path) -> bytes | None:
    """An entry's bytes, or None when it is not there or cannot be read."""
    try:
        return file.read_bytes()
    except OSError:
        return None


def write(file: Path, data: bytes) -> None:
    """Write an entry atomically (a reader sees the old file or the whole new one), then keep
    only the :data:`KEEP` newest entries of its folder. Failures are ignored: a read-only home
    only costs the work the cache would have saved."""
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, file)
        entries = sorted(
            (p for p in file.parent.iterdir() if p.suffix != ".tmp"),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError:
        return
