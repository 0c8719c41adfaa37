"""Generic reader for delimited text exports: two or more numeric columns of any technique.

What it handles
---------------
* Delimiters: comma, semicolon, tab, runs of whitespace (or any string via ``delimiter=``),
  detected from the data rows together with the decimal separator, so ``1,5;2,5`` (semicolon
  with decimal comma), ``1,5<TAB>2,5`` and ``1,5 2,5`` are read as two columns.
* Layout: any number of metadata lines (``Key: value``, ``Key=value``, ``#Key=value``,
  ``Key;value`` ...) and comment lines (``#``, ``%``, ``;``, ``//``) before the data, then zero,
  one or two column-header lines (names, optionally followed by a line of units), then the
  numeric block. Blank lines, trailing empty columns, quoted fields, CRLF/CR line endings,
  a UTF-8 BOM, Windows-1252/latin-1 text and ``.gz``/``.bz2``/``.xz`` compression
  (through :mod:`characterization.io._source`) are handled. Empty fields inside a row are
  missing values (NaN); rows with an empty x value are dropped with a warning.
* Column meaning: with ``technique=`` the columns are named by the conventions table
  (:data:`characterization.conventions.TABLE`): the first column (or the one whose header names
  the technique's axis, or ``x=``) is the signal dim, the next (or the one named like the main
  quantity, or ``y=``) the main variable. Without it the technique is inferred from the header
  where unambiguous ("2theta"/"Angle" -> xrd, "Raman shift"/"wavenumber"/cm-1 -> raman,
  "Binding energy" -> xps, "Energy" + "mu" -> exafs, "Load" + "Displacement" -> nanoindent,
  "p/p0"/"Relative pressure" -> sorption); then from the header lines: a WiRE ``#Wave
  #Intensity`` header, LabSpec ``#key=value`` settings or a laser line -> raman (laser line
  parsed into ``laser_wavelength``, LabSpec settings into ``exposure_time``, ``accumulations``
  ...; :mod:`.raman.text_header`), an X-ray wavelength, anode or 2θ key -> xrd; then from the
  axis: an ascending, uniformly stepped axis inside (0, 180] -> xrd, with a warning
  (:mod:`.xrd.text_header`). Otherwise it is the generic ``"spectrum"`` with sanitised
  header names and ``attrs["signal_dim"]``. Further columns are kept as further variables
  (a headerless third column of an ``.xye`` file is ``<main>_uncertainty``).
* Units: parsed from headers such as ``Intensity (counts)``, ``Energy [eV]``,
  ``Wavenumber / cm-1``, ``BE/eV`` or ``2th_deg`` and from a separate units line. A unit that
  differs from the convention is converted explicitly (keV -> eV, µN -> mN, µm -> nm,
  cm3(STP)/g -> mmol/g by /22.414, wavelength in nm -> Raman shift with the laser wavelength,
  ...), recording the original in ``attrs["original_units"]``; an unknown or unconvertible unit
  raises ReadError. Intensities in counts/s stay in counts/s (no dwell time to convert with).
* Sorption and nanoindentation are point-indexed: dim ``point`` with ``relative_pressure`` and
  ``branch`` (adsorption up to the highest pressure, desorption after) or ``time`` and
  ``segment`` (from a segment column, else loading up to the maximum load, unloading after;
  hold segments are not detected; ``time`` is NaN when the file has no time column).

Limits
------
One numeric block per file: multi-block exports (several regions or scans one after the other)
raise ReadError at the first line that does not fit; vendor formats with such layouts need their
own reader. Thousands separators, Fortran ``D`` exponents and comment text after numbers on
the same line are not supported. Header detection is heuristic: pass ``skip_rows=``, ``x=`` and
``y=`` when it guesses wrong. Metadata values are kept as strings.

The numeric block is parsed by pandas' C parser (about 0.3 s for 10^6 rows); any row it cannot
take is re-parsed by a line-by-line checker that names the offending line.

Code
----
This module holds the registered reader and the Dataset builders (spectral, sorption,
nanoindentation). The file layout (dialect, header, metadata, numeric block) is found by
:mod:`._text_layout`, column roles and column units by :mod:`._columns`, and the unit table and
explicit conversions, shared with other readers, are in :mod:`._units`.
:class:`SharedHeader` reads further files of a folder whose header equals a first file's
block-only (used by ``characterize run``; about 0.4 ms instead of 3 ms for a 1000-line export).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import conventions
from ..errors import ReadError
from . import _source
from ._columns import (convert_column, distinct, find, free_units, infer_technique, is_role,
                       resolve, role_of, sanitize)
from ._registry import register_reader
from ._text_layout import (_parse_numpy, detect, header_columns, looks_tabular, metadata,
                           parse_fast, parse_slow, split_lines)
from ._units import canonical_unit
from .raman import text_header as raman_header
from .raman._build import to_raman_shift
from .xrd import text_header as xrd_header

EXTENSIONS = (".txt", ".csv", ".tsv", ".dat", ".xy", ".xye", ".asc", ".prn")


# --------------------------------------------------------------------------- Dataset building
@dataclass
class _Table:
    """Parsed file: values (rows x columns), column headers, metadata, options."""

    path: Path
    values: np.ndarray
    cols: list
    meta: dict
    ext: str
    taken: set = field(default_factory=set)

    def name(self, j: int, default: str) -> str:
        """Unique variable name of column ``j``: sanitised label (+ unit if the label repeats)."""
        col = self.cols[j]
        base = sanitize(col.label) if col is not None else ""
        labels = [sanitize(c.label) for c in self.cols if c is not None]
        if base and col.unit and labels.count(base) > 1:
            base = sanitize(f"{col.label}_{col.unit}")      # "Depth (nm)", "Depth (V)"
        base = base or default
        name, k = base, 2
        while name in self.taken:
            name, k = f"{base}_{k}", k + 1
        self.taken.add(name)
        return name

    def extras(self, used, dim, main, main_attrs=None, factor=1.0) -> dict:
        """Variables of the columns not in ``used`` (named by header, else ``column_<n>``)."""
        out = {}
        for j in range(len(self.cols)):
            if j in used:
                continue
            col = self.cols[j]
            if col is None and self.ext == ".xye" and j == 2 and main_attrs is not None:
                name = self.name(j, f"{main}_uncertainty")
                attrs = {"units": main_attrs["units"], "long_name": "Uncertainty of " + main}
                out[name] = ((dim,), self.values[:, j] * factor, attrs)
                continue
            name = self.name(j, f"column_{j + 1}")
            attrs = {**free_units(col), "long_name": col.label if col else f"column {j + 1}"}
            if col is not None:
                attrs["original_name"] = col.raw
            out[name] = ((dim,), self.values[:, j], attrs)
        return out


def _quantity_attrs(q: conventions.Quantity, col, attrs) -> dict:
    out = {**attrs, "long_name": q.long_name}
    if col is not None:
        out["original_name"] = col.raw
    return out


def _laser_wavelength(meta: dict, option) -> float | None:
    """Laser wavelength (nm): the option, else the header's laser line (``Laser: 532 nm``,
    ``#Laser=532nm_Edge``, ``laser_wavelength;532,02`` ...; see :mod:`.raman.text_header`)."""
    if option is not None:
        return float(option)
    return raman_header.laser_wavelength(meta)


