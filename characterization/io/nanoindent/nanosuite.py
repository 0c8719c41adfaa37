"""KLA/Agilent/MTS NanoSuite ``.xls`` and KLA InView ``.xlsx`` nanoindentation workbooks.

Both are read with python-calamine (Rust; BIFF and OOXML), which reads the InView example
``FusedSilica.xlsx`` several times faster than openpyxl through pandas (docs/nanoindent_readers.md
gives the measurement).

Layout. A *test sheet* is any sheet whose first row names a load column (``Load On Sample`` or
``Load``), a displacement column (``Displacement Into Surface`` or ``Depth``) and a time column
(``Time On Sample`` or ``Time``), whatever the sheet is called (MTS files hold tests on sheets
named ``Feuil5``...); its second row gives the units; its first column (``Segment`` /
``Markers``) carries the vendor's markers. Table sheets (``Results``, ``Required Inputs``,
``Inputs Editable Post Test``, InView ``Pre-Test Inputs``, ``Post-Test Inputs``,
``Cycles-GroupedByTest``) give per-test values keyed by test number.

Markers -> ``segment`` (the label holds until the next marker):

=========================================  ==========================================
NanoSuite / MTS                            segment
=========================================  ==========================================
Load Segment Type, Surface Marker          loading
Hold Segment Type                          hold
Unload From Peak Segment Type,             unloading
Unloading Marker
Thermal Drift Hold Segment (Type)          drift_hold
Cycle Begin Marker k / Cycle Unload        loading / unloading, ``cycle`` = k
Marker k
=========================================  ==========================================

InView: Surface Index -> loading, End Of Loading Index -> hold, End Of Hold At Load Index ->
unloading, Begin Drift Data Index -> drift_hold, End Drift Data Index -> unloading; points
before the surface are ``approach``. InView marks only the *last* cycle of a multi-cycle test,
so with more than one loading cycle (``Number of Loading Cycles``) the points between the
surface and the end of the last loading are left ``""`` (unknown) rather than called loading.
Every marker is also kept verbatim in the ``marker`` coordinate.
"""

from __future__ import annotations

import re
import zipfile

import numpy as np

from ...errors import ReadError
from .. import _safe_archive, _source
from .._registry import register_reader
from . import _build, _tables

_LOAD = ("load on sample", "load")
_DISP = ("displacement into surface", "depth")
_TIME = ("time on sample", "time")
_CSM = {"harmonic contact stiffness": "stiffness", "hardness": "hardness",
        "modulus": "modulus"}

_MARKERS = [  # (pattern, segment from that point on; a group captures the cycle number)
    (r"load segment type", "loading"), (r"surface marker", "loading"),
    (r"hold segment type", "hold"), (r"unload from peak segment type", "unloading"),
    (r"unloading marker", "unloading"), (r"thermal drift hold segment(?: type)?", "drift_hold"),
    (r"cycle begin marker (\d+)", "loading"), (r"cycle unload marker (\d+)", "unloading"),
    (r"surface index", "loading"), (r"end of loading index", "hold"),
    (r"end of hold at load index", "unloading"), (r"begin drift data index", "drift_hold"),
    (r"end drift data index", "unloading"),
]
_MARKERS = [(re.compile(p), lab) for p, lab in _MARKERS]


def _workbook(path):
    try:
        import python_calamine
    except ImportError as exc:  # declared dependency; a broken install is a clear ReadError
        raise ReadError(path, "python-calamine is required to read nanoindentation workbooks "
                              "(pip install python-calamine)") from exc
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise ReadError(path, f"not a readable Excel workbook ({type(exc).__name__}: {exc})"
                        ) from None


def _rows(wb, name, path):
    try:
        return wb.get_sheet_by_name(name).to_python()
    except Exception as exc:  # noqa: BLE001
        raise ReadError(path, f"sheet {name!r} cannot be read ({type(exc).__name__}: {exc})"
                        ) from None


def _find(labels, names):
    for j, lab in enumerate(labels):
        if _tables.norm(lab) in names:
            return j
    return None


def _data_header(rows):
    """(header index, load, displacement, time columns) of a test sheet, or None."""
    for i, r in enumerate(rows[:10]):
        labels = [str(c) for c in r]
        cols = [_find(labels, n) for n in (_LOAD, _DISP, _TIME)]
        if all(c is not None for c in cols):
            return (i, *cols)
    return None


