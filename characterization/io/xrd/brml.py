"""Bruker DIFFRAC.SUITE ``.brml`` reader (a zip of XML files).

The measured data are in ``Experiment0/RawData<N>.xml`` (one file per range, all kept and
stacked on ``range``). In each, the ``DataRoute`` (``RouteFlag="Measured"``) lists its
``DataViews``: which comma-separated column of each ``<Datum>`` row holds what. The 2θ column is
the ``VaryingRawDataView`` field with ``AxisId="TwoTheta"`` (its ``Start`` plus the field's
position, so the axis order of the scan is followed), the intensity the
``RecordedRawDataView`` with ``MeasuredDataIndex="0"``, and the counting time the
``MeasuredTime`` view. A scan without a 2θ column uses the ``ScanAxisInfo`` 2θ start/increment.
Wavelengths (``WaveLengthAlpha1/Alpha2/Beta/Ratio``), ``TubeMaterial``, generator kV/mA and
the ``SampleName`` info item are read from the same file. Blanking values (-9999) become NaN.

Safety: member names with ``..``, absolute paths or drive letters are refused, every member is
streamed within the byte budget of :data:`characterization.io.LIMITS` (checked while reading,
not only from the header), and XML with a ``DOCTYPE`` or ``ENTITY`` declaration is refused
before parsing, so no entity is ever expanded.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from .._safe_archive import checked_members, parse_xml_safe, read_member
from ._build import build_xrd, stack_ranges

_RAW = re.compile(r"^Experiment\d+/RawData(\d+)\.xml$", re.I)
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _sniff(head: bytes, path) -> bool:
    return head.startswith(b"PK\x03\x04") and b"Experiment" in head[:4096] and (
        b"RawData" in head[:65536] or b".xml" in head[:4096])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(el, name):
    for sub in el.iter():
        if _local(sub.tag) == name:
            return sub
    return None


def _fval(el, name):
    sub = _find(el, name)
    if sub is None:
        return None
    raw = sub.get("Value", sub.text)
    try:
        v = float(raw)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def _range(path, name: str, root: ET.Element) -> dict:
    routes = [r for r in root.iter() if _local(r.tag) == "DataRoute"]
    if not routes:
        raise ReadError(path, f"{name}: no DataRoute element")
    route = next((r for r in routes if r.get("RouteFlag") == "Measured"), routes[0])
    scan = _find(route, "ScanInformation")
    tt_col = i_col = t_col = None
    blank = None
    for view in route.iter():
        if _local(view.tag) != "RawDataView":
            continue
        kind = view.get(_XSI, "")
        start = int(view.get("Start", "0"))
        if "Varying" in kind:
            fields = [f for f in view.iter() if _local(f.tag) == "FieldDefinitions"]
            for j, f in enumerate(fields):
                if f.get("AxisId") == "TwoTheta" or f.get("FieldName") == "TwoTheta":
                    tt_col = start + j
        elif "Recorded" in kind and view.get("MeasuredDataIndex", "0") == "0" and i_col is None:
            i_col = start
            b = _find(view, "BlankingValue")
            blank = float(b.text) if b is not None and b.text else None
        elif view.get("LogicName") == "MeasuredTime":
            t_col = start
    if i_col is None:
        raise ReadError(path, f"{name}: no RecordedRawDataView (intensity column) in DataViews")
    rows = []
    for k, d in enumerate(e for e in route.iter() if _local(e.tag) == "Datum"):
        try:
            rows.append([float(t) for t in (d.text or "").split(",")])
        except ValueError:
            raise ReadError(path, f"{name}: Datum row {k} is not comma-separated numbers: "
                            f"{(d.text or '')[:60]!r}") from None
    if not rows:
        raise ReadError(path, f"{name}: no <Datum> rows")
    width = min(len(r) for r in rows)
    need = max(c for c in (tt_col, i_col, t_col) if c is not None)
    if width <= need or any(len(r) != len(rows[0]) for r in rows):
        raise ReadError(path, f"{name}: Datum rows have {width} columns, expected at least "
                        f"{need + 1} per the DataViews, all rows the same length")
    arr = np.asarray(rows, dtype=float)
    y = arr[:, i_col]
    if blank is not None:
        y = np.where(y == blank, np.nan, y)
    if tt_col is not None:
        x = arr[:, tt_col]
    else:
        axis = next((a for a in route.iter() if _local(a.tag) == "ScanAxisInfo"
                     and a.get("AxisId") == "TwoTheta"), None)
        if axis is None:
            raise ReadError(path, f"{name}: the scan has no 2θ axis (not a 2θ scan)")
        x = _fval(axis, "Start") + _fval(axis, "Increment") * np.arange(y.size)
    times = arr[:, t_col] if t_col is not None else None
    ctime = float(np.median(times)) if times is not None else (
        _fval(scan, "TimePerStep") if scan is not None else None)
    sample = None
    for item in root.iter():
        if _local(item.tag) == "InfoItem" and item.get("Name") == "SampleName":
            sample = item.get("Value")
    tube = _find(root, "TubeMaterial")
    gen = _find(root, "Generator")
    meta = {
        "member": name,
        "scan_name": scan.get("ScanName") if scan is not None else None,
        "scan_visible_name": scan.get("VisibleName") if scan is not None else None,
        "time_per_step": _fval(scan, "TimePerStep") if scan is not None else None,
        "time_started": (_find(root, "TimeStampStarted").text
                         if _find(root, "TimeStampStarted") is not None else None),
        "sample": sample,
        "kv": _fval(gen, "Voltage") if gen is not None else None,
        "ma": _fval(gen, "Current") if gen is not None else None,
    }
    return dict(x=x, y=y, time=ctime, sample=sample, meta=meta,
                ka1=_fval(root, "WaveLengthAlpha1") or _fval(root, "WaveLength"),
                ka2=_fval(root, "WaveLengthAlpha2"), kb=_fval(root, "WaveLengthBeta"),
                ratio=_fval(root, "WaveLengthRatio"),
                anode=(tube.text or "").strip() if tube is not None else None)


@register_reader("brml", extensions=(".brml",), sniff=_sniff, technique="xrd")
def read_brml(path, **options):
    """Bruker DIFFRAC.SUITE ``.brml`` (zip of XML), every RawData range."""
    data = _source.read_bytes(path)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError(path, f"not a zip archive ({exc}); expected a .brml zip",
                        position="byte 0") from None
    with zf:
        infos = list(checked_members(path, zf).values())
        raws = sorted(((int(m.group(1)), i) for i in infos
                       if (m := _RAW.match(i.filename))), key=lambda t: t[0])
        if not raws:
            raise ReadError(path, "no Experiment*/RawData*.xml member; expected a Bruker "
                            f"BRML archive (members: {[i.filename for i in infos][:8]})")
        ranges = []
        for _, info in raws:
            blob = read_member(path, zf, info)
            ranges.append(_range(path, info.filename,
                                 parse_xml_safe(blob, path, info.filename)))
    out = []
    for k, r in enumerate(ranges):
        extra = {}
        if r["sample"]:
            extra["sample"] = ((), r["sample"], {"long_name": "Sample ID"})
        if r["meta"]["scan_name"]:
            extra["scan_type"] = ((), r["meta"]["scan_name"], {"long_name": "Scan type"})
        with warnings.catch_warnings():
            if k:
                warnings.simplefilter("ignore")
            wl = r["ka1"]
            out.append(build_xrd(path, r["x"], r["y"], reader="brml", wavelength=wl,
                                 wavelength_alpha2=r["ka2"] if wl else None,
                                 alpha2_ratio=r["ratio"] if wl else None,
                                 wavelength_beta=r["kb"] if wl else None,
                                 radiation=r["anode"], counting_time=r["time"],
                                 metadata={"ranges": [q["meta"] for q in ranges]},
                                 extra_coords=extra))
    return stack_ranges(path, out)