def _raman_axis(path, x, col, laser, header_unit=None):
    """Raman shift from an absolute axis: a column in nm (or named wavelength), or a column
    without unit whose file header states nm or eV (LabSpec ``#Range (nm)=``); else None."""
    unit = None
    if col is not None and (canonical_unit(col.unit) == "nm" or
                            (col.unit is None and re.search(r"wavelength", col.label, re.I))):
        unit = "nm"
    elif (col is None or not col.unit) and header_unit in ("nm", "eV"):
        unit = header_unit
    if unit is None:
        return None
    if laser is None:
        what = f"column {col.raw!r}" if col is not None else "the x column"
        kind = "wavelength (nm)" if unit == "nm" else "photon energy (eV)"
        raise ReadError(path, f"{what} is an absolute {kind}; converting it to a Raman shift "
                              "needs the laser wavelength, which the file does not give: pass "
                              "laser_wavelength= (nm)")
    shift, attrs, _ = to_raman_shift(path, x, unit, laser)
    attrs = {"units": "1/cm", "original_units": (col.unit if col is not None and col.unit
                                                 else unit), "conversion": attrs["conversion"]}
    return shift, attrs, None


def _drop_nan_x(t: _Table, xi: int) -> None:
    bad = np.isnan(t.values[:, xi])
    if bad.any():
        warnings.warn(f"{t.path}: {int(bad.sum())} rows without an x value dropped",
                      stacklevel=4)
        t.values = t.values[~bad]