def _segments(markers, n_cycles):
    """``segment`` labels (and cycle numbers, or None) from the marker of each point."""
    seg, cyc, label, cycle = [], [], "", 0
    for m in markers:
        if m:
            text = _tables.norm(m)
            for pat, lab in _MARKERS:
                hit = pat.fullmatch(text)
                if hit:
                    label = lab
                    if hit.groups():
                        cycle = int(hit.group(1))
                    break
        seg.append(label)
        cyc.append(cycle)
    first = next((i for i, m in enumerate(markers) if m and _tables.norm(m) == "surface index"),
                 None)
    if first is not None:                      # InView
        seg[:first] = ["approach"] * first
        if n_cycles and n_cycles > 1:
            seg = ["" if s == "loading" else s for s in seg]
    return seg, (cyc if any(cyc) else None)


def _test(rows, name, path, n_cycles=None):
    found = _data_header(rows)
    if found is None:
        return None
    h, jl, jd, jt = found
    labels = [str(c).strip() for c in rows[h]]
    units = [_tables.unit_text(c) for c in rows[h + 1]] if h + 1 < len(rows) else []
    units += [""] * (len(labels) - len(units))
    body = rows[h + 2:]
    width = len(labels)
    body = [list(r) + [""] * (width - len(r)) for r in body]
    load = _build.clean([r[jl] for r in body])
    disp = _build.clean([r[jd] for r in body])
    keep = ~(np.isnan(load) & np.isnan(disp))
    if not keep.any():
        raise ReadError(path, f"sheet {name!r} holds no numeric load/displacement data")
    markers = [str(r[0]).strip() if isinstance(r[0], str) else "" for r in body]
    idx = np.flatnonzero(keep)
    # a marker on a dropped (empty) row moves to the next kept row
    marks = [""] * len(idx)
    pos = np.searchsorted(idx, np.arange(len(body)))
    for i, m in enumerate(markers):
        if m and pos[i] < len(idx):
            marks[pos[i]] = m if not marks[pos[i]] else marks[pos[i]] + "; " + m
    seg, cyc = _segments([m.split("; ")[-1] if m else "" for m in marks], n_cycles)
    lf = _build.factor("load", units[jl] or "mN", path)
    df = _build.factor("displacement", units[jd] or "nm", path)
    tf = _build.factor("time", units[jt] or "s", path)
    extra = {}
    for j, lab in enumerate(labels):
        if j in (0, jl, jd, jt) or not lab:
            continue
        key = _CSM.get(_tables.norm(lab), _build.snake(lab))
        if key in ("load", "displacement", "time", "segment", "marker", "cycle"):
            key = "raw_" + key
        values = _build.clean([r[j] for r in body])[keep]
        if np.isnan(values).all() and not any(isinstance(r[j], str) and r[j] for r in body):
            continue
        extra[key] = (values, _tables.unit_text(units[j]))
    ds = _build.test_dataset(load[keep] * lf, disp[keep] * df,
                             _build.clean([r[jt] for r in body])[keep] * tf,
                             segment=seg, cycle=cyc, extra=extra, path=path,
                             original_units={"load": units[jl], "displacement": units[jd],
                                             "time": units[jt]})
    return ds.assign_coords(marker=("point", np.array(marks, dtype=str)))


def _test_number(name):
    m = re.search(r"(\d+)\s*$", name)
    return int(m.group(1)) if m and re.match(r"\s*test", name, re.IGNORECASE) else None


