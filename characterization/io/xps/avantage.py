"""Thermo Avantage CSV (and Excel) exports of XPS regions (with fit components).

Layout (inferred from the exports in the test data; Avantage documents no format): optional
empty rows, then a ``Characteristic Energy eV,<hν>,Acquisition Time s,<t>`` row, then a header
``BE_<region>, CPS_<region>, <component>_<region>..., Background_<region>,
Envelope_<region>`` and one row per point. The component and envelope columns **include the
background**: this reader stores the bare components (column − background) so that
``components.sum("component") + background == envelope``. ``CPS × acquisition time`` is the
integer count per point (checked), kept as ``counts`` so Poisson weights are exact.

Our own parser: we found no open reader of this table that keeps the component, background
and envelope columns and recovers the counts. Delimiter ``,`` (or ``;``/tab with decimal
commas); any encoding :mod:`characterization.io._source` decodes. The Excel export
(:func:`read_avantage_xlsx`) is read as the same table, one region per sheet.
"""

from __future__ import annotations

import re
import zipfile

import numpy as np

from ...errors import ReadError
from .._registry import register_reader
from . import _text
from ._build import build_region, integer_counts, to_tree

_KEY = "Characteristic Energy eV"


def _sniff(head: bytes, path) -> bool:
    text = _text.head_text(head)
    return _KEY in text and re.search(r"(^|[\n,;\t])BE_", text) is not None


def _pairs(fields):
    """``key, value, key, value`` fields as a dict of floats (decimal comma tolerated)."""
    out = {}
    for k, v in zip(fields[0::2], fields[1::2]):
        k = k.strip()
        if k:
            try:
                out[k] = float(v.strip().replace(",", "."))
            except ValueError:
                out[k] = v.strip()
    return out


@register_reader("avantage_csv", extensions=(".csv", ".txt"), sniff=_sniff, technique="xps",
                 description="Thermo Avantage CSV export of XPS regions with fit components")
def read_avantage_csv(path):
    """Read a Thermo Avantage CSV export (one or several regions side by side).

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        One node per ``BE_<region>`` column group, following the ``"xps"`` conventions:
        ``intensity`` (count/s, the CPS column), ``counts`` (count, CPS × acquisition time,
        rounded: the check that it is integer-valued to 1e-3 relative is part of the read),
        ``components`` (count/s; dims ``component``, ``binding_energy``; column minus
        background), ``background`` and ``envelope`` (count/s, as in the file: envelope
        includes the background). Scalar coordinates ``excitation_energy``, ``region``,
        ``dwell_time`` (the acquisition time per point).

    Raises
    ------
    ReadError
        No ``Characteristic Energy`` row, no ``BE_`` column, rows of the wrong width. (CPS ×
        time far from integers is not an error: the region then has no ``counts``.)

    Examples
    --------
    >>> import characterization as ch
    >>> si = ch.read("sample_Si_2p.csv", region="Si 2p 7")        # doctest: +SKIP
    """
    return to_tree(path, _parse(path, _text.lines_of(path)))