def _build_spectral(t: _Table, technique: str, x, y, laser_option) -> "xr.Dataset":
    import xarray as xr

    conv = conventions.get(technique)
    cols = t.cols
    x_role = {"xrd": ("angle",), "raman": ("raman", "wavenumber"), "xps": ("binding",),
              "exafs": ("energy",)}.get(technique, ())
    xi = resolve(t.path, x, cols, "x")
    if xi is None:
        xi = next((j for r in x_role if (j := find(cols, r)) is not None), 0)
    yi = resolve(t.path, y, cols, "y")
    if yi is None:
        y_role = "mu" if technique == "exafs" else "intensity"
        yi = find(cols, y_role, exclude=(xi,))
        if yi is None:
            yi = next((j for j in range(xi + 1, len(cols))), None)
            yi = yi if yi is not None else next(j for j in range(len(cols)) if j != xi)
    distinct(t.path, cols, xi, yi)
    _drop_nan_x(t, xi)
    xcol, ycol = cols[xi], cols[yi]
    xv, yv = t.values[:, xi], t.values[:, yi]
    if technique == "spectrum":
        sig, main = t.name(xi, "x"), t.name(yi, "y")
        xattrs = {**free_units(xcol), "long_name": xcol.label if xcol else "x"}
        yattrs = {**free_units(ycol), "long_name": ycol.label if ycol else "y"}
        for c, a in ((xcol, xattrs), (ycol, yattrs)):
            if c is not None:
                a["original_name"] = c.raw
        scalar = {}
    else:
        sig, main = conv.signal.name, conv.main.name
        t.taken.update({sig, main})
        if technique == "xps" and xcol is not None and is_role(xcol.label, "kinetic"):
            raise ReadError(t.path, f"column {xcol.raw!r} is a kinetic energy; xps needs the "
                                    "binding energy (convert with the excitation energy first)")
        laser = _laser_wavelength(t.meta, laser_option) if technique == "raman" else None
        raman = (_raman_axis(t.path, xv, xcol, laser, raman_header.axis_unit(t.meta))
                 if technique == "raman" else None)
        xv, xattrs, _ = raman or convert_column(t.path, xv, xcol, conv.signal.units,
                                                conv.signal.name)
        xattrs = _quantity_attrs(conv.signal, xcol, xattrs)
        yv, yattrs, factor = convert_column(t.path, yv, ycol, conv.main.units,
                                            conv.main.name, relabel=True)
        yattrs = _quantity_attrs(conv.main, ycol, yattrs)
        scalar = ({"laser_wavelength": ((), laser, {"units": "nm", "long_name":
                                                    "Laser wavelength"})} if laser else {})
        if technique == "raman":
            scalar.update(raman_header.acquisition_scalars(t.meta))
    data_vars = {main: ((sig,), yv, yattrs),
                 **t.extras({xi, yi}, sig, main, yattrs, factor if technique != "spectrum" else 1)}
    if technique == "xrd":  # wavelength from the header, else the documented default
        from .xrd._build import wavelength_coords, wavelength_from_metadata

        scalar = {**scalar, **wavelength_coords(t.path, wavelength_from_metadata(t.meta),
                                                radiation=xrd_header.anode(t.meta),
                                                stacklevel=5)}
    ds = xr.Dataset(data_vars, coords={sig: ((sig,), xv, xattrs), **scalar})
    ds.attrs["technique"] = technique
    if technique == "spectrum":
        ds.attrs["signal_dim"] = sig
    return ds


