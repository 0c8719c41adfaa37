"""Pore-size-distribution kernel tables (NLDFT/QSDFT/Kelvin kernels exported as text).

Format coverage
---------------
A rectangular text table: comma, semicolon, tab or whitespace separated; lines starting with
``#`` and blank lines ignored; UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 /
Latin-1; ``.gz``/``.bz2``/``.xz`` compressed files are read transparently. The first row holds
the pore widths and the first column the relative pressures (the corner cell is ignored) — or
the transpose. ``orientation="auto"`` decides by the values: the axis whose values all lie in
(0, 1] while the other has a value > 1 is p/p0; when both lie in (0, 1] (widths all below 1 nm)
pass ``orientation="widths_in_first_row"`` or ``"pressures_in_first_row"``. Axes are sorted
increasing.

The reader is selected only by name (``read(path, format="psd_kernel")``): a kernel table is a
plain CSV that no content sniff can tell from an isotherm export, so it never claims files on
its own.

Output
------
``kernel(relative_pressure, pore_width)`` in ``mmol/cm^3`` (amount per unit pore volume) or
``mmol/m^2`` (per unit pore-wall area), ``pore_width`` in nm, attrs ``technique="psd_kernel"``,
``geometry`` ("cylinder" or "slit", used to convert pore volume ↔ area), ``basis`` ("volume" or
"area"), ``model="file"`` and ``orientation``. This is what
:func:`characterization.sorption.kernel_psd` takes as ``model=``.

Library choice
--------------
Own parser (the ``csv`` module): the table is a plain matrix; no library reads it better.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import xarray as xr

from .. import _source
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_psd_kernel", "KERNEL_UNITS"]

#: Kernel units understood: amount per unit pore volume or per unit pore-wall area.
KERNEL_UNITS = {"mmol/cm^3": "volume", "mmol/cm3": "volume", "mmol/m^2": "area",
                "mmol/m2": "area"}

_ORIENTATIONS = ("auto", "widths_in_first_row", "pressures_in_first_row")


def _numbers(path, cells, line, first_column=1):
    """Floats of one row's cells; ReadError naming line and column of a non-number."""
    vals = []
    for j, cell in enumerate(cells):
        try:
            vals.append(float(cell))
        except ValueError:
            raise ReadError(path, f"expected a number, found {cell.strip()!r}",
                            f"line {line + 1}, column {first_column + j}") from None
    return vals


def _rows(path, text):
    lines = [(i, ln) for i, ln in enumerate(text.splitlines())
             if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) < 3:
        raise ReadError(path, "expected a kernel table with a header row and ≥ 2 data rows")
    first = lines[0][1]
    delim = next((d for d in (",", ";", "\t") if d in first), None)
    if delim is None:
        rows = [ln.split() for _, ln in lines]
    else:
        rows = [next(csv.reader(io.StringIO(ln), delimiter=delim)) for _, ln in lines]
    rows = [[c.strip() for c in r] for r in rows]
    width = len(rows[0])
    for (i, _), r in zip(lines, rows):
        if len(r) != width:
            raise ReadError(path, f"ragged table: {len(r)} cells, the header has {width}",
                            f"line {i + 1}")
    if width < 3:
        raise ReadError(path, "expected ≥ 2 columns of kernel values after the first column",
                        f"line {lines[0][0] + 1}")
    return lines, rows


@register_reader("psd_kernel", technique="psd_kernel",
                 description="Pore-size-distribution kernel table (p/p0 × pore width)")
