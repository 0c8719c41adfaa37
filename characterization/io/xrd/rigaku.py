"""Rigaku readers: ``.ras`` text (SmartLab / Ultima) and ``.rasx`` zip containers.

Written here: the Python readers available (xrayutilities' RASFile, readers in GUI packages)
pull in large dependencies or read only the first scan. These parsers are small and strict.

RAS (latin-1 text, ``.ras.gz/.bz2/.xz`` read through :mod:`._source`): every
``*RAS_HEADER_START … *RAS_HEADER_END *RAS_INT_START … *RAS_INT_END`` block is one scan; several
scans are stacked on a ``range`` dim (never dropped). Header lines are ``*KEY "value"``. Data rows
are ``2θ  intensity  attenuation-factor``; the intensity stored is ``intensity × attenuation``
(Rigaku's stated correction; the factor is kept as ``attenuation_factor`` when it is not all 1).
Wavelengths come from ``*HW_XG_WAVE_LENGTH_ALPHA1/ALPHA2/BETA``, the anode from
``*HW_XG_TARGET_NAME``; the counting time per step is ``step / speed`` for continuous scans in
deg/min (``speed`` itself when the unit is seconds, i.e. step scans).

RASX (zip): ``Data{i}/Profile{j}.txt`` (tab-separated 2θ, intensity, attenuation) with
``Data{i}/MesurementConditions{j}.xml`` (sic). Member names are checked (no absolute path, no
``..``), members are read within the byte budget of :data:`characterization.io.LIMITS`, and
the XML is parsed refusing any DOCTYPE/ENTITY (no entity expansion).
"""

from __future__ import annotations

import re
import zipfile

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import build_xrd, stack_ranges
from .._safe_archive import checked_members, parse_xml_safe, read_member
from .xrdml import _child, _local, _text


_INT_UNITS = {"counts": "count", "count": "count", "cps": "count/s", "counts/s": "count/s"}


def _counting_time(step, speed, speed_unit):
    try:
        step, speed = float(step), float(speed)
    except (TypeError, ValueError):
        return None
    unit = (speed_unit or "").strip().lower()
    if unit in ("deg/min", "°/min") and speed > 0:
        return abs(step) / speed * 60.0
    if unit in ("deg/s", "°/s") and speed > 0:
        return abs(step) / speed
    if unit in ("s", "sec", "second", "seconds"):
        return speed
    return None


def _check_axis(path, axis, where):
    if axis and "twotheta" not in axis.replace("-", "").replace("_", "").lower() \
            and "2theta" not in axis.replace("-", "").lower():
        raise ReadError(path, f"scan axis is {axis!r}; expected a 2θ scan (TwoTheta…)", where)