def _build_sorption(t: _Table, x, y) -> "xr.Dataset":
    import xarray as xr

    cols = t.cols
    pi = resolve(t.path, x, cols, "x")
    if pi is None:
        pi = find(cols, "relative_pressure")
        pi = 0 if pi is None else pi
    ai = resolve(t.path, y, cols, "y")
    if ai is None:
        ai = find(cols, "amount", exclude=(pi,))
        ai = ai if ai is not None else next(j for j in range(len(cols)) if j != pi)
    distinct(t.path, cols, pi, ai)
    pcol, acol = cols[pi], cols[ai]
    if pcol is not None and canonical_unit(pcol.unit) in ("Pa", "kPa", "mbar", "bar", "torr",
                                                           "mmHg"):
        raise ReadError(t.path, f"column {pcol.raw!r} is an absolute pressure; sorption needs the "
                                "relative pressure p/p0 (pass x= to pick another column)")
    p, pattrs, _ = convert_column(t.path, t.values[:, pi], pcol, "1", "relative pressure")
    if np.nanmax(p) > 1.5:
        raise ReadError(t.path, f"column {pi + 1} has values up to {np.nanmax(p):g}: not a "
                                "relative pressure p/p0 (pass x= to pick the p/p0 column)")
    if acol is None or not acol.unit:
        warnings.warn(f"{t.path}: no unit for the adsorbed amount; assuming mmol/g",
                      stacklevel=4)
    amount, aattrs, _ = convert_column(t.path, t.values[:, ai], acol, "mmol/g",
                                       "amount adsorbed")
    conv = conventions.get("sorption")
    t.taken.update({"amount", "relative_pressure", "branch", "point"})
    branch = np.where(np.arange(len(p)) <= np.nanargmax(p), "adsorption", "desorption")
    coords = {
        "relative_pressure": (("point",), p, _quantity_attrs(conv.signal_coords[0], pcol,
                                                             pattrs)),
        "branch": (("point",), branch.astype(str), {"units": "", "long_name": "Branch"}),
    }
    data_vars = {"amount": (("point",), amount, _quantity_attrs(conv.main, acol, aattrs)),
                 **t.extras({pi, ai}, "point", "amount")}
    return xr.Dataset(data_vars, coords, attrs={"technique": "sorption"})


def _build_nanoindent(t: _Table, x, y) -> "xr.Dataset":
    import xarray as xr

    cols = t.cols
    di = resolve(t.path, x, cols, "x")
    di = di if di is not None else find(cols, "displacement")
    li = resolve(t.path, y, cols, "y")
    li = li if li is not None else find(cols, "load", exclude=(di,))
    if di is None and li is None:
        warnings.warn(f"{t.path}: no column header; assuming columns displacement (nm), "
                      "load (mN)", stacklevel=4)
    di = di if di is not None else next(j for j in range(len(cols)) if j != li)
    li = li if li is not None else next(j for j in range(len(cols)) if j != di)
    distinct(t.path, cols, di, li)
    ti = find(cols, "time", exclude=(di, li))
    si = find(cols, "segment", exclude=(di, li, ti))
    conv = conventions.get("nanoindent")
    disp, dattrs, _ = convert_column(t.path, t.values[:, di], cols[di], "nm",
                                     "displacement")
    load, lattrs, _ = convert_column(t.path, t.values[:, li], cols[li], "mN", "load")
    n = len(load)
    if ti is not None:
        time, tattrs, _ = convert_column(t.path, t.values[:, ti], cols[ti], "s", "time")
    else:                           # load-displacement only: time unknown, stated as NaN
        time, tattrs = np.full(n, np.nan), {"units": "s"}
    if si is not None:
        segment = np.array([f"{v:g}" for v in t.values[:, si]])
    else:
        segment = np.where(np.arange(n) <= np.nanargmax(load), "loading", "unloading")
    t.taken.update({"load", "displacement", "time", "segment", "point"})
    coords = {"time": (("point",), time, _quantity_attrs(conv.signal_coords[0], cols[ti]
                                                         if ti is not None else None, tattrs)),
              "segment": (("point",), segment.astype(str), {"units": "", "long_name": "Segment"})}
    used = {di, li} | ({ti} if ti is not None else set()) | ({si} if si is not None else set())
    data_vars = {"load": (("point",), load, _quantity_attrs(conv.variables[0], cols[li], lattrs)),
                 "displacement": (("point",), disp, _quantity_attrs(conv.variables[1], cols[di],
                                                                    dattrs)),
                 **t.extras(used, "point", "load")}
    return xr.Dataset(data_vars, coords, attrs={"technique": "nanoindent"})


