"""Raman text maps: WiRE "long" and LabSpec "wide" exports.

``raman_text_map`` — text map exports that the generic delimited reader would misread as one
long spectrum:

* WiRE "long" format: a header ``#X  #Y  #Wave  #Intensity`` (or with ``#Z``, ``#Time`` ...)
  and one row per point and shift, spectrum after spectrum;
* LabSpec "wide" format: optional ``#key=value`` lines, then a row of shifts preceded by two
  empty fields, then one row per spectrum: ``X  Y  I1  I2 ...`` (X first, as LabSpec writes it;
  pass ``xy_order="yx"`` for files with Y first). One empty field means one position column
  (``spot`` with a ``position`` coordinate).

Positions that form a complete rectangular grid give ``(y, x, raman_shift)``, others ``spot``
with ``x``/``y`` coordinates. Text maps carry no units: positions are taken as µm and the
spectral axis as Raman shift (cm⁻¹), as WiRE and LabSpec write them by default.

Text is parsed with pandas' C parser.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from . import text_header
from ._build import arrange, build_raman, regular_grid
from .labspec import _floats

_WIRE_HEADER = re.compile(r"^\s*((?:#\w+\s+)+)#wave\s+#intensity\s*$", re.I)
_NUM = r"[-+]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][-+]?\d+)?"   # decimal point or comma
_ROW = re.compile(r"^\s*" + _NUM + r"(?:\s+" + _NUM + r")+\s*$")

#: Lines (notes, comments, ``#key=value`` settings) allowed above the map header.
MAX_PREAMBLE = 100


def _wide_header(line: str) -> int:
    """Number of leading empty fields (1 or 2) of a LabSpec wide-map header line, else 0."""
    m = re.match(r"^(\t{1,2})" + _NUM + r"(?:\t" + _NUM + r")+\t*\s*$", line)
    return len(m.group(1)) if m else 0


def _text_layout(lines: list[str]):
    """Layout of a text map: ``("wire", position names, header line)``, ``("wide", number of
    position columns, header line)`` or None.

    Lines above the header that are not rows of numbers (LabSpec ``#key=value`` settings,
    comments, notes a user added) are skipped; a row of numbers before any header means the
    file is not a map. A wide header (empty fields, then shifts) must be followed by a row with
    exactly that many more values, unless the header is the last line available (a sniff of a
    long first line) and holds at least 20 shifts.
    """
    for i, line in enumerate(lines[:MAX_PREAMBLE + 1]):
        if not line.strip():
            continue
        m = _WIRE_HEADER.match(line)
        if m:
            return ("wire", [t.lstrip("#") for t in m.group(1).split()], i)
        k = _wide_header(line)
        if not k:
            if _ROW.match(line):
                return None                 # data before any map header
            continue                        # settings, comments, notes
        nshift = len(line.split())
        following = next((row for row in lines[i + 1:] if row.strip()), None)
        if following is None:
            return ("wide", k, i) if nshift >= 20 else None
        ok = len(following.split()) == nshift + k and all(
            re.fullmatch(_NUM, t) for t in following.split())
        return ("wide", k, i) if ok else None
    return None


def _decimal(body: str) -> str:
    """``","`` when the numbers are written with decimal commas (no point anywhere)."""
    sample = body[:20000]
    return "," if ("," in sample and "." not in sample) else "."


def _sniff_text_map(head: bytes, path: Path) -> bool:
    try:
        text, _ = _source.decode(head, path)
    except ReadError:
        return False
    lines = text.splitlines()[:MAX_PREAMBLE + 100]
    if len(head) >= 8192 and len(lines) > 1:
        # the last line may be cut: a cut data row is dropped, a cut wide header (a long row
        # of shifts) is kept, since it is all the head holds of the map
        return (_text_layout(lines[:-1]) is not None
                or (_wide_header(lines[-1]) > 0 and _text_layout(lines) is not None))
    return _text_layout(lines) is not None


@register_reader("raman_text_map", extensions=(".txt", ".tsv", ".dat"), sniff=_sniff_text_map,
                 technique="raman",
                 description="Raman text maps: WiRE #X #Y #Wave #Intensity, LabSpec wide X Y rows")
def read_text_map(path, *, xy_order: str = "xy"):
    """Read a WiRE or LabSpec text map export.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    xy_order : {"xy", "yx"}
        Order of the two position columns of a LabSpec wide map (default X then Y).

    Returns
    -------
    xarray.Dataset
        ``intensity(y, x, raman_shift)`` for a complete grid, else ``intensity(spot,
        raman_shift)`` with position coordinates.

    Raises
    ------
    ReadError
        Unrecognised layout, ragged or non-numeric rows, spectra with different shift axes.
    """
    import pandas as pd

    path = Path(os.fspath(path))
    if xy_order not in ("xy", "yx"):
        raise ReadError(path, f"xy_order must be 'xy' or 'yx', not {xy_order!r}")
    text, _ = _source.read_text(path)
    lines = text.splitlines()
    layout = _text_layout(lines)
    if layout is None:
        raise ReadError(path, "not a WiRE (#X #Y #Wave #Intensity) or LabSpec (tab, tab, shifts) "
                              "text map")
    kind, spec, start = layout
    header_lines, notes = {}, []
    for line in lines[:start]:
        if line.startswith("#") and "=" in line:
            key, value = line[1:].split("=", 1)
            header_lines[key.strip()] = value.strip()
        elif line.strip():
            notes.append(line.strip())
    if notes:
        header_lines["notes"] = notes
    body = "\n".join(lines[start + 1:])
    decimal = _decimal(body)
    try:
        table = pd.read_csv(io.StringIO(body), sep=r"\s+", header=None, engine="c",
                            dtype=np.float64, skip_blank_lines=True,
                            decimal=decimal).to_numpy()
    except (ValueError, pd.errors.ParserError) as exc:
        raise ReadError(path, f"non-numeric or ragged data after line {start + 1}: {exc}",
                        f"line {start + 2}") from None
    if table.size == 0:
        raise ReadError(path, "no data rows", f"line {start + 2}")
    if kind == "wire":
        names = spec
        npos = len(names)
        if table.shape[1] != npos + 2:
            raise ReadError(path, f"rows have {table.shape[1]} columns, the header names "
                                  f"{npos + 2}", f"line {start + 2}")
        positions = table[:, :npos]
        change = np.flatnonzero(np.any(np.diff(positions, axis=0) != 0, axis=1))
        npts = int(change[0]) + 1 if change.size else table.shape[0]
        if table.shape[0] % npts:
            raise ReadError(path, f"{table.shape[0]} rows are not a whole number of spectra of "
                                  f"{npts} points (the first spectrum's length)")
        blocks = table.reshape(-1, npts, npos + 2)
        if np.any(blocks[:, :, :npos] != blocks[:, :1, :npos]):
            bad = int(np.flatnonzero(np.any(blocks[:, :, :npos] != blocks[:, :1, :npos],
                                            axis=(1, 2)))[0])
            raise ReadError(path, f"spectrum {bad + 1} changes position before its {npts} "
                                  "points end (spectra of different lengths)",
                            f"line {start + 2 + bad * npts}")
        shift = blocks[0, :, npos]
        if not np.allclose(blocks[:, :, npos], shift, rtol=1e-6, atol=1e-6):
            raise ReadError(path, "spectra have different Raman shift axes; not supported")
        spectra = blocks[:, :, npos + 1]
        pos = {n.lower(): blocks[:, 0, i] for i, n in enumerate(names)}
    else:
        k = spec
        header = _floats(path, lines[start].strip().replace(",", ".") if decimal == "," else
                         lines[start].strip(), f"line {start + 1} (shifts)")
        if table.shape[1] != k + header.size:
            raise ReadError(path, f"rows have {table.shape[1]} values, expected {k} positions + "
                                  f"{header.size} intensities", f"line {start + 2}")
        shift, spectra = header, table[:, k:]
        if k == 2:
            a, b = table[:, 0], table[:, 1]
            pos = {"x": a, "y": b} if xy_order == "xy" else {"x": b, "y": a}
        else:
            pos = {"position": table[:, 0]}
    return _text_map_dataset(path, shift, spectra, pos, kind, header_lines)


_POSITION_UNITS = {"x": "um", "y": "um", "z": "um", "time": "s"}


def _text_map_dataset(path, shift, spectra, pos, kind, header):
    """(y, x) for a complete grid of X/Y positions, else spot (or a single spectrum)."""
    grid = (regular_grid(pos["x"], pos["y"]) if "x" in pos and "y" in pos and len(spectra) > 1
            else None)
    if grid is not None:
        xs, ys, col, row = grid
        dims = ("y", "x")
        intensity = arrange(spectra, (len(ys), len(xs)), row, col,
                            raster=np.array_equal(row * len(xs) + col, np.arange(len(spectra))))
        coords = {"x": (("x",), xs, "um", "Stage position x"),
                  "y": (("y",), ys, "um", "Stage position y")}
    else:
        single = len(spectra) == 1
        dims = () if single else ("spot",)
        intensity = spectra[0] if single else spectra
        coords = {name: (dims, values[0] if single else values,
                         _POSITION_UNITS.get(name, ""), name) for name, values in pos.items()}
    meta = {"layout": "WiRE long (#X #Y #Wave #Intensity)" if kind == "wire" else
            "LabSpec wide (positions, then one spectrum per row)", "header": header,
            "assumed_units": {"positions": "um", "spectral_axis": "1/cm (Raman shift)"}}
    scalars = {"laser_wavelength": text_header.laser_wavelength(header)}
    for name, (_, value, attrs) in text_header.acquisition_scalars(header).items():
        scalars[name] = value
    return build_raman(path, intensity=intensity, raman_shift=shift, batch_dims=dims,
                       coords=coords, scalars=scalars,
                       original_metadata=meta, attrs={"reader": "raman_text_map"})