def _read_workbook(path, indent, kind):
    wb = _workbook(path)
    names = list(wb.sheet_names)
    tables, per_cycle, text = {}, {}, {}
    meta = {"sheets": names}
    sheets = {name: _rows(wb, name, path) for name in names}
    for name in names:
        rows = sheets[name]
        if not rows or _data_header(rows) is not None:
            continue
        cols, tests, cycles, texts = _tables.parse_table(rows)
        if not cols:
            continue
        meta[name] = {"columns": [f"{c} [{u}]" for c, u in cols], "values": tests,
                      "text": texts}
        if cycles:
            meta[name]["cycles"] = cycles
            if not per_cycle or _tables.norm(name) == "cycles-groupedbytest":
                per_cycle = {"sheet": name, "columns": cols, "values": cycles}
        tables[name] = (cols, tests)
        for t, d in texts.items():
            text.setdefault(t, {}).update(d)
    n_cycles_of = {}
    for cols, tests in tables.values():
        for lab, _ in cols:
            if _tables.INPUTS.get(_tables.norm(lab), ("",))[0] == "n_cycles":
                for t, vals in tests.items():
                    n_cycles_of[t] = vals.get(lab)
    tests, tnames, numbers = [], [], []
    for name in names:
        rows = sheets.pop(name)
        num = _test_number(name)
        ds = _test(rows, name, path, n_cycles_of.get(num))
        if ds is None:
            continue
        tests.append(ds)
        tnames.append(name)
        numbers.append(num)
    if not tests:
        raise ReadError(path, "no test sheet found: expected sheets whose first row names "
                              "'Load On Sample'/'Load', 'Displacement Into Surface'/'Depth' "
                              f"and a time column (sheets: {', '.join(names)})")
    order = sorted(range(len(tests)), key=lambda i: (numbers[i] is None, numbers[i] or 0, i))
    tests = [tests[i] for i in order]
    tnames = [tnames[i] for i in order]
    numbers = [numbers[i] for i in order]
    vendor, per_indent, area = {}, {}, None
    for sheet, (cols, values) in tables.items():
        results = _tables.norm(sheet) == "results"
        for lab, unit in cols:
            col = [values.get(n, {}).get(lab, np.nan) if n is not None else np.nan
                   for n in numbers]
            if np.isnan(col).all():
                continue
            inp = _tables.INPUTS.get(_tables.norm(lab))
            if inp is not None:
                per_indent[inp[0]] = (col, unit if unit != "1" else inp[1])
            elif re.fullmatch(r"area coefficient \d+", _tables.norm(lab)):
                continue
            elif results:
                vendor[_tables.vendor_name(lab)] = (col, unit)
    for sheet, (cols, values) in tables.items():
        labs = [lab for lab, _ in cols if re.fullmatch(r"area coefficient \d+",
                                                       _tables.norm(lab))]
        if labs:
            first = next((n for n in numbers if n in values), None)
            if first is not None:
                area = [float(values[first][lab]) for lab in labs]
    if per_cycle:
        nc = max((max(c) for c in per_cycle["values"].values()), default=0)
        for lab, unit in per_cycle["columns"]:
            arr = np.full((len(tests), nc), np.nan)
            for i, n in enumerate(numbers):
                for c, vals in per_cycle["values"].get(n, {}).items():
                    arr[i, c - 1] = vals.get(lab, np.nan)
            if not np.isnan(arr).all():
                name = "vendor_cycle_" + _tables.vendor_name(lab)[len("vendor_"):]
                vendor[name] = (arr, unit, "vendor_cycle")
    tips = {text.get(n, {}).get("Tip Name") for n in numbers} - {None}
    attrs = {"original_metadata": _build.to_json(meta), "instrument_software": kind}
    if area is not None:
        attrs["area_coefficients"] = area
        attrs["area_function"] = ("A = C0 h^2 + C1 h + C2 h^(1/2) + C3 h^(1/4) + ..., h in nm, "
                                  "A in nm^2 (NanoSuite convention)")
    for t in tests:
        if len(tips) == 1:
            t.coords["tip"] = next(iter(tips))
    if len(tips) > 1:
        per_tip = [text.get(n, {}).get("Tip Name", "") for n in numbers]
    ds = _build.stack(tests, tnames, vendor=vendor, per_indent=per_indent, attrs=attrs,
                      path=path)
    if len(tips) > 1:
        ds = ds.assign_coords(tip=("indent", np.array(per_tip, dtype=str)))
    if "vendor_cycle" in ds.dims:
        ds = ds.assign_coords(vendor_cycle=np.arange(1, ds.sizes["vendor_cycle"] + 1))
        ds["vendor_cycle"].attrs["units"] = "1"
    return _build.select(ds, indent, path)


_KEYS = ("Displacement Into Surface", "Load On Sample")


def _holds(data: bytes, text: str) -> bool:
    """``text`` in BIFF bytes, stored one byte per character or as UTF-16LE."""
    return text.encode("latin-1") in data or text.encode("utf-16-le") in data