def _float_or_none(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------- RAS
def _sniff_ras(head: bytes, path) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return h.startswith((b"*RAS_DATA_START", b"*RAS_HEADER_START"))


_HEADER_LINE = re.compile(r'^\*([^\s"]+)\s*(?:"(.*)"|(.*))\s*$')


def _ras_rows(path, lines, first_line):
    rows = []
    for k, line in enumerate(lines):
        parts = line.replace(",", " ").split()
        if not parts:
            continue
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            raise ReadError(path, f"data row {line.strip()[:60]!r}; expected numbers "
                                  "(2θ intensity [attenuation])",
                            f"line {first_line + k}") from None
        if len(vals) < 2:
            raise ReadError(path, "data row with one column; expected 2θ and intensity",
                            f"line {first_line + k}")
        rows.append(vals[:3] if len(vals) >= 3 else vals + [1.0])
    return np.array(rows, dtype=float).reshape(-1, 3)


@register_reader("rigaku_ras", extensions=(".ras",), sniff=_sniff_ras, technique="xrd",
                 description="Rigaku RAS text (multi-scan)")
def read_ras(path, *, wavelength: float | None = None):
    """Read a Rigaku ``.ras`` file; every scan is kept (``range`` dim when several).

    Parameters
    ----------
    wavelength : float, optional
        Kα1 in Å, overriding ``*HW_XG_WAVE_LENGTH_ALPHA1``.
    """
    text = _source.read_bytes(path).decode("latin-1")
    lines = text.splitlines()
    ranges = []
    i, n = 0, len(lines)
    scan_no = 0
    while i < n:
        s = lines[i].strip()
        if s != "*RAS_HEADER_START":
            if s.startswith("*RAS_INT_START"):
                raise ReadError(path, "*RAS_INT_START without a preceding *RAS_HEADER_START",
                                f"line {i + 1}")
            i += 1
            continue
        scan_no += 1
        where = f"scan {scan_no}"
        header = {}
        i += 1
        while i < n and lines[i].strip() != "*RAS_HEADER_END":
            m = _HEADER_LINE.match(lines[i].strip())
            if m:
                header[m.group(1)] = (m.group(2) if m.group(2) is not None
                                      else (m.group(3) or "")).strip()
            i += 1
        if i >= n:
            raise ReadError(path, f"{where}: *RAS_HEADER_END missing (truncated file)",
                            f"line {n}")
        i += 1
        while i < n and not lines[i].strip():
            i += 1
        if i >= n or lines[i].strip() != "*RAS_INT_START":
            raise ReadError(path, f"{where}: expected *RAS_INT_START after *RAS_HEADER_END",
                            f"line {i + 1}")
        i += 1
        start = i
        while i < n and not lines[i].strip().startswith("*RAS_INT_END"):
            if lines[i].lstrip().startswith("*"):
                raise ReadError(path, f"{where}: {lines[i].strip()[:40]!r} inside the data; "
                                      "expected *RAS_INT_END", f"line {i + 1}")
            i += 1
        if i >= n:
            raise ReadError(path, f"{where}: *RAS_INT_END missing (truncated file?)",
                            f"line {n}")
        data = _ras_rows(path, lines[start:i], start + 1)
        i += 1
        declared = _float_or_none(header.get("MEAS_DATA_COUNT"))
        if declared is not None and int(declared) != len(data):
            raise ReadError(path, f"{where}: {len(data)} data rows but *MEAS_DATA_COUNT says "
                                  f"{int(declared)} (truncated file?)", f"line {start}")
        _check_axis(path, header.get("MEAS_SCAN_AXIS_X_INTERNAL")
                    or header.get("MEAS_SCAN_AXIS_X"), where)
        unit_x = header.get("MEAS_SCAN_UNIT_X", "deg").lower()
        if unit_x not in ("deg", "degree", "°"):
            raise ReadError(path, f"{where}: x unit {unit_x!r}; expected deg")
        unit_y_raw = header.get("MEAS_SCAN_UNIT_Y", "counts")
        y_units = _INT_UNITS.get(unit_y_raw.strip().lower())
        if y_units is None:
            raise ReadError(path, f"{where}: intensity unit {unit_y_raw!r}; expected counts "
                                  "or cps")
        ranges.append(_build(path, data, "rigaku_ras", wavelength, y_units,
                             alpha1=header.get("HW_XG_WAVE_LENGTH_ALPHA1"),
                             alpha2=header.get("HW_XG_WAVE_LENGTH_ALPHA2"),
                             beta=header.get("HW_XG_WAVE_LENGTH_BETA"),
                             target=header.get("HW_XG_TARGET_NAME"),
                             ctime=_counting_time(header.get("MEAS_SCAN_STEP"),
                                                  header.get("MEAS_SCAN_SPEED"),
                                                  header.get("MEAS_SCAN_SPEED_UNIT")),
                             sample=header.get("FILE_SAMPLE"),
                             meta={"format": "Rigaku RAS", "scan": scan_no, **header}))
    if not ranges:
        raise ReadError(path, "no *RAS_HEADER_START block; expected a Rigaku RAS file")
    return stack_ranges(path, ranges)


def _build(path, data, reader, wavelength, y_units, *, alpha1, alpha2, beta, target, ctime,
           sample, meta):
    x, counts, att = data[:, 0], data[:, 1], data[:, 2]
    extra_vars, extra_coords = {}, {}
    if not np.all(att == 1.0):
        extra_vars["attenuation_factor"] = ("two_theta", att, {
            "units": "1", "long_name": "Attenuation factor (applied to intensity)"})
    if sample and sample.strip():
        extra_coords["sample"] = ((), sample.strip(), {"long_name": "Sample"})
    a1 = _float_or_none(alpha1)
    return build_xrd(path, x, counts * att, reader=reader,
                     wavelength=wavelength if wavelength is not None else a1,
                     wavelength_alpha2=_float_or_none(alpha2), alpha2_ratio=None,
                     wavelength_beta=_float_or_none(beta), radiation=target,
                     intensity_units=y_units, counting_time=ctime, metadata=meta,
                     extra_coords=extra_coords, extra_vars=extra_vars)


# --------------------------------------------------------------------------------------- RASX
def _sniff_rasx(head: bytes, path) -> bool:
    return head.startswith(b"PK\x03\x04") and (b"/Profile" in head
                                               or b"MesurementConditions" in head)


_PROFILE = re.compile(r"^Data(\d+)/Profile(\d+)\.txt$", re.IGNORECASE)


def _member(path, zf, infos, name):
    return read_member(path, zf, infos[name])


def _conditions(path, data, name):
    root = parse_xml_safe(data, path, f"{name}")
    out = {}
    gi = _child(root, "GeneralInformation")
    if gi is not None:
        out["sample"] = _text(gi, "SampleName")
        out["operator"] = _text(gi, "Operator")
        out["system"] = _text(gi, "SystemName")
    si = _child(root, "ScanInformation")
    if si is not None:
        for k in ("AxisName", "Mode", "Start", "Stop", "Step", "Speed", "SpeedUnit",
                  "IntensityUnit", "PositionUnit", "StartTime"):
            out[k] = _text(si, k)
    for el in root.iter():
        tag = _local(el.tag)
        if tag in ("WavelengthKalpha1", "WavelengthKalpha2", "WavelengthKbeta", "TargetName",
                   "Voltage", "Current") and tag not in out:
            out[tag] = _text(el)
    return out


@register_reader("rigaku_rasx", extensions=(".rasx",), sniff=_sniff_rasx, technique="xrd",
                 description="Rigaku RASX (zip of Profile*.txt + MesurementConditions*.xml)")
def read_rasx(path, *, wavelength: float | None = None):
    """Read a Rigaku ``.rasx`` container; every profile is kept (``range`` dim when several).

    Parameters
    ----------
    wavelength : float, optional
        Kα1 in Å, overriding the file's ``WavelengthKalpha1``.
    """
    p = _source.check_file(path)
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(p, f"not a readable zip container ({exc}); expected a .rasx") from None
    with zf:
        infos = checked_members(p, zf)
        profiles = sorted(((int(m.group(1)), int(m.group(2)), name) for name in infos
                           if (m := _PROFILE.match(name))))
        if not profiles:
            raise ReadError(p, f"no Data*/Profile*.txt member (members: {sorted(infos)[:10]}); "
                               "expected a Rigaku .rasx")
        ranges = []
        for di, pi, name in profiles:
            cond_name = next((k for k in infos if k.lower() ==
                              f"data{di}/mesurementconditions{pi}.xml"
                              or k.lower() == f"data{di}/measurementconditions{pi}.xml"), None)
            cond = (_conditions(p, _member(p, zf, infos, cond_name), cond_name)
                    if cond_name else {})
            raw = _member(p, zf, infos, name)
            text, _enc = _source.decode(raw, p)
            lines = text.splitlines()
            data = _ras_rows(p, [ln.replace("\t", " ") for ln in lines], 1)
            where = name
            if data.shape[0] < 2:
                raise ReadError(p, f"{name}: {data.shape[0]} data row(s); expected a profile")
            _check_axis(p, cond.get("AxisName"), where)
            unit_y_raw = cond.get("IntensityUnit") or "counts"
            y_units = _INT_UNITS.get(unit_y_raw.strip().lower())
            if y_units is None:
                raise ReadError(p, f"{name}: intensity unit {unit_y_raw!r}; expected counts or cps")
            ranges.append(_build(p, data, "rigaku_rasx", wavelength, y_units,
                                 alpha1=cond.get("WavelengthKalpha1"),
                                 alpha2=cond.get("WavelengthKalpha2"),
                                 beta=cond.get("WavelengthKbeta"),
                                 target=cond.get("TargetName"),
                                 ctime=_counting_time(cond.get("Step"), cond.get("Speed"),
                                                      cond.get("SpeedUnit")),
                                 sample=cond.get("sample"),
                                 meta={"format": "Rigaku RASX", "member": name, **cond}))
    return stack_ranges(p, ranges)