def read_psd_kernel(path, *, units: str = "mmol/cm^3", width_units: str = "nm",
                    geometry: str = "cylinder", orientation: str = "auto") -> xr.Dataset:
    """Read a kernel table: one axis p/p0, the other pore width, the body the kernel.

    Parameters
    ----------
    path : str or os.PathLike
        The table (layout in the module docstring).
    units : {"mmol/cm^3", "mmol/m^2"}
        Kernel amounts per unit pore volume or per unit pore-wall area (the solution of
        :func:`~characterization.sorption.kernel_psd` is then a volume or an area distribution).
        Convert other units first (cm³ STP / 22.414 = mmol).
    width_units : {"nm", "angstrom"}
        Units of the widths in the file (converted explicitly to nm).
    geometry : {"cylinder", "slit"}
        Pore geometry, used to convert between pore volume and area (A = 4V/w or 2V/w).
    orientation : {"auto", "widths_in_first_row", "pressures_in_first_row"}
        Which header holds the pore widths (see the module docstring).

    Returns
    -------
    xarray.Dataset
        ``kernel(relative_pressure, pore_width)`` with units; attrs ``technique``
        ("psd_kernel"), ``geometry``, ``basis``, ``model``, ``orientation``.

    Raises
    ------
    ReadError
        Naming the file (and line/column) for a missing file, a bad option, a non-numeric cell,
        a ragged table, an axis that cannot be p/p0, duplicate axis values or an ambiguous
        orientation.
    """
    if units not in KERNEL_UNITS:
        raise ReadError(path, f"units must be one of {sorted(KERNEL_UNITS)}, not {units!r}")
    if width_units not in ("nm", "angstrom"):
        raise ReadError(path, f"width_units must be 'nm' or 'angstrom', not {width_units!r}")
    if geometry not in ("cylinder", "slit"):
        raise ReadError(path, f"geometry must be 'cylinder' or 'slit', not {geometry!r}")
    if orientation not in _ORIENTATIONS:
        raise ReadError(path, f"orientation must be one of {_ORIENTATIONS}, not "
                              f"{orientation!r}")
    text, _ = _source.read_text(path)
    lines, rows = _rows(path, text)
    head = np.array(_numbers(path, rows[0][1:], lines[0][0], first_column=2))
    body = np.array([_numbers(path, r, i) for (i, _), r in zip(lines[1:], rows[1:])])
    col, matrix = body[:, 0], body[:, 1:]
    unit_interval = [bool(np.all((a > 0) & (a <= 1))) for a in (col, head)]
    if orientation == "auto":
        if unit_interval[0] and not unit_interval[1]:
            orientation = "widths_in_first_row"
        elif unit_interval[1] and not unit_interval[0]:
            orientation = "pressures_in_first_row"
        elif all(unit_interval):
            raise ReadError(path, "both axes lie in (0, 1]: cannot tell p/p0 from widths; "
                            "pass orientation='widths_in_first_row' or "
                            "'pressures_in_first_row'")
        else:
            raise ReadError(path, "neither the first row nor the first column is a p/p0 axis "
                            "(values in (0, 1])")
    if orientation == "widths_in_first_row":
        x, w, k = col, head, matrix
    else:
        x, w, k = head, col, matrix.T
    if not np.all((x > 0) & (x <= 1)):
        raise ReadError(path, "the relative-pressure axis has values outside (0, 1]")
    if not np.all(w > 0):
        raise ReadError(path, "the pore-width axis has non-positive values")
    if not np.all(np.isfinite(k)):
        raise ReadError(path, "the kernel contains NaN or inf")
    w = w * (0.1 if width_units == "angstrom" else 1.0)
    ox, ow = np.argsort(x), np.argsort(w)
    x, w, k = x[ox], w[ow], k[np.ix_(ox, ow)]
    if np.any(np.diff(x) == 0) or np.any(np.diff(w) == 0):
        raise ReadError(path, "duplicate values on the p/p0 or pore-width axis")
    basis = KERNEL_UNITS[units]
    return xr.Dataset(
        {"kernel": (("relative_pressure", "pore_width"), k,
                    {"units": "mmol/cm^3" if basis == "volume" else "mmol/m^2",
                     "long_name": ("Amount adsorbed per unit pore volume" if basis == "volume"
                                   else "Amount adsorbed per unit pore-wall area")})},
        coords={"relative_pressure": ("relative_pressure", x,
                                      {"units": "1", "long_name": "Relative pressure p/p0"}),
                "pore_width": ("pore_width", w, {"units": "nm", "long_name": "Pore width"})},
        attrs={"technique": "psd_kernel", "geometry": geometry, "basis": basis,
               "model": "file", "orientation": orientation})
