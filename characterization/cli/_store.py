"""Batch stores of ``characterize run``: one folder per batch, committed by one rename.

Layout under the output folder::

    batches/<batch>/<step>.nc        the step's result for every file of the batch, stacked
                                     along ``sample`` (coordinate: the file keys)
    batches/<batch>/_complete.json   the batch's marker: recipe digest, files with their size and
                                     mtime and status, summary, table and error rows

A batch is written into a hidden folder ``batches/.<batch>.XXXXXXXX.tmp`` and renamed to
``batches/<batch>`` only when every store and the marker are written, so a folder without the
hidden prefix is always complete: a run killed at any point leaves either nothing visible or a
complete batch. The next run deletes the hidden leftovers (:func:`clean_partial`) and never
reads them. Resume works per file: a file counts as done when a committed batch lists it with
status ``ok``, the same recipe digest and the same size and mtime; everything else is recomputed
(in new batches).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from . import _output

MARKER = "_complete.json"
_PARTIAL_DIR = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")


def batches_dir(out) -> Path:
    return Path(out) / "batches"


def clean_partial(out) -> list[Path]:
    """Remove the hidden batch folders an interrupted run left in ``out/batches``."""
    root = batches_dir(out)
    if not root.is_dir():
        return []
    removed = []
    for p in root.iterdir():
        if p.is_dir() and _PARTIAL_DIR.match(p.name):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def commit(out, batch_id: str, write) -> Path:
    """Call ``write(tmp_folder)`` then rename the folder to ``out/batches/<batch_id>``.

    An existing folder of that name (a forced re-run) is first moved aside under a hidden name
    and deleted after the rename."""
    root = batches_dir(out)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{batch_id}.", suffix=".tmp", dir=root))
    final = root / batch_id
    try:
        write(tmp)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{batch_id}.", suffix=".tmp", dir=root))
            os.replace(final, old / "old")
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def write_marker(folder: Path, marker: dict) -> None:
    _output.atomic_write_text(folder / MARKER, json.dumps(marker, default=str))


def load_markers(out) -> list[dict]:
    """Markers of the committed batches, oldest first (unreadable ones are ignored)."""
    root = batches_dir(out)
    if not root.is_dir():
        return []
    markers = []
    for p in root.iterdir():
        if not p.is_dir() or p.name.startswith("."):
            continue
        try:
            m = json.loads((p / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a folder without a readable marker is not a batch of ours
        if isinstance(m, dict) and isinstance(m.get("files"), list):
            m["_folder"] = p
            markers.append(m)
    return sorted(markers, key=lambda m: (m.get("created_ns", 0), m["_folder"].name))


def current(markers: list[dict]) -> dict[str, tuple[dict, dict]]:
    """File path -> (marker, file entry) of the newest committed batch that lists the file."""
    latest: dict[str, tuple[dict, dict]] = {}
    for m in markers:
        for entry in m["files"]:
            latest[entry["file"]] = (m, entry)
    return latest


def remove_superseded(markers: list[dict], latest: dict) -> int:
    """Delete committed batches none of whose files they are the newest record of."""
    n = 0
    for m in markers:
        if not any(latest.get(e["file"], (None,))[0] is m for e in m["files"]):
            shutil.rmtree(m["_folder"], ignore_errors=True)
            n += 1
    return n