# --------------------------------------------------------------------------- technique
def _infer_technique(t: _Table, lines, layout) -> str:
    """The technique the column header names; else the one the header lines (vendor keys, a
    laser line, an X-ray wavelength or anode) name; else XRD when the axis can only be 2θ;
    else ``"spectrum"``. Contradictory evidence (Raman and X-ray keys) gives ``"spectrum"``."""
    found = infer_technique(t.cols)
    if found != "spectrum":
        return found
    header_line = lines[layout.header[0]].strip() if layout.header else None
    raman = raman_header.vendor(t.meta, header_line)
    if (raman is not None and raman_header.axis_unit(t.meta) in ("nm", "eV")
            and raman_header.laser_wavelength(t.meta) is None):
        raman = None          # LabSpec emission/PL spectrum in nm or eV without a laser line
    xrd = xrd_header.metadata_evidence(t.meta) or xrd_header.column_evidence(t.cols)
    if raman or xrd:
        return "spectrum" if (raman and xrd) else "raman" if raman else "xrd"
    x = t.cols[0] if t.cols else None
    if x is not None and (role_of(x.label) or (x.unit and canonical_unit(x.unit) != "deg")):
        return "spectrum"     # a named quantity that is not an angle
    if t.values.shape[1] >= 2:
        why = xrd_header.axis_evidence(t.values[:, 0], t.values[:, 1])
        if why:
            warnings.warn(f"{t.path}: read as XRD without a header saying so: {why}; pass "
                          "technique= to read it otherwise", stacklevel=4)
            return "xrd"
    return "spectrum"


# --------------------------------------------------------------------------- sniff and reader
def _sniff(head: bytes, path: Path) -> bool:
    """Text whose extension we claim, or any text with >= 2 rows of >= 2 numeric columns."""
    try:
        text, _ = _source.decode(head, path)
    except ReadError:
        return False
    if _source.logical_suffix(path) in EXTENSIONS:
        return True
    lines = text.splitlines()
    if len(head) >= 8192:
        lines = lines[:-1]            # the last line may be cut
    return looks_tabular(lines)


@register_reader("delimited", extensions=EXTENSIONS, generic=True, sniff=_sniff,
                 description="Delimited text: two or more numeric columns of any technique")
