"""PANalytical XRDML reader (XRDML 1.x and 2.x).

Written here rather than through a library: the Python XRDML parsers available either drop all
but the first scan, only know ``<intensities>`` (XRDML 2.x files store ``<counts>``), or parse the
XML with entity expansion enabled. This reader:

* parses the XML with the standard library **after rejecting any DOCTYPE / ENTITY declaration**
  (no entity expansion, no external entities; see :func:`parse_xml_safe`);
* reads every ``<xrdMeasurement>`` and every ``<scan>`` in it; several scans are stacked on a
  ``range`` dim with :func:`~characterization.io.xrd._build.stack_ranges` (never dropped);
* takes the 2θ axis exactly as the file states it: ``<listPositions>`` of the ``2Theta`` axis when
  given, else ``startPosition``..``endPosition`` evenly over the number of points (the XRDML
  definition); a scan whose 2θ is only a ``commonPosition`` (an ω rocking curve, a static
  detector frame) is not a 2θ pattern and raises ReadError;
* reads intensities from ``<intensities>`` (1.x) or ``<counts>`` (2.x) with their unit
  (``counts`` → ``count``, ``cps`` → ``count/s``); nothing is converted;
* stores the counting time (``commonCountingTime``, or per-point ``countingTimes``) as the
  ``counting_time`` coordinate (s), so counts ↔ counts/s is an explicit user step;
* takes Kα1, Kα2, Kβ and the Kα2/Kα1 ratio from ``<usedWavelength>`` and the anode from
  ``<anodeMaterial>``. ``beamAttenuationFactors``, when present, are kept as the variable
  ``beam_attenuation_factor`` (not applied).
"""

from __future__ import annotations


import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from .._safe_archive import parse_xml_safe
from ._build import build_xrd, stack_ranges

def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el, name):
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _children(el, name):
    return [c for c in el if _local(c.tag) == name]


def _find(el, *names):
    """First descendant along the chain of local names (each a direct child)."""
    for n in names:
        if el is None:
            return None
        el = _child(el, n)
    return el


def _text(el, name=None):
    if el is not None and name is not None:
        el = _child(el, name)
    return el.text.strip() if el is not None and el.text and el.text.strip() else None


def _float(path, el, what):
    s = _text(el)
    if s is None:
        return None
    try:
        return float(s)
    except ValueError:
        raise ReadError(path, f"{what} is {s!r}, expected a number") from None


def _numbers(path, el, what) -> np.ndarray:
    s = _text(el) or ""
    try:
        return np.array(s.split(), dtype=float)
    except ValueError:
        bad = next(t for t in s.split() if not _isnum(t))
        raise ReadError(path, f"{what} holds {bad!r}, expected numbers separated by spaces") \
            from None


def _isnum(t):
    try:
        float(t)
        return True
    except ValueError:
        return False


def _sniff(head: bytes, path) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
        except Exception:
            return False
    return b"<xrdMeasurements" in head


_INT_UNITS = {"counts": "count", "count": "count", "cps": "count/s", "counts/s": "count/s",
              "counts per second": "count/s"}


def _axis_positions(path, pos_el, n, where):
    """Values of a ``<positions>`` element for ``n`` points (None when only a common position)."""
    unit = (pos_el.get("unit") or "deg").strip()
    lst = _child(pos_el, "listPositions")
    if lst is not None:
        x = _numbers(path, lst, f"{where}: listPositions")
        if x.size != n:
            raise ReadError(path, f"{where}: listPositions has {x.size} values but there are {n} "
                                  "intensities", where)
        return x, unit
    start, end = _child(pos_el, "startPosition"), _child(pos_el, "endPosition")
    if start is not None and end is not None:
        a = _float(path, start, f"{where}: startPosition")
        b = _float(path, end, f"{where}: endPosition")
        if a is None or b is None:
            raise ReadError(path, f"{where}: empty startPosition/endPosition", where)
        return np.linspace(a, b, n), unit
    return None, unit


def _measurement_info(path, meas):
    wl = _child(meas, "usedWavelength")
    info = {}
    if wl is not None:
        info["wavelength"] = _float(path, _child(wl, "kAlpha1"), "usedWavelength/kAlpha1")
        info["wavelength_alpha2"] = _float(path, _child(wl, "kAlpha2"), "usedWavelength/kAlpha2")
        info["wavelength_beta"] = _float(path, _child(wl, "kBeta"), "usedWavelength/kBeta")
        info["alpha2_ratio"] = _float(path, _child(wl, "ratioKAlpha2KAlpha1"),
                                      "usedWavelength/ratioKAlpha2KAlpha1")
        unit = (_child(wl, "kAlpha1").get("unit") if _child(wl, "kAlpha1") is not None
                else "Angstrom") or "Angstrom"
        if unit.lower() not in ("angstrom", "å", "a"):
            if unit.lower() == "nm":
                raise ReadError(path, "usedWavelength is in nm; expected Angstrom (not converted "
                                      "silently)")
            raise ReadError(path, f"usedWavelength unit {unit!r}; expected Angstrom")
        info["intended"] = wl.get("intended")
    tube = _find(meas, "incidentBeamPath", "xRayTube")
    if tube is not None:
        info["radiation"] = _text(tube, "anodeMaterial")
        info["tension_kV"] = _text(tube, "tension")
        info["current_mA"] = _text(tube, "current")
        info["tube"] = tube.get("name")
    info["measurement_type"] = meas.get("measurementType")
    info["sample_mode"] = meas.get("sampleMode")
    return info


