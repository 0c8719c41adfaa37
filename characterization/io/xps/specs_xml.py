"""SpecsLab 2 XML files (``.xml``, XMLSerializer "CORBA XML document").

Our own parser: pynxtools-xps flattens these into NeXus paths; no light reader builds the
spectrum. Each ``RegionData`` struct holds the region definition (``kinetic_energy`` of the
first point, ``scan_delta``, ``values_per_curve``, ``dwell_time``, ``pass_energy``,
``excitation_energy``), the multichannel detector (``mcd_head``, ``mcd_tail`` extra channels
and one ``Detector`` per channeltron with its ``shift``, in units of the pass energy), and per
cycle the raw ``counts`` of every scan: ``(values_per_curve + mcd_head + mcd_tail) ×
detectors`` integers, channel-major.

Spectrum construction (as SpecsLab does for a swept MCD acquisition): detector ``d`` at
channel ``k`` sees KE = KE₀ + (k − mcd_head)·δ + shift_d·E_pass, so the point ``i`` of the
nominal axis KE₀ + i·δ collects channel ``k = i + mcd_head − round(shift_d·E_pass/δ)`` of each
detector; counts are summed over detectors and scans. (Checked on the test file: the lag that
best aligns each detector with the centre one is this rounded shift.) Binding energy: BE = hν −
KE (the effective work function is kept as a coordinate, not applied). ``counts`` are raw
integers; ``intensity = counts / (dwell_time · scans)``.

Scans actually stored are used (a stopped acquisition declares more than it holds: the declared
number is kept in ``original_metadata``). The DOCTYPE of these files only declares elements; it
is removed before parsing, and a file declaring entities is refused.
"""

from __future__ import annotations

import re

import numpy as np

from ...errors import ReadError
from .. import _safe_archive, _source
from .._registry import register_reader
from ._build import build_region, to_tree

_DOCTYPE = re.compile(rb"<!DOCTYPE\s+any\s*\[.*?\]>", re.S)


def _sniff(head: bytes, path) -> bool:
    return b"XMLSerializer" in head[:600] or b"specs.de/Serializer" in head


def _child(elem, name, path, what):
    e = elem.find(f"*[@name='{name}']")
    if e is None or e.text is None:
        raise ReadError(path, f"{what}: no <{name}> element")
    return e.text.strip()


def _num(elem, name, path, what):
    try:
        return float(_child(elem, name, path, what))
    except ValueError:
        raise ReadError(path, f"{what}: <{name}> is not a number") from None


def _region(path, r):
    name = (r.findtext("string[@name='name']") or "region").strip()
    what = f"region {name!r}"
    reg = r.find("struct[@name='region']")
    if reg is None:
        raise ReadError(path, f"{what}: no region definition")
    n = int(_num(reg, "values_per_curve", path, what))
    delta = _num(reg, "scan_delta", path, what)
    ke0 = _num(reg, "kinetic_energy", path, what)
    hv = _num(reg, "excitation_energy", path, what)
    pe = _num(reg, "pass_energy", path, what)
    dwell = _num(reg, "dwell_time", path, what)
    head = int(_num(r, "mcd_head", path, what))
    tail = int(_num(r, "mcd_tail", path, what))
    shifts = [float(d.findtext("double[@name='shift']")) for d in r.iter("struct")
              if d.get("type_name") == "Detector"]
    if not shifts or n < 1:
        raise ReadError(path, f"{what}: no detectors or no points")
    nch = n + head + tail
    lag = [head - int(round(s * pe / delta)) for s in shifts]
    if min(lag) < 0 or max(lag) + n > nch:
        raise ReadError(path, f"{what}: detector shifts {shifts} do not fit within mcd_head "
                              f"{head} / mcd_tail {tail}")
    cycles = []
    for cyc in r.iter("struct"):
        if cyc.get("type_name") != "Cycle":
            continue
        total, nscan = np.zeros(n), 0
        for seq in cyc.iter("sequence"):
            if seq.get("type_name") != "CountsSeq":
                continue
            declared = int(seq.get("length", "-1"))
            text = seq.findtext("ulong") or ""
            raw = np.array(text.split(), dtype=np.float64)
            if raw.size != declared or raw.size != nch * len(shifts):
                raise ReadError(path, f"{what}: a scan holds {raw.size} counts; declared "
                                      f"{declared}, expected {nch} channels × {len(shifts)} "
                                      "detectors (truncated file?)")
            ch = raw.reshape(nch, len(shifts))
            total += sum(ch[lg:lg + n, d] for d, lg in enumerate(lag))
            nscan += 1
        if nscan:
            cycles.append((total, nscan))
    if not cycles:
        raise ReadError(path, f"{what}: no scan data")
    ke = ke0 + delta * np.arange(n)
    tr = r.find("sequence[@name='transmission']")
    trans = np.array((tr.findtext("double") or "").split(), dtype=np.float64) \
        if tr is not None else np.array([])
    out = []
    for k, (counts, nscan) in enumerate(cycles):
        variables = {}
        if trans.size == n:
            variables["transmission"] = (trans, "1", "Analyser transmission function")
        out.append(build_region(
            path, intensity=None, counts=counts, energy=ke, energy_kind="kinetic",
            excitation_energy=hv, region=name, variables=variables,
            scalars={"dwell_time": dwell, "scans": nscan, "pass_energy": pe,
                     "cycle": (k, "1", "SpecsLab cycle"),
                     "work_function": _num(reg, "effective_workfunction", path, what)},
            original_metadata={"region": name, "values_per_curve": n, "scan_delta": delta,
                               "kinetic_energy": ke0, "mcd_head": head, "mcd_tail": tail,
                               "detector_shifts": shifts, "declared_scans":
                               _num(reg, "num_scans", path, what)},
            attrs={"transmission_corrected": 0}))
    return out


@register_reader("specs_xml", extensions=(".xml",), sniff=_sniff, technique="xps",
                 description="SpecsLab 2 XML (XMLSerializer) XPS regions")
def read_specs_xml(path):
    """Read a SpecsLab 2 XML file into a DataTree, one node per region (and cycle).

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        Nodes following the ``"xps"`` conventions: ``counts`` (count, summed over detectors
        and scans), ``intensity`` (count/s = counts / (dwell_time × scans)),
        ``transmission`` (analyser transmission function, not applied), ``binding_energy``
        (eV, hν − KE) with ``kinetic_energy``; scalar coordinates ``excitation_energy``,
        ``region``, ``dwell_time``, ``scans``, ``pass_energy``, ``work_function``.

    Raises
    ------
    ReadError
        Malformed XML, entity declarations, a region without definition or detectors, a
        counts list of the wrong length.
    """
    data = _source.read_bytes(path)
    if b"<!ENTITY" not in data:
        data = _DOCTYPE.sub(b"", data, count=1)
    root = _safe_archive.parse_xml_safe(data, path, "SpecsLab XML")
    out = []
    for r in root.iter("struct"):
        if r.get("type_name") == "RegionData":
            out += _region(path, r)
    return to_tree(path, out)
