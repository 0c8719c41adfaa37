"""Micromaterials NanoTest load–displacement text, single files or a zip of them.

A NanoTest export is headerless tab-separated text (CRLF), three columns per row::

    0.000000<TAB>-367.982536<TAB>-0.010298

read as **time (s), depth (nm), load (mN)**. The file states no column names or units: this
reading is inferred from the shared example ``multipleIndentations.zip`` (the depth reaches the
nominal depth in the file names, "1000nmXX 1 ..." peaks at 1018 nm; time rises monotonically)
and recorded in ``attrs["column_assignment"]``. A zip holding several exports gives one indent
per ``.txt`` member, in member order, named after the member; each member is streamed within the
byte budget of :data:`characterization.io.LIMITS`.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath

import numpy as np

from ...errors import ReadError
from .. import _safe_archive, _source
from .._registry import register_reader
from . import _build

_ASSIGNMENT = "time (s), depth (nm), load (mN): inferred, the file has no header"
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_ROW = re.compile(rf"^\s*{_NUM}\t{_NUM}\t{_NUM}\s*$")


def _parse(data: bytes, path, name):
    text, _ = _source.decode(data, path)
    rows = []
    for k, line in enumerate(re.split(r"\r\n|\r|\n", text)):
        if not line.strip():
            continue
        fields = line.replace(",", ".").split()
        if len(fields) != 3:
            raise ReadError(path, f"{name}: expected 3 numbers (time, depth, load), got "
                                  f"{len(fields)} fields", f"line {k + 1}")
        try:
            rows.append([float(f) for f in fields])
        except ValueError:
            raise ReadError(path, f"{name}: not a number in {line[:60]!r}",
                            f"line {k + 1}") from None
    if not rows:
        raise ReadError(path, f"{name}: no data rows")
    a = np.array(rows)
    return _build.test_dataset(a[:, 2], a[:, 1], a[:, 0], path=path,
                               attrs={"column_assignment": _ASSIGNMENT})


def _sniff_zip(head, path):
    if head[:4] != _safe_archive.ZIP_MAGIC:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            members = _safe_archive.checked_members(path, zf)
            txt = [i for n, i in members.items() if n.lower().endswith(".txt")]
            if not txt or len(txt) != len([i for i in members.values() if not i.is_dir()]):
                return False
            with zf.open(txt[0]) as fh:
                first = fh.read(200).decode("latin-1").splitlines()[0]
    except (OSError, zipfile.BadZipFile, ValueError, IndexError, ReadError):
        return False
    return _ROW.match(first) is not None


@register_reader("micromaterials", extensions=(".zip",), sniff=_sniff_zip,
                 technique="nanoindent",
                 description="Micromaterials NanoTest text export (a file or a zip of them)")
def read_micromaterials(path, indent=None):
    """Read Micromaterials NanoTest text exports: one ``.txt`` or a ``.zip`` of them.

    Parameters
    ----------
    path : str or os.PathLike
        A NanoTest ``.txt`` (pass ``format="micromaterials"``: a headerless three-column text
        cannot be recognised by content) or a ``.zip`` of such files.
    indent : int or str, optional
        For a zip: one test, by 0-based position or member name without ``.txt``. Default all,
        stacked along ``indent``.

    Returns
    -------
    xarray.Dataset
        Technique ``"nanoindent"``: ``load`` (mN), ``displacement`` (nm), ``time`` (s),
        ``segment`` all ``""`` (no markers in the format); a zip gives dims
        ``(indent, point)`` with ``test_name`` (member names) and ``n_points``.

    Raises
    ------
    ReadError
        A row that is not three numbers, an empty member, a member past the byte budget, a zip
        without ``.txt`` members.

    Notes
    -----
    The column meaning is inferred (module docstring); check it against your instrument's
    export settings.
    """
    head = _source.head(path, 4)
    if head != _safe_archive.ZIP_MAGIC:
        return _parse(_source.read_bytes(path), path, PurePosixPath(str(path)).name)
    tests, names = [], []
    with zipfile.ZipFile(path) as zf:
        members = _safe_archive.checked_members(path, zf)
        for name, info in members.items():
            if info.is_dir() or not name.lower().endswith(".txt"):
                continue
            data = _safe_archive.read_member(path, zf, info)
            tests.append(_parse(data, path, name))
            names.append(PurePosixPath(name).stem)
    if not tests:
        raise ReadError(path, "zip holds no .txt NanoTest export")
    ds = _build.stack(tests, names, attrs={"column_assignment": _ASSIGNMENT}, path=path)
    return _build.select(ds, indent, path)