def read_delimited(path, *, technique: str | None = None, x=None, y=None,
                   delimiter: str | None = None, decimal: str | None = None, skip_rows: int = 0,
                   laser_wavelength: float | None = None):
    """Read a delimited text export (two or more numeric columns) into a Dataset.

    Parameters
    ----------
    path : str or os.PathLike
        The file (``.gz``/``.bz2``/``.xz`` compressed files are read transparently).
    technique : str, optional
        Key of :data:`characterization.conventions.TABLE` naming the columns; inferred from
        the header when not given, falling back to ``"spectrum"``.
    x, y : int or str, optional
        Column (0-based index or header name) of the abscissa (signal axis; relative pressure
        for sorption, displacement for nanoindentation) and of the main variable.
    delimiter : str, optional
        Force the delimiter (``","``, ``";"``, ``"\\t"``, ``"whitespace"``, any string).
    decimal : {".", ","}, optional
        Force the decimal separator.
    skip_rows : int
        Lines at the top to ignore entirely (not even read as metadata).
    laser_wavelength : float, optional
        Laser wavelength (nm) for a Raman file whose x column is an absolute wavelength; read
        from a ``laser``/``excitation`` metadata line when not given.

    Returns
    -------
    xarray.Dataset
        Following the conventions of the technique; metadata lines as JSON in
        ``attrs["original_metadata"]``.

    Raises
    ------
    ReadError
        Empty, binary or text-only file, a single column, fewer than 2 data rows, ragged or
        non-numeric rows (naming the line), unknown or unconvertible units.

    Examples
    --------
    >>> ds = read_delimited("pattern.xy", technique="xrd")     # doctest: +SKIP
    >>> ds.intensity.sel(two_theta=slice(20, 30))              # doctest: +SKIP
    """
    path = Path(path)
    if technique is not None and technique not in conventions.TABLE:
        raise ReadError(path, f"unknown technique {technique!r}; known: "
                              f"{', '.join(conventions.TABLE)}")
    text, _ = _source.read_text(path)
    lines = split_lines(text)
    try:
        layout = detect(path, lines, int(skip_rows), delimiter, decimal)
    except ValueError as exc:
        if isinstance(exc, ReadError):
            raise
        raise ReadError(path, str(exc)) from None
    values = parse_fast(path, text, lines, layout)
    if values is None:
        values = parse_slow(path, lines, layout)
    if values.shape[0] < 2:
        raise ReadError(path, f"only {values.shape[0]} data row found; expected at least 2",
                        f"line {layout.start + 1}")
    cols = header_columns(lines, layout)
    table = _Table(path, values, cols, metadata(lines, layout), _source.logical_suffix(path))
    technique = technique or _infer_technique(table, lines, layout)
    if technique == "sorption":
        ds = _build_sorption(table, x, y)
    elif technique == "nanoindent":
        ds = _build_nanoindent(table, x, y)
    else:
        ds = _build_spectral(table, technique, x, y, laser_wavelength)
    ds.attrs["original_metadata"] = json.dumps(table.meta, ensure_ascii=False)
    return ds


# --------------------------------------------------------------------------- shared header
#: Techniques whose Dataset is built column by column (:func:`_build_spectral`): every
#: variable along the signal dim comes from exactly one column.
_COLUMNWISE = ("xrd", "raman", "xps", "exafs", "spectrum")
#: ``read`` options a :class:`SharedHeader` reproduces (anything else: no template).
_TEMPLATE_OPTIONS = {"format", "technique", "x", "y", "delimiter", "decimal", "skip_rows",
                     "laser_wavelength"}