def _parse(path, lines, where=""):
    """Region Datasets of the Avantage table in ``lines`` (``where`` names a sheet)."""
    k = next((i for i, line in enumerate(lines) if line.lstrip().startswith(_KEY)), None)
    if k is None or k + 1 >= len(lines):
        raise ReadError(path, f"{where}no {_KEY!r} row followed by a column header")
    delim = _text.delimiter_of(lines[k + 1]) or ","
    meta = _pairs(_text.split(lines[k], delim))
    hv, acq = meta.get(_KEY), meta.get("Acquisition Time s")
    header = [h.strip() for h in _text.split(lines[k + 1], delim)]
    while header and not header[-1]:
        header.pop()
    starts = [i for i, h in enumerate(header) if h.startswith("BE_")]
    if not starts:
        raise ReadError(path, f"{where}column header has no BE_<region> column",
                        f"line {k + 2}")
    data, _ = _text.table(path, lines, k + 2, len(header), delim,
                          what=f"{where}Avantage table")
    out = []
    for j, s in enumerate(starts):
        e = starts[j + 1] if j + 1 < len(starts) else len(header)
        region = header[s][3:]
        cols = {h: data[:, i] for i, h in zip(range(s, e), header[s:e])}
        cps = cols.get(f"CPS_{region}")
        if cps is None:
            raise ReadError(path, f"region {region!r}: no CPS_{region} column")
        keep = np.isfinite(cols[header[s]])
        x = cols[header[s]][keep]
        variables, comps, names = {}, [], []
        bg = cols.get(f"Background_{region}")
        for h, v in cols.items():
            if h in (header[s], f"CPS_{region}"):
                continue
            if h == f"Background_{region}":
                variables["background"] = (v[keep], "count/s", "Background")
            elif h == f"Envelope_{region}":
                variables["envelope"] = (v[keep], "count/s", "Envelope (with background)")
            else:
                label = h[:-len(region) - 1] if h.endswith("_" + region) else h
                names.append(label)
                comps.append(v[keep] - (bg[keep] if bg is not None else 0.0))
        counts = integer_counts(cps[keep], acq if isinstance(acq, float) else None)
        coords = {}
        extra = {}
        if comps:
            coords["component"] = (("component",), np.array(names), None, "Fit component")
        ds = build_region(path, intensity=cps[keep], counts=counts, energy=x,
                          excitation_energy=hv if isinstance(hv, float) else None,
                          region=region, variables=variables, coords=coords,
                          scalars={"dwell_time": acq if isinstance(acq, float) else None},
                          original_metadata={"header": meta, "columns": header[s:e]},
                          attrs={"components_note": "components are file columns minus the "
                                 "background; envelope and background as in the file"}
                          if comps else None)
        if comps:
            ds["components"] = (("component", "binding_energy"), np.array(comps),
                                {"units": "count/s", "long_name": "Fit component "
                                 "(background subtracted)"})
        ds.attrs.update(extra)
        out.append(ds)
    return out


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v).replace("\t", " ")


def _sniff_xlsx(head: bytes, path) -> bool:
    if not head.startswith(b"PK\x03\x04") or b"xl/" not in head:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            strings = zf.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names \
                else b""
            strings += b"".join(zf.read(n) for n in names if n.startswith("xl/worksheets/")
                                and n.endswith(".xml"))[:4_000_000]
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    return _KEY.encode() in strings and b"BE_" in strings


@register_reader("avantage_xlsx", extensions=(".xlsx",), sniff=_sniff_xlsx, technique="xps",
                 description="Thermo Avantage Excel export of XPS regions (one per sheet)")
def read_avantage_xlsx(path):
    """Read a Thermo Avantage Excel export: the CSV table of :func:`read_avantage_csv` on
    each sheet that holds one.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` workbook (checked against the zip byte budget before it is opened).

    Returns
    -------
    xarray.DataTree
        One node per region over all sheets, as :func:`read_avantage_csv` gives.

    Raises
    ------
    ReadError
        No sheet with a ``Characteristic Energy`` row, or any error of the table.

    Notes
    -----
    The workbook layout is assumed to be the CSV table, one region per sheet (Avantage writes
    the same table to both); no genuine Avantage workbook is among the test files, so the
    tests check a workbook written from the real CSV exports.
    """
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for ws in wb.worksheets:
            lines = ["\t".join(_cell(v) for v in row) for row in ws.iter_rows(values_only=True)]
            if any(line.lstrip().startswith(_KEY) for line in lines):
                out += _parse(path, lines, where=f"sheet {ws.title!r}: ")
    finally:
        wb.close()
    if not out:
        raise ReadError(path, f"no sheet holds an Avantage table (a {_KEY!r} row)")
    return to_tree(path, out)
