"""Native units: the generated value and bounds functions compiled to C, kept in the user's cache.

The generated Python functions (:mod:`scalar_code`) spend most of their time being Python:
a call, a memo lookup, a float object per operation. :mod:`native_code` translates them to C
on doubles, :mod:`native_runtime` adds frames with typed memos, and this module compiles the
result with the machine's C compiler into an extension module, kept under the SHA-256 of its
source (and this Python's ABI) in ``<cache>/native`` like the compiled Python code: a changed
rule or engine gives another source, hence another module, never a stale one. The units then
replace their Python functions in the code's namespace; everything else (the missing-facts
functions, units written later for explanations) stays Python and calls them by name.

Native units are used where they can be kept: the catalog has a cache key (the rule files'
bytes: ``catalog_key_of``) and the cache is on, a C compiler and Python's headers are there, and
``LIFEEVENTS_NATIVE`` is not ``off``. Otherwise, or when anything fails (a form the translation
does not know, the compiler's error), the code stays Python: the same answers, more slowly.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import logging
import os
import pickle
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from engine import _cache
from engine.evaluation.native_code import Untranslatable, translate
from engine.evaluation.native_runtime import RUNTIME, module_tail

__all__ = [
    "TRANSLATOR_FILES",
    "Job",
    "Native",
    "Pending",
    "build",
    "compile_module",
    "enabled",
    "file_of",
    "waits",
]

_LOG = logging.getLogger(__name__)
#: flags that keep C's arithmetic Python's: no fused multiply-add, no reassociation
_FLAGS = ("-O1", "-ffp-contract=off", "-fno-fast-math", "-fPIC", "-shared", "-w")
_LOCK = threading.Lock()


def enabled() -> bool:
    """Whether native units may be built here (the setting, a compiler, Python's headers)."""
    if os.environ.get("LIFEEVENTS_NATIVE", "").lower() in ("off", "0", "no", "false"):
        return False
    return _compiler() is not None and (Path(_include()) / "Python.h").is_file()


def waits() -> bool:
    """Whether a process waits for its native units to be built (``LIFEEVENTS_NATIVE=wait``:
    tests and benchmarks, which measure one path from the start) rather than answering with
    the Python functions until they are there (the default)."""
    return os.environ.get("LIFEEVENTS_NATIVE", "").lower() == "wait"


def _compiler() -> str | None:
    return shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")


def _include() -> str:
    return sysconfig.get_paths()["include"]


class Native:
    """A compiled module of native units and what the Python side needs to use it."""

    def __init__(self, module: ModuleType, python: dict[str, Any]) -> None:
        """``python``: the units' Python functions by name (for frames made before)."""
        self.module = module
        self.python = python
        self.units: dict[str, Any] = module.units(python)
        self._day = module.day
        self.frame = module.frame
        self.variant = module.variant
        self._days: dict[int, tuple[Any, Any]] = {}
        self._dirty: dict[int, tuple[Any, tuple[bytes, bytes]]] = {}

    def day(self, values: tuple[list[float], list[Any]]) -> Any:
        """The native form of a day's parameter values and tables (``DayValues.on``), made
        once per day's values (kept with them: their ``id`` is never another's meanwhile)."""
        found = self._days.get(id(values))
        if found is None or found[0] is not values:
            if len(self._days) > 64:
                self._days.clear()
            found = self._days[id(values)] = (values, self._day(values[0], values[1]))
        return found[1]

    def dirty(self, units: tuple[frozenset[int], frozenset[int]]) -> tuple[bytes, bytes]:
        """A variant's dirty value and bounds units (``ScalarCode.dirty``) as bitsets."""
        found = self._dirty.get(id(units))
        if found is None or found[0] is not units:
            if len(self._dirty) > 4096:
                self._dirty.clear()
            found = self._dirty[id(units)] = (units, (_bits(units[0]), _bits(units[1])))
        return found[1]


def _bits(units: frozenset[int]) -> bytes:
    out = bytearray((max(units) >> 3) + 1 if units else 0)
    for unit in units:
        out[unit >> 3] |= 1 << (unit & 7)
    return bytes(out)


#: the files of the translation, part of every module's key: a changed translator or runtime
#: gives other modules (a test checks that every ``native_*.py`` is named here)
TRANSLATOR_FILES = ("native_code.py", "native_sets.py", "native_runtime.py", "native_build.py")
_TRANSLATOR = hashlib.sha256(
    b"".join(Path(__file__).with_name(name).read_bytes() for name in TRANSLATOR_FILES)
).hexdigest()
#: a build started this long ago and not finished is taken as dead (its lock is stale)
_STALE = 900.0
#: how often a waiting process looks for a module another one builds
_POLL = 0.2


class Job(NamedTuple):
    """What a build needs: the generated sources and what their names are bound to."""

    sources: list[str]
    constants: dict[str, Any]
    local_units: tuple[frozenset[int], frozenset[int]]
    aliases: dict[str, str]

    def name(self) -> str:
        """The module's name: the SHA-256 of everything its source is made from."""
        described = repr(
            (
                _TRANSLATOR,
                sorted(
                    (k, sorted(v) if isinstance(v, frozenset) else v)
                    for k, v in self.constants.items()
                ),
                sorted(self.local_units[0]),
                sorted(self.local_units[1]),
                sorted(self.aliases.items()),
            )
        )
        digest = hashlib.sha256(described.encode("utf-8"))
        for source in self.sources:
            digest.update(b"\0" + source.encode("utf-8"))
        return f"_lifeevents_native_{digest.hexdigest()[:32]}"

    def c_source(self, name: str) -> str:
        """The module's C source.

        Raises:
            Untranslatable: see :func:`native_code.translate`.
        """
        translation = translate(self.sources, self.constants, self.local_units, self.aliases)
        body = "\n".join([RUNTIME, *translation.prototypes, *translation.functions])
        return body + module_tail(name, translation.names)


class Pending:
    """A module being built (by this process's child or another process): :meth:`wait`."""

    def __init__(self, file: Path, child: subprocess.Popen[bytes] | None) -> None:
        self.file = file
        self.child = child

    def wait(self, timeout: float | None = None) -> ModuleType | None:
        """The module once built, or None (the build failed, or ``timeout`` seconds passed)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if self.child is not None:
            try:
                self.child.wait(timeout)
            except subprocess.TimeoutExpired:
                return None
        while not self.file.is_file():
            lock = _lock_of(self.file)
            if self.child is not None or not _fresh(lock):
                return None  # the build ended without a module, or died
            if deadline is not None and time.monotonic() > deadline:
                return None
            time.sleep(_POLL)
        return _load(self.file)


def file_of(name: str) -> Path | None:
    """Where the module called ``name`` is kept, or None when the cache is off."""
    folder = _cache.cache_dir("native")
    if folder is None:
        return None
    return folder / f"{name}{sysconfig.get_config_var('EXT_SUFFIX') or '.so'}"


def build(job: Job) -> ModuleType | Pending | None:
    """The native module of ``job`` from the cache, or a :class:`Pending` build (started now
    in a process of its own, which goes on if this one ends, unless another process is
    building it already); None where native units cannot be had here."""
    if not enabled():
        return None
    name = job.name()
    file = file_of(name)
    if file is None:
        return None
    with _LOCK:
        if file.is_file():
            try:
                return _load(file)
            except (ImportError, OSError) as exc:  # e.g. a truncated file: built again
                _LOG.debug("native units: %s", exc)
                file.unlink(missing_ok=True)
        lock = _lock_of(file)
        if _fresh(lock):
            return Pending(file, None)
        try:
            file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            lock.unlink(missing_ok=True)
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return Pending(file, None)
        except OSError as exc:  # a cache that cannot be written: the code stays Python
            _LOG.debug("native units: %s", exc)
            return None
        job_file = file.with_suffix(".job")
        _cache.write(job_file, pickle.dumps((job, name, str(file))))
        if not job_file.is_file():
            lock.unlink(missing_ok=True)
            return None
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "engine.evaluation.native_build", str(job_file)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the build goes on if this process ends
            )
        except OSError as exc:
            _LOG.debug("native units: %s", exc)
            lock.unlink(missing_ok=True)
            return None
        return Pending(file, child)


def compile_module(job: Job, name: str, file: Path) -> bool:
    """Translate and compile ``job`` into ``file`` (atomically: a reader sees no module or the
    whole one); False when it cannot be (the reason is logged at debug level)."""
    try:
        source = job.c_source(name)
    except Untranslatable as exc:
        _LOG.debug("native units: %s", exc)
        return False
    compiler = _compiler()
    if compiler is None:
        return False
    with tempfile.TemporaryDirectory(prefix="lifeevents-native-") as work:
        c_file, built = Path(work) / "units.c", Path(work) / "units.so"
        c_file.write_text(source, encoding="utf-8")
        command = [compiler, *_FLAGS, f"-I{_include()}", str(c_file), "-o", str(built)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            _LOG.debug("native units: %s", exc)
            return False
        if done.returncode != 0:
            _LOG.debug("native units: the compiler failed: %s", done.stderr[-2000:])
            return False
        _cache.write(file, built.read_bytes())
    return file.is_file()


def _lock_of(file: Path) -> Path:
    return file.with_suffix(".lock")


def _fresh(lock: Path) -> bool:
    """A build holds ``lock`` and started recently enough to be alive."""
    try:
        return time.time() - lock.stat().st_mtime < _STALE
    except OSError:
        return False


def _load(file: Path) -> ModuleType:
    name = file.name.split(".")[0]
    if name in sys.modules:
        return sys.modules[name]
    loader = importlib.machinery.ExtensionFileLoader(name, str(file))
    spec = importlib.util.spec_from_file_location(name, file, loader=loader)
    if spec is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    sys.modules[name] = module
    return module