class SharedHeader:
    """Read further exports that share one file's header without sniffing and building again.

    Built from a file read in full by :func:`characterization.read` (the *template*), it takes
    another file of the same extension whose text up to the numeric block is identical,
    character for character, to the template's (same metadata, column headers, units, hence
    the same reader, layout, technique and conversions) and whose numeric block has the same
    shape, parses only that block (numpy's C parser) and returns the values of the variables
    that are copies of a column. Everything else of the file's Dataset equals the template's:
    columns that a variable is derived from (a converted axis) must hold the template's exact
    values. The result is then what :func:`characterization.read` returns, except for
    ``source_file``; :meth:`dataset` builds that Dataset, and a batch runner stacks the rows
    directly.

    Anything that does not fit returns None from :meth:`read_row` (then read the file in full):
    another header, shape, signal axis, a NaN or a token numpy does not parse, a comment line
    in the block.

    Parameters
    ----------
    path : path
        The template file.
    ds : xarray.Dataset
        ``characterization.read(path, **options)``.
    options : dict
        The options it was read with.

    Attributes
    ----------
    ok : bool
        False when ``ds`` cannot serve as a template (another reader, a technique whose
        variables are not column copies, options it cannot reproduce, NaN values); then
        :meth:`read_row` always returns None.
    signal : str
        The signal dim.
    columns : dict
        Variable name -> column index, for the variables that are column copies.
    """

    def __init__(self, path, ds, options: dict):
        self.path = Path(path)
        self.dataset0 = ds
        self.ok = False
        self.columns: dict[str, int] = {}
        self.signal = None
        if (not hasattr(ds, "data_vars") or ds.attrs.get("reader") != "delimited"
                or ds.attrs.get("technique") not in _COLUMNWISE
                or not set(options) <= _TEMPLATE_OPTIONS
                or options.get("format") not in (None, "delimited")):
            return
        try:
            self._learn(options)
        except Exception:  # noqa: BLE001 - no template, files are read in full
            self.ok = False

    def _learn(self, options):
        ds, path = self.dataset0, self.path
        text, _ = _source.read_text(path)
        lines = split_lines(text)
        layout = detect(path, lines, int(options.get("skip_rows", 0)),
                        options.get("delimiter"), options.get("decimal"))
        values = parse_fast(path, text, lines, layout)
        if values is None or np.isnan(values).any() or ds.sizes.get(self._signal(ds)) != len(
                values):
            return
        sig = self._signal(ds)
        offset = sum(map(len, lines[:layout.start]))
        end = len(text) - sum(map(len, lines[layout.stop:]))
        one_d = [n for n in list(ds.coords) + list(ds.data_vars) if ds[n].dims == (sig,)]
        columns, used = {}, set()
        for name in one_d:
            v = ds[name].values
            if v.dtype != np.float64:
                continue
            match = [j for j in range(values.shape[1]) if np.array_equal(values[:, j], v)]
            if len(match) > 1:
                return                               # ambiguous: two equal columns
            if match:
                if match[0] in used:
                    return
                columns[name] = match[0]
                used.add(match[0])
        if sig in columns:                           # the axis is fixed by the stacking
            self.axis_column = columns.pop(sig)
        else:
            self.axis_column = None
        if not columns:
            return
        self.fixed = [j for j in range(values.shape[1]) if j not in columns.values()]
        self.layout, self.values = layout, values
        self.prefix, self.suffix = text[:offset], text[end:]
        self.suffix_ext = (_source.logical_suffix(path), _source.compression_suffix(path))
        self.marks = "#%/" + ("" if layout.delimiter == ";" else ";")
        self.columns, self.signal, self.ok = columns, sig, True

    @staticmethod
    def _signal(ds):
        tech = ds.attrs.get("technique")
        if tech in conventions.TABLE and tech != "spectrum":
            return conventions.TABLE[tech].signal.name
        return ds.attrs.get("signal_dim")

    def read_row(self, path) -> dict | None:
        """``{variable: values}`` of the column-copy variables of ``path``, or None when the
        file is not read like the template (read it in full then). Raises ReadError only
        for a file that cannot be read at all (missing, over the byte budget)."""
        if not self.ok:
            return None
        path = Path(path)
        if (_source.logical_suffix(path), _source.compression_suffix(path)) != self.suffix_ext:
            return None
        text, _ = _source.read_text(path)
        if not text.startswith(self.prefix) or not text.endswith(self.suffix):
            return None
        block = text[len(self.prefix):len(text) - len(self.suffix)]
        if any(c in block for c in self.marks):
            return None                              # comment lines or odd tokens: in full
        arr = _parse_numpy(block, self.layout)
        if arr is None or arr.shape != self.values.shape or np.isnan(arr).any():
            return None
        if not np.array_equal(arr[:, self.fixed], self.values[:, self.fixed]):
            return None                              # another axis or derived column
        return {name: arr[:, j] for name, j in self.columns.items()}

    def dataset(self, row: dict, path):
        """The Dataset :func:`characterization.read` gives for the file ``row`` came from."""
        ds = self.dataset0.copy(deep=False)
        coords = {n: ds[n].variable.copy(data=v) for n, v in row.items() if n in ds.coords}
        for name, values in row.items():
            if name not in coords:
                ds[name] = ds[name].variable.copy(data=values)
        return ds.assign_coords(coords).assign_coords(source_file=str(Path(path)))