@register_reader("xrdml", extensions=(".xrdml",), sniff=_sniff, technique="xrd",
                 description="PANalytical XRDML 1.x/2.x (<intensities> or <counts>)")
def read_xrdml(path, *, wavelength: float | None = None):
    """Read a PANalytical ``.xrdml`` file (see the module docstring).

    Parameters
    ----------
    wavelength : float, optional
        Kα1 in Å, overriding the file's ``usedWavelength``.

    Returns
    -------
    xarray.Dataset
        ``intensity`` on ``two_theta``; several scans on a leading ``range`` dim.
    """
    data = _source.read_bytes(path)
    root = parse_xml_safe(data, path, "XRDML")
    if _local(root.tag) != "xrdMeasurements":
        raise ReadError(path, f"root element is <{_local(root.tag)}>, expected <xrdMeasurements>")
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    sample = _find(root, "sample")
    sample_name = _text(sample, "name") if sample is not None else None
    sample_id = _text(sample, "id") if sample is not None else None
    comments = [e.text.strip() for e in root.iter() if _local(e.tag) == "entry"
                and e.text and e.text.strip()]
    measurements = _children(root, "xrdMeasurement")
    if not measurements:
        raise ReadError(path, "no <xrdMeasurement> element; expected at least one")
    ranges = []
    for mi, meas in enumerate(measurements):
        info = _measurement_info(path, meas)
        scans = _children(meas, "scan")
        if not scans:
            raise ReadError(path, f"<xrdMeasurement> #{mi + 1} has no <scan>")
        for si, scan in enumerate(scans):
            where = f"xrdMeasurement {mi + 1}, scan {si + 1}"
            dp = _child(scan, "dataPoints")
            if dp is None:
                raise ReadError(path, "no <dataPoints>; expected the scan's data", where)
            ints = _child(dp, "intensities")
            if ints is None:
                ints = _child(dp, "counts")
            if ints is None:
                raise ReadError(path, "no <intensities> or <counts> in <dataPoints>", where)
            y = _numbers(path, ints, f"{where}: <{_local(ints.tag)}>")
            n = y.size
            if n < 2:
                raise ReadError(path, f"{n} intensity value(s); expected a scan", where)
            unit_raw = (ints.get("unit") or "counts").strip()
            y_units = _INT_UNITS.get(unit_raw.lower())
            if y_units is None:
                raise ReadError(path, f"intensity unit {unit_raw!r}; expected counts or cps",
                                where)
            axes = {p.get("axis"): p for p in _children(dp, "positions")}
            if "2Theta" not in axes:
                raise ReadError(path, f"no 2Theta <positions> (axes: {sorted(map(str, axes))})",
                                where)
            x, xunit = _axis_positions(path, axes["2Theta"], n, where)
            if x is None:
                raise ReadError(path, f"2Theta is fixed (commonPosition) in a "
                                      f"{scan.get('scanAxis')!r} scan; expected a 2θ scan",
                                where)
            if xunit.lower() not in ("deg", "°", "degree", "degrees"):
                raise ReadError(path, f"2Theta unit {xunit!r}; expected deg", where)
            extra_coords, extra_vars = {}, {}
            ctime = None
            common = _child(dp, "commonCountingTime")
            per_point = _child(dp, "countingTimes")
            if common is not None:
                ctime = _float(path, common, f"{where}: commonCountingTime")
            elif per_point is not None:
                t = _numbers(path, per_point, f"{where}: countingTimes")
                if t.size != n:
                    raise ReadError(path, f"countingTimes has {t.size} values for {n} points",
                                    where)
                if np.all(t == t[0]):
                    ctime = float(t[0])
                else:
                    extra_coords["counting_time"] = ("two_theta", t, {
                        "units": "s", "long_name": "Time per step"})
            att = _child(dp, "beamAttenuationFactors")
            if att is not None:
                a = _numbers(path, att, f"{where}: beamAttenuationFactors")
                if a.size == n:
                    extra_vars["beam_attenuation_factor"] = ("two_theta", a, {
                        "units": "1", "long_name": "Beam attenuation factor (not applied)"})
            if sample_name:
                extra_coords["sample"] = ((), sample_name, {"long_name": "Sample"})
            header = _child(scan, "header")
            meta = {"format": "XRDML", "namespace": ns, "sample_name": sample_name,
                    "sample_id": sample_id, "comments": comments,
                    "scan_axis": scan.get("scanAxis"), "scan_mode": scan.get("mode"),
                    "scan_status": scan.get("status"), "unit_intensity": unit_raw,
                    "intensity_element": _local(ints.tag),
                    "start_time": _text(header, "startTimeStamp") if header is not None else None,
                    "end_time": _text(header, "endTimeStamp") if header is not None else None,
                    "positions": {k: {_local(c.tag): _text(c) for c in v
                                      if _local(c.tag) != "listPositions"}
                                  for k, v in axes.items() if k},
                    **info}
            ranges.append(build_xrd(
                path, x, y, reader="xrdml",
                wavelength=wavelength if wavelength is not None else info.get("wavelength"),
                wavelength_alpha2=info.get("wavelength_alpha2"),
                alpha2_ratio=info.get("alpha2_ratio"),
                wavelength_beta=info.get("wavelength_beta"),
                radiation=info.get("radiation"), intensity_units=y_units,
                counting_time=ctime, metadata=meta, extra_coords=extra_coords,
                extra_vars=extra_vars))
    return stack_ranges(path, ranges)
