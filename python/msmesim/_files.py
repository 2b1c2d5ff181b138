"""Safe output: every file msmesim writes goes to a temporary file beside
it, is flushed to disk and then renamed into place, so a reader (or a
crash, or Ctrl-C) never leaves a half-written result under the final name."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (a unique name in the same
    directory, which is created if needed); when the block ends normally the
    file is flushed to disk and renamed onto ``path``, otherwise removed."""
    out = Path(path)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


#: The formats tables are written in (msmesim run --format, the analyses' --format).
OUTPUT_FORMATS = ("csv", "parquet")


def write_parquet(frame: Any, path: Path, meta: dict[str, Any]) -> None:
    """``frame`` as Parquet (pyarrow) with ``meta`` (JSON) under the schema key ``msmesim``."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"msmesim": json.dumps(meta).encode()})
    pq.write_table(table, path)


# ---- Whole sets of outputs ----------------------------------------------------------------------
#: Names a directory of outputs may hold: what msmesim writes into it (tables,
#: run.json or analysis.json, a report put beside them).
_OUTPUT_SUFFIXES = (".csv", ".parquet", ".json", ".html")


def _staging_name(name: str, kind: str) -> str:
    return f".{name}.msmesim-{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(out: Path) -> None:
    """Staging directories a killed run left beside ``out`` (their process is gone)."""
    parent = out.parent if out.parent != Path("") else Path(".")
    prefix = f".{out.name}.msmesim-"
    with suppress(OSError):
        for entry in parent.iterdir():
            if not entry.name.startswith(prefix):
                continue
            parts = entry.name[len(prefix):].split("-")
            if len(parts) == 3 and parts[1].isdigit() and not _alive(int(parts[1])):
                shutil.rmtree(entry, ignore_errors=True)


def check_output_dir(path: str | os.PathLike[str], field: str = "--out") -> Path:
    """``path`` if a whole set of outputs can be written there, checked before
    any work: it is new, or an empty directory, or one holding only what
    msmesim writes (tables, run.json, a report); its parent can be written.
    Otherwise an InvalidArgumentError naming ``field``, the path and why."""
    from ._errors import invalid

    out = Path(path)
    if out.exists() and not out.is_dir():
        raise invalid(field, os.fspath(out), "a directory (this is an existing file)")
    if out.is_dir():
        foreign = sorted(e.name for e in out.iterdir()
                         if not (e.is_file() and e.suffix in _OUTPUT_SUFFIXES) and not e.name.startswith("."))
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise invalid(field, os.fspath(out),
                          "a new or empty directory, or one of msmesim's outputs, which a run replaces as a whole "
                          f"(this one also holds {shown})")
    parent = out.parent if out.parent != Path("") else Path(".")
    probe = parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise invalid(field, os.fspath(out), f"a path inside a directory ({os.fspath(probe)} is a file)")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise invalid(field, os.fspath(out), f"a place this user can write to ({os.fspath(probe)} is not writable)")
    return out


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where
    the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextmanager
def output_directory(path: str | os.PathLike[str], field: str = "--out") -> Iterator[Path]:
    """A fresh directory beside ``path`` to write a whole set of outputs into;
    when the block ends normally it replaces ``path`` as a whole — in one
    step where the system can (Linux), so that a reader, a crash or
    ``kill -9`` at any instant sees either the whole earlier set or the whole
    new one — and the earlier set is removed; otherwise the new directory is
    removed. Directories left by a killed run are removed on the next."""
    out = check_output_dir(path, field)
    _remove_stale(out)
    parent = out.parent if out.parent != Path("") else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / _staging_name(out.name, "new")
    staging.mkdir()
    try:
        yield staging
        for entry in staging.iterdir():
            with open(entry, "rb") as f:
                os.fsync(f.fileno())
        if not out.exists():
            os.rename(staging, out)
        elif _exchange(staging, out):
            shutil.rmtree(staging, ignore_errors=True)  # (now the earlier set)
        else:
            old = parent / _staging_name(out.name, "old")
            os.rename(out, old)
            os.rename(staging, out)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
