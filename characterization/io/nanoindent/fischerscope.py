"""FischerScope text exports of nanoindentation curves (decimal comma, German labels).

FischerScope WIN / WIN-HCU "export as text" writes one curve per file as ``;``- or
tab-separated columns, with a decimal comma in German locales and German or English labels::

    Fischerscope HM2000 ... (any lines before the header are kept as metadata)
    Zeit [s];Kraft [mN];Eindringtiefe [µm]
    0,00;0,000;0,0000

This reader claims text whose header uses the FischerScope labels (``Kraft``/``Prüfkraft``,
``Eindringtiefe``, ``Zeit``) or whose preamble names Fischer; plain English CSV of load and
displacement is read by the generic ``delimited`` reader (``characterization.io.delimited``).
Recognised columns (case-insensitive): time ``zeit``/``time``/``t``; load ``kraft``/
``prüfkraft``/``force``/``load``/``F``; displacement ``eindringtiefe``/``depth``/
``displacement``/``h``. Units in ``[...]`` or ``(...)`` are required for load and displacement
and converted explicitly (µN, N -> mN; µm, mm -> nm); a missing time column gives NaN times.
Other numeric columns are kept under snake-case names; a ``segment`` column is kept verbatim.

No real FischerScope text export was available (the shared FischerScope file is an HDF5
conversion): this layout follows the column names the FischerScope software prints, and the
tests use synthetic files.
"""

from __future__ import annotations

import re

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from . import _build

_NAMES = {
    "time": ("time", "zeit", "t", "time on sample"),
    "load": ("load", "force", "kraft", "f", "p", "load on sample", "prüfkraft", "pruefkraft"),
    "displacement": ("displacement", "depth", "indentation depth", "eindringtiefe", "h",
                     "displacement into surface"),
    "segment": ("segment", "segment type", "step"),
}
_LABEL = re.compile(r"^\s*([^\[\(]+?)\s*(?:[\[\(]\s*([^\]\)]*)\s*[\]\)])?\s*$")


def _split(line: str, sep: str):
    return [f.strip().strip('"') for f in line.split(sep)]


def _header(lines):
    """(index, separator, [(kind or None, label, unit)]) of the column header."""
    for i, line in enumerate(lines[:60]):
        sep = "\t" if "\t" in line else ";" if ";" in line else "," if "," in line else None
        if sep is None:
            continue
        cols = []
        for field in _split(line, sep):
            m = _LABEL.match(field)
            if not m:
                cols.append((None, field, ""))
                continue
            name, unit = m.group(1).strip().lower(), (m.group(2) or "").strip()
            kind = next((k for k, names in _NAMES.items() if name in names), None)
            cols.append((kind, field, unit))
        kinds = [c[0] for c in cols]
        if "load" in kinds and "displacement" in kinds:
            return i, sep, cols
    return None


def _sniff(head, path):
    text = head.decode("utf-8", errors="replace")
    lines = re.split(r"\r\n|\r|\n", text)
    found = _header(lines)
    if found is None:
        return False
    fischer = "fischer" in " ".join(lines[:found[0]]).lower() or any(
        re.match(r"\s*(kraft|prüfkraft|pruefkraft|eindringtiefe)\b", c[1], re.IGNORECASE)
        for c in found[2])
    return fischer and all(c[2] for c in found[2] if c[0] in ("load",
                                                                         "displacement"))


@register_reader("fischerscope_text", extensions=(".txt", ".csv", ".dat"), sniff=_sniff,
                 technique="nanoindent",
                 description="FischerScope nanoindentation text export (decimal comma)")
def read_fischerscope_text(path):
    """Read one FischerScope nanoindentation curve exported as text (decimal comma).

    Parameters
    ----------
    path : str or os.PathLike
        The text file (layout and recognised column names in the module docstring).

    Returns
    -------
    xarray.Dataset
        Technique ``"nanoindent"`` along ``point``: ``load`` (mN), ``displacement`` (nm),
        ``time`` (s), ``segment`` (from a segment column, else ``""``), other numeric columns
        with their units; lines above the header in ``attrs["original_metadata"]``.

    Raises
    ------
    ReadError
        No header naming load and displacement with units, an unknown unit, a row with a
        wrong number of fields or a non-number (a truncated file).

    Notes
    -----
    With ``;`` or tab separators a comma is a decimal comma; with ``,`` separators numbers
    must use a point.
    """
    text, encoding = _source.read_text(path)
    lines = re.split(r"\r\n|\r|\n", text)
    found = _header(lines)
    if found is None:
        raise ReadError(path, "no column header naming load/force and displacement/depth "
                              "(with units, e.g. 'Force [mN]', 'Depth [nm]') in the first 60 "
                              "lines")
    h, sep, cols = found
    units = {c[0]: c[2] for c in cols if c[0]}
    for kind in ("load", "displacement"):
        if not units.get(kind):
            raise ReadError(path, f"the {kind} column has no unit in [..] or (..)",
                            f"line {h + 1}")
    rows, segs = [], []
    for k, line in enumerate(lines[h + 1:], start=h + 2):
        if not line.strip():
            continue
        fields = _split(line, sep)
        if len(fields) != len(cols):
            raise ReadError(path, f"expected {len(cols)} fields, got {len(fields)} (a "
                                  "truncated or damaged row)", f"line {k}")
        values = []
        for (kind, label, _), f in zip(cols, fields):
            if kind == "segment":
                continue
            try:
                values.append(float(f.replace(",", ".") if sep != "," else f))
            except ValueError:
                raise ReadError(path, f"column {label!r}: {f!r} is not a number",
                                f"line {k}") from None
        rows.append(values)
        segs.append(next((f for (kind, _, _), f in zip(cols, fields) if kind == "segment"),
                         ""))
    if not rows:
        raise ReadError(path, "no data rows after the header", f"line {h + 1}")
    data = np.array(rows, dtype=float)
    numeric = [c for c in cols if c[0] != "segment"]
    out, extra = {}, {}
    for j, (kind, label, unit) in enumerate(numeric):
        if kind in ("load", "displacement", "time") and kind not in out:
            out[kind] = data[:, j] * _build.factor(kind, unit or "s", path)
        else:
            extra[_build.snake(_LABEL.match(label).group(1) if _LABEL.match(label)
                               else label)] = (data[:, j], unit)
    time = out.get("time", np.full(data.shape[0], np.nan))
    return _build.test_dataset(out["load"], out["displacement"], time,
                               segment=segs, extra=extra, path=path,
                               original_units={k: units.get(k, "") for k in
                                               ("load", "displacement", "time")},
                               attrs={"original_metadata": _build.to_json(
                                   {"preamble": [s for s in lines[:h] if s.strip()],
                                    "columns": [c[1] for c in cols], "encoding": encoding})})