def _sniff_xls(head, path):
    if head[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return False
    data = _source.read_bytes(path, limit=4 << 20)
    return all(_holds(data, k) for k in _KEYS)


def _sniff_xlsx(head, path):
    if head[:4] != b"PK\x03\x04" or b"xl/" not in head:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            members = _safe_archive.checked_members(path, zf)
            info = members.get("xl/sharedStrings.xml")
            if info is None:
                return False
            strings = _safe_archive.read_member(path, zf, info)
    except (OSError, zipfile.BadZipFile, ValueError, ReadError):
        return False
    return (b"Surface Index" in strings or all(k.encode() in strings for k in _KEYS)
            or (b">Markers<" in strings and b">Depth<" in strings))


@register_reader("nanosuite_xls", extensions=(".xls",), sniff=_sniff_xls, technique="nanoindent",
                 description="KLA/Agilent/MTS NanoSuite nanoindentation workbook (.xls)")
def read_nanosuite_xls(path, indent=None):
    """Read a KLA/Agilent/MTS NanoSuite ``.xls`` nanoindentation workbook.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook (BIFF ``.xls``, an OLE2 container).
    indent : int or str, optional
        One test: its 0-based position (tests are ordered by their sheet number) or its sheet
        name (``"Test 003"``). Default: every test, stacked along ``indent``.

    Returns
    -------
    xarray.Dataset
        Technique ``"nanoindent"`` (see :mod:`characterization.io.nanoindent._build`): ``load``
        (mN), ``displacement`` (nm), coordinates ``time``, ``segment``, ``marker`` (and
        ``cycle`` for "Cycle Begin Marker k" files); CSM channels ``stiffness`` (N/m, from
        Harmonic Contact Stiffness), ``hardness`` and ``modulus`` (GPa) and every other column
        under its snake-case name with the units of the sheet; per-test inputs
        ``sample_poisson_ratio``, ``x``/``y`` (µm), ``frame_stiffness_correction`` (N/m),
        ``drift_correction_enabled`` as coordinates; the Results sheet as ``vendor_*`` variables
        on ``indent`` (``vendor_modulus``, ``vendor_hardness`` in GPa, ``vendor_drift_rate``
        in nm/s...) and per-cycle results as ``vendor_cycle_*`` on ``(indent, vendor_cycle)``;
        ``tip`` from "Tip Name"; ``attrs["area_coefficients"]`` when the file lists them.

    Raises
    ------
    ReadError
        Not a workbook, no test sheet, unknown units, a sheet without data, ``indent`` not in
        the file.

    Notes
    -----
    The vendor's "no value" sentinel (1.797e308) is read as NaN; rows without load and
    displacement (the "END" row) are dropped, their marker moved to the next kept row. Tests
    on sheets not named "Test N" (MTS ``Feuil`` sheets) come after the numbered ones.

    References
    ----------
    Keysight/Agilent NanoSuite and MTS TestWorks 4 "Export to Excel" output as found in the
    micromechanics and PopIn example files (MANIFEST of the shared test data).
    """
    return _read_workbook(path, indent, "NanoSuite")


@register_reader("inview_xlsx", extensions=(".xlsx",), sniff=_sniff_xlsx, technique="nanoindent",
                 description="KLA InView nanoindentation workbook (.xlsx)")
def read_inview_xlsx(path, indent=None):
    """Read a KLA InView ``.xlsx`` nanoindentation workbook.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook (its zip members are checked against the byte budget before opening).
    indent : int or str, optional
        One test: its 0-based position or sheet name (``"Test 3"``). Default: all tests
        stacked along ``indent``.

    Returns
    -------
    xarray.Dataset
        As :func:`read_nanosuite_xls`; InView markers (Surface Index, End Of Loading Index...)
        give the ``segment`` labels of the module docstring; ``Cycles-GroupedByTest`` gives
        ``vendor_cycle_max_load``, ``vendor_cycle_stiffness`` (N/m), ``vendor_cycle_modulus``,
        ``vendor_cycle_hardness`` (GPa)...; Results ``X_Position``/``Y_Position`` the ``x``/``y``
        coordinates (µm).

    Raises
    ------
    ReadError
        As :func:`read_nanosuite_xls`.

    Notes
    -----
    The per-cycle vendor values of the example files are computed with the tip area function
    the operator had loaded; check it before using them as a reference.
    """
    return _read_workbook(path, indent, "InView")
