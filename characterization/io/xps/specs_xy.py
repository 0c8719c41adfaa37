"""SPECS Prodigy ``.xy`` exports (XY-Serializer with metadata).

Our own parser (pynxtools-xps reads these into NeXus; no light reader exists). A file starts
with ``# Key: value`` export settings (``Energy Axis: Binding Energy`` or ``Kinetic Energy``,
``Count Rate: Counts per Second`` or ``Counts``, ``Separate Scan Data``, ``Transmission
Function``), then per region a ``# Region:`` metadata block (``Excitation Energy``, ``Dwell
Time``, ``Pass Energy``, ``Values/Curve``...), ``# Cycle: n`` headers and, per curve and
scan, ``# Cycle: n, Curve: m, Scan: k`` followed by ``energy value`` rows (more columns when
``ColumnLabels`` names them, e.g. external channels: kept as variables, averaged over scans,
with the exported label and no units).

Several scans of a cycle (``Separate Scan Data: yes``) are combined the way Prodigy does:
the rates are averaged (the counts summed). Each cycle of a region is one node (``Fe2p``,
``Fe2p_cycle_1`` ...). Counts are kept when the file gives counts, or when rate × dwell time is
integer-valued. ``transmission_corrected`` comes from the ``Transmission Function`` setting.
"""

from __future__ import annotations

import re

import numpy as np

from ...errors import ReadError
from .._registry import register_reader
from . import _text
from ._build import build_region, integer_counts, to_tree


def _sniff(head: bytes, path) -> bool:
    text = _text.head_text(head)
    return "SpecsLab Prodigy" in text[:400] or "XY-Serializer" in text[:800]


def _kv(line):
    body = line.lstrip("#").strip()
    k, sep, v = body.partition(":")
    return (k.strip(), v.strip()) if sep else (None, None)


def _f(v):
    try:
        return float(v.replace(",", "."))
    except (AttributeError, ValueError):
        return None


@register_reader("specs_xy", extensions=(".xy", ".txt"), sniff=_sniff, technique="xps",
                 description="SPECS Prodigy .xy export with metadata")
def read_specs_xy(path):
    """Read a SPECS Prodigy ``.xy`` export into a DataTree, one node per region and cycle.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        Nodes following the ``"xps"`` conventions: ``intensity`` (count/s; the mean over
        separate scans), ``counts`` (count, summed over scans) when recoverable,
        ``binding_energy`` (eV; BE = hν − KE for a kinetic axis), scalar coordinates
        ``excitation_energy``, ``region``, ``dwell_time``, ``scans``, ``pass_energy``;
        attr ``transmission_corrected`` from the export settings.

    Raises
    ------
    ReadError
        No region, a curve whose length differs from ``Values/Curve`` (truncated file),
        scans of different lengths.
    """
    lines = _text.lines_of(path)
    settings, regions, cur = {}, [], None
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith("#"):
            k, v = _kv(s)
            if k == "Region":
                cur = {"meta": {"Region": v}, "cycles": {}, "line": i + 1}
                regions.append(cur)
            elif k is not None and k.startswith("Cycle") and cur is not None and "Scan" in k \
                    + ":" + (v or ""):
                m = re.search(r"Cycle:\s*(\d+).*?Scan:\s*(\d+)", s)
                cyc = int(m.group(1)) if m else 0
                j, labels = i + 1, None
                while j < len(lines) and lines[j].strip().startswith("#"):
                    key, val = _kv(lines[j])
                    if key == "ColumnLabels" and val:
                        labels = val.split()
                    j += 1
                ncols = len(labels) if labels and len(labels) >= 2 else 2
                table, i = _text.table(path, lines, j, ncols, None,
                                       what=f"region {cur['meta']['Region']!r}")
                cur["labels"] = labels or ["energy", "counts/s"]
                cur["cycles"].setdefault(cyc, []).append(table)
                continue
            elif k is not None and cur is None:
                settings[k] = v
            elif k is not None and cur is not None and not k.startswith("Cycle"):
                cur["meta"].setdefault(k, v)
        i += 1
    if not regions:
        raise ReadError(path, "no '# Region:' block")
    kinetic = "kinetic" in settings.get("Energy Axis", "").lower()
    per_second = "second" in settings.get("Count Rate", "Counts per Second").lower()
    tc = settings.get("Transmission Function", "").lower() in ("yes", "true")
    out = []
    for reg in regions:
        meta = reg["meta"]
        name = meta["Region"] or "region"
        npts = _f(meta.get("Values/Curve"))
        hv, dwell = _f(meta.get("Excitation Energy")), _f(meta.get("Dwell Time"))
        for cyc, scans in sorted(reg["cycles"].items()):
            for t in scans:
                if npts is not None and t.shape[0] != int(npts):
                    raise ReadError(path, f"region {name!r}: {t.shape[0]} points, "
                                          f"Values/Curve says {int(npts)} (truncated file?)")
                if not np.allclose(t[:, 0], scans[0][:, 0]):
                    raise ReadError(path, f"region {name!r}: scans have different energies")
            y = np.stack([t[:, 1] for t in scans])
            extra = {}
            for c, label in enumerate(reg.get("labels", [])[2:], start=2):
                var = re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_") or f"column_{c}"
                if var in ("intensity", "counts", "binding_energy"):
                    var = f"{var}_{c}"
                extra[var] = (np.mean([t[:, c] for t in scans], axis=0), "",
                               f"{label} (as exported)")
            if per_second:
                rate = y.mean(axis=0)
                c = [integer_counts(row, dwell) for row in y]
                counts = None if any(v is None for v in c) else np.sum(c, axis=0)
            else:
                counts = y.sum(axis=0)
                rate = None
            ds = build_region(
                path, intensity=rate, counts=counts, energy=scans[0][:, 0],
                energy_kind="kinetic" if kinetic else "binding", excitation_energy=hv,
                region=name, intensity_units="count/s", variables=extra,
                scalars={"dwell_time": dwell, "scans": len(scans),
                         "pass_energy": _f(meta.get("Pass Energy")),
                         "cycle": (cyc, "1", "Prodigy cycle"),
                         "work_function": _f(meta.get("Eff. Workfunction"))},
                original_metadata={"settings": settings, "region": meta},
                attrs={"transmission_corrected": int(tc)})
            out.append(ds)
    return to_tree(path, out)
