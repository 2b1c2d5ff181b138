"""Safe output: every file msmesim writes goes to a temporary file beside
it, is flushed to disk and then renamed into place, so a reader (or a
crash, or Ctrl-C) never leaves a half-written result under the final name."""

from __future__ import annotations

import os
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
