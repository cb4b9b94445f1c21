"""The cache directory: where it is, atomic writes, and old entries pruned."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine import _cache


def test_the_newest_entries_are_kept_and_the_folder_is_the_users_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFEEVENTS_CACHE", str(tmp_path))
    folder = _cache.cache_dir("code")
    assert folder == tmp_path / "code"
    for index in range(_cache.KEEP + 3):
        file = folder / f"{index}.bin"
        _cache.write(file, b"x")
        os.utime(file, (index, index))  # distinct ages, oldest first
    kept = sorted(int(p.stem) for p in folder.iterdir())
    assert kept == list(range(3, _cache.KEEP + 3))
    assert folder.stat().st_mode & 0o077 == 0
    assert _cache.read(folder / "4.bin") == b"x" and _cache.read(folder / "0.bin") is None


def test_off_means_no_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIFEEVENTS_CACHE", "off")
    assert _cache.cache_dir("catalog") is None


def test_the_default_is_under_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIFEEVENTS_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache.cache_dir("catalog") == tmp_path / "lifeevents" / "catalog"
