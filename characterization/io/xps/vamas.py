"""VAMAS (ISO 14976) surface-analysis files: ``.vms``, and PHI MultiPak's ``.npl``.

Why our own parser: the ``vamas`` PyPI package fails on IRREGULAR files, on PHI ``.npl``
files and on Kratos exports that start with blank lines, and reads only one corresponding
variable. This reader follows the ISO 14976 layout item by item (header, then one block per
spectrum) and handles:

* REGULAR (start + step) and IRREGULAR (the abscissa is the first corresponding variable)
  scan modes; experiment modes NORM, SDP, SDPSV, MAP, MAPDP, MAPSV, MAPSVDP, SEM;
* leading blank lines, CR / LF / CRLF line ends, UTF-8 / UTF-16 (BOM) / latin-1 text, decimal
  commas;
* several corresponding variables: the first (after an irregular abscissa) is the signal; the
  others are kept as variables (``transmission`` for the Kratos/CasaXPS transmission column);
* kinetic- or binding-energy abscissas: **BE = hν − KE** with the block's source energy, as
  CasaXPS does, with no work-function term (the work function is kept as a coordinate);
* empty species / transition labels (the region is then named after the block identifier);
* CasaXPS processing lines (``CASA region``, ``CASA comp``) kept verbatim in the block
  comment and parsed into ``attrs["casa"]`` (JSON; positions converted to BE, see
  :mod:`._casa`).

Units: an ordinate in counts (``d``, ``counts``) is kept as ``counts`` and converted to count/s
with the signal collection time per point and the number of scans; an ordinate in ``c/s`` is
the intensity as is. Blocks of the same region with the same energy axis that differ only in
an experimental variable named like an angle or a sputter/etch time are stacked along
``emission_angle`` (deg) or ``sputter_time`` (s); other blocks become separate nodes.

Parameter inclusion/exclusion lists (rare; none in the test files) are refused with a
ReadError rather than misread.
"""

from __future__ import annotations

import json
import re

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from . import _casa
from ._build import build_region, to_json, to_tree

MAGIC = "VAMAS Surface Chemical Analysis Standard Data Transfer Format"
_MISSING = 1e36          # VAMAS writes 1E37 for "not specified"
_COUNT_UNITS = {"d", "n", "counts", "count", "cts", "c", ""}
_CPS_UNITS = {"c/s", "cps", "counts/s", "count/s", "counts per second"}


class _Lines:
    """Cursor over the lines of a VAMAS file with typed reads and ReadErrors naming the line."""

    def __init__(self, path, lines, start):
        self.path, self.lines, self.i = path, lines, start

    def _take(self, what):
        if self.i >= len(self.lines):
            raise ReadError(self.path, f"file ends before {what} (truncated)",
                            f"line {self.i + 1}")
        s = self.lines[self.i]
        self.i += 1
        return s

    def text(self, what="a text field"):
        return self._take(what).strip()

    def int(self, what="an integer"):
        s = self._take(what).strip()
        try:
            return int(float(s.replace(",", ".")))
        except ValueError:
            raise ReadError(self.path, f"expected {what}, found {s!r}", f"line {self.i}") from None

    def float(self, what="a number"):
        s = self._take(what).strip()
        v = _number(s)
        if v is None:
            raise ReadError(self.path, f"expected {what}, found {s!r}", f"line {self.i}")
        return v

    def opt(self, what="a number"):
        """A float, or None for the VAMAS 'not specified' value 1E37."""
        v = self.float(what)
        return None if abs(v) >= _MISSING else v


def _number(s: str):
    s = s.strip()
    if "," in s and "." not in s:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _sniff(head: bytes, path) -> bool:
    return MAGIC.encode() in head[:2048]


def parse(path, text: str) -> tuple[dict, list[dict]]:
    """Header dict and list of block dicts of a VAMAS text (see module docstring)."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or MAGIC not in lines[start]:
        raise ReadError(path, f"not a VAMAS file: expected {MAGIC!r} as the first line")
    c = _Lines(path, lines, start + 1)
    h: dict = {"format": lines[start].strip()}
    for key in ("institution", "instrument", "operator", "experiment"):
        h[key] = c.text(key)
    n = c.int("number of comment lines")
    h["comment"] = [c.text("comment line") for _ in range(max(0, n))]
    h["experiment_mode"] = c.text("experiment mode").upper()
    h["scan_mode"] = c.text("scan mode").upper()
    mode, scan = h["experiment_mode"], h["scan_mode"]
    if scan not in ("REGULAR", "IRREGULAR"):
        raise ReadError(path, f"scan mode {scan!r} not supported (REGULAR or IRREGULAR)",
                        f"line {c.i}")
    if mode in ("MAP", "MAPDP", "NORM", "SDP"):
        h["spectral_regions"] = c.int("number of spectral regions")
    if mode in ("MAP", "MAPDP"):
        h["analysis_positions"] = [c.int("number of analysis positions") for _ in range(3)]
    nv = c.int("number of experimental variables")
    h["experimental_variables"] = [(c.text("variable label"), c.text("variable unit"))
                                   for _ in range(max(0, nv))]
    n_incl = c.int("number of entries in the parameter inclusion list")
    if n_incl != 0:
        raise ReadError(path, f"VAMAS parameter inclusion/exclusion lists ({n_incl} entries) "
                              "are not supported", f"line {c.i}")
    n_manual = c.int("number of manually entered items")
    h["manual_items"] = [c.text("manual item") for _ in range(max(0, n_manual))]
    n_future_exp = c.int("number of future upgrade experiment entries")
    n_future_block = c.int("number of future upgrade block entries")
    h["future_experiment_entries"] = [c.text("future entry") for _ in range(max(0, n_future_exp))]
    nblocks = c.int("number of blocks")
    if nblocks < 1:
        raise ReadError(path, f"VAMAS header declares {nblocks} blocks")
    blocks = []
    for k in range(nblocks):
        blocks.append(_block(c, h, n_future_block))
        blocks[-1]["index"] = k + 1
    return h, blocks


def _block(c: _Lines, h: dict, n_future: int) -> dict:
    mode, scan = h["experiment_mode"], h["scan_mode"]
    b: dict = {"block_id": c.text("block identifier"), "sample": c.text("sample identifier")}
    date = [c.int("date/time field") for _ in range(7)]
    b["date"] = date
    n = c.int("number of block comment lines")
    b["comment"] = [c.text("block comment line") for _ in range(max(0, n))]
    b["technique"] = c.text("technique")
    tech = b["technique"].upper()
    if mode in ("MAP", "MAPDP"):
        b["x"], b["y"] = c.float("x coordinate"), c.float("y coordinate")
    b["experimental_variables"] = [c.float("experimental variable value")
                                   for _ in h["experimental_variables"]]
    b["source"] = c.text("analysis source label")
    if mode in ("MAPDP", "MAPSVDP", "SDP", "SDPSV") or tech in (
            "FABMS", "FABMS ENERGY SPEC", "ISS", "SIMS", "SIMS ENERGY SPEC", "SNMS",
            "SNMS ENERGY SPEC"):
        b["sputter_ion"] = [c.float("sputtering ion field") for _ in range(3)]
    b["excitation_energy"] = c.opt("analysis source characteristic energy")
    b["source_strength"] = c.opt("analysis source strength")
    b["beam_width"] = [c.opt("beam width") for _ in range(2)]
    if mode in ("MAP", "MAPDP", "MAPSV", "MAPSVDP", "SEM"):
        b["field_of_view"] = [c.opt("field of view") for _ in range(2)]
    if mode in ("MAPSV", "MAPSVDP", "SEM"):
        b["linescan"] = [c.opt("linescan coordinate") for _ in range(6)]
    b["source_polar_angle"] = c.opt("source polar angle of incidence")
    b["source_azimuth"] = c.opt("source azimuth")
    b["analyser_mode"] = c.text("analyser mode")
    b["pass_energy"] = c.opt("analyser pass energy")
    if tech == "AES DIFF":
        b["differential_width"] = c.opt("differential width")
    b["magnification"] = c.opt("analyser magnification")
    b["work_function"] = c.opt("analyser work function")
    b["target_bias"] = c.opt("target bias")
    b["analysis_width"] = [c.opt("analysis width") for _ in range(2)]
    b["take_off_polar_angle"] = c.opt("analyser take-off polar angle")
    b["take_off_azimuth"] = c.opt("analyser take-off azimuth")
    b["species"] = c.text("species label")
    b["transition"] = c.text("transition label")
    b["charge"] = c.text("charge of detected particle")
    if scan == "REGULAR":
        b["abscissa"] = (c.text("abscissa label"), c.text("abscissa units"))
        b["abscissa_start"] = c.float("abscissa start")
        b["abscissa_step"] = c.float("abscissa increment")
    ncorr = c.int("number of corresponding variables")
    if ncorr < 1 or ncorr > 64:
        raise ReadError(c.path, f"block {b['block_id']!r}: {ncorr} corresponding variables",
                        f"line {c.i}")
    b["variables"] = [(c.text("variable label"), c.text("variable unit")) for _ in range(ncorr)]
    b["signal_mode"] = c.text("signal mode")
    b["collection_time"] = c.opt("signal collection time")
    b["scans"] = c.int("number of scans")
    b["time_correction"] = c.opt("signal time correction")
    if tech in ("AES DIFF", "AES DIR", "EDX", "ELS", "UPS", "XPS", "XRF") and mode in (
            "MAPDP", "MAPSVDP", "SDP", "SDPSV"):
        b["sputter_source"] = [c.opt("sputter source field") for _ in range(6)]
        b["sputter_mode"] = c.text("sputter mode")
    b["tilt"] = [c.opt("sample normal tilt") for _ in range(2)]
    b["rotation"] = c.opt("sample rotation angle")
    npar = c.int("number of additional numerical parameters")
    b["parameters"] = {}
    for _ in range(max(0, npar)):
        label, unit, value = c.text("parameter label"), c.text("parameter unit"), c.float()
        b["parameters"][label] = {"units": unit, "value": value}
    b["future_entries"] = [c.text("future block entry") for _ in range(max(0, n_future))]
    nord = c.int("number of ordinate values")
    if nord < ncorr or nord % ncorr:
        raise ReadError(c.path, f"block {b['block_id']!r}: {nord} ordinate values for "
                                f"{ncorr} corresponding variables", f"line {c.i}")
    for _ in range(ncorr):
        c.float("minimum ordinate"), c.float("maximum ordinate")
    if c.i + nord > len(c.lines):
        raise ReadError(c.path, f"block {b['block_id']!r} declares {nord} values but the file "
                                f"ends after {len(c.lines) - c.i} (truncated)", f"line {c.i}")
    raw = c.lines[c.i:c.i + nord]
    c.i += nord
    try:
        values = np.array([s.strip() for s in raw], dtype=np.float64)
    except ValueError:
        values = np.array([_number(s) if _number(s) is not None else np.nan for s in raw])
        bad = np.flatnonzero(np.isnan(values))
        if bad.size:
            raise ReadError(c.path, f"block {b['block_id']!r}: ordinate {raw[bad[0]]!r} is not "
                                    "a number", f"line {c.i - nord + bad[0] + 1}") from None
    b["data"] = values.reshape(-1, ncorr).T
    return b


def _varname(label: str) -> str:
    name = re.sub(r"[^0-9a-z]+", "_", label.strip().lower()).strip("_") or "variable"
    return name if not name[0].isdigit() else f"v_{name}"


def _axis(path, b, scan):
    """(energy values, 'kinetic'|'binding', signal rows) of a block."""
    data = b["data"]
    if scan == "REGULAR":
        label = b["abscissa"][0]
        n = data.shape[1]
        x = b["abscissa_start"] + b["abscissa_step"] * np.arange(n)
        rows = list(range(data.shape[0]))
    else:
        if data.shape[0] < 2:
            raise ReadError(path, f"block {b['block_id']!r}: an IRREGULAR block needs the "
                                  "abscissa and at least one signal variable")
        label = b["variables"][0][0]
        x = data[0]
        rows = list(range(1, data.shape[0]))
    low = label.lower()
    if "kinetic" in low:
        kind = "kinetic"
    elif "binding" in low:
        kind = "binding"
    else:
        raise ReadError(path, f"block {b['block_id']!r}: abscissa {label!r} is neither a "
                              "kinetic nor a binding energy")
    return x, kind, rows


def _region_label(b) -> str:
    label = " ".join(s for s in (b["species"], b["transition"]) if s and s != "-1").strip()
    return label or b["block_id"] or f"block {b.get('index', 1)}"


def _block_dataset(path, h, b, *, stack=None):
    """The Dataset of one block (or of a stack of blocks sharing an axis)."""
    blocks = [b] if stack is None else stack[1]
    x, kind, rows = _axis(path, b, h["scan_mode"])
    sig = rows[0]
    label, unit = b["variables"][sig]
    unit_l = unit.strip().lower()
    dwell, scans = b["collection_time"], b["scans"] or 1
    data = np.stack([blk["data"] for blk in blocks]) if stack else b["data"]
    signal = data[..., sig, :]
    counts = intensity = None
    iunits = "count/s"
    if unit_l in _CPS_UNITS:
        intensity = signal
    elif unit_l in _COUNT_UNITS:
        counts = signal
        if dwell is None or dwell <= 0:
            intensity, counts, iunits = signal, None, "count"
    else:
        raise ReadError(path, f"block {b['block_id']!r}: signal unit {unit!r} of {label!r} is "
                              "neither counts nor counts per second")
    variables = {}
    for r in rows[1:]:
        vlabel, vunit = b["variables"][r]
        name = _varname(vlabel)
        if name in ("intensity", "counts", "binding_energy") or name in variables:
            name = f"{name}_{r}"
        u = "1" if vunit.strip().lower() in ("d", "", "n") else vunit.strip()
        variables[name] = (data[..., r, :], u, vlabel)
    scalars = {"dwell_time": dwell, "scans": scans, "pass_energy": b["pass_energy"],
               "sample": b["sample"], "source": b["source"],
               "analyser_mode": b["analyser_mode"], "work_function": b["work_function"],
               "block_id": (b["block_id"], "", "VAMAS block identifier")}
    if b["date"][0] > 0 and all(v >= 0 for v in b["date"][1:6]):
        y, mo, d, hh, mi, ss = b["date"][:6]
        try:
            scalars["acquisition_time"] = np.datetime64(
                f"{y:04d}-{mo:02d}-{d:02d}T{hh:02d}:{mi:02d}:{ss:02d}")
        except ValueError:
            pass
    batch_dims, coords = (), None
    if stack is not None:
        dim, values = stack[0]
        batch_dims = (dim,)
        coords = {dim: ((dim,), np.asarray(values, dtype=np.float64),
                        "deg" if dim == "emission_angle" else "s",
                        "Emission angle" if dim == "emission_angle" else "Sputter time")}
        scalars.pop("block_id")
        scalars.pop("acquisition_time", None)
        coords["block_id"] = ((dim,), np.array([blk["block_id"] for blk in blocks]), None,
                              "VAMAS block identifier")
    attrs = {}
    casa = _casa.parse_comment(b["comment"], kinetic=kind == "kinetic",
                               excitation_energy=b["excitation_energy"])
    if casa is not None:
        attrs["casa"] = json.dumps(casa)
    meta = {"header": h, "blocks": [{k: v for k, v in blk.items() if k != "data"}
                                    for blk in blocks]}
    return build_region(path, intensity=intensity, counts=counts, energy=x, energy_kind=kind,
                        excitation_energy=b["excitation_energy"], region=_region_label(b),
                        batch_dims=batch_dims, coords=coords, variables=variables,
                        intensity_units=iunits, scalars=scalars, original_metadata=meta,
                        attrs=attrs)


def _series_dim(h):
    """(index, dim) of an experimental variable that is an angle or a sputter time."""
    for i, (label, unit) in enumerate(h["experimental_variables"]):
        low = label.lower()
        if "angle" in low or "tilt" in low:
            return i, "emission_angle"
        if any(w in low for w in ("etch", "sputter")) and unit.strip().lower() in ("s", "sec",
                                                                                  "seconds"):
            return i, "sputter_time"
    return None, None


def _groups(path, h, blocks):
    """Blocks grouped into stacks (same region, same axis, varying series variable)."""
    idx, dim = _series_dim(h)
    if idx is None:
        return [(blk, None) for blk in blocks]
    order, by_key = [], {}
    for blk in blocks:
        x, kind, _ = _axis(path, blk, h["scan_mode"])
        key = (_region_label(blk), kind, x.size, round(float(x[0]), 6), round(float(x[-1]), 6),
               tuple(v for v in blk["variables"]), blk["excitation_energy"])
        if key not in by_key:
            by_key[key] = []
            order.append(key)
        by_key[key].append(blk)
    out = []
    for key in order:
        group = by_key[key]
        values = [blk["experimental_variables"][idx] for blk in group]
        if len(group) > 1 and len(set(values)) == len(values):
            out.append((group[0], ((dim, values), group)))
        else:
            out += [(blk, None) for blk in group]
    return out


@register_reader("vamas", extensions=(".vms", ".npl"), sniff=_sniff, technique="xps",
                 description="VAMAS ISO 14976 (.vms; PHI MultiPak .npl): XPS regions")
def read_vamas(path):
    """Read a VAMAS file (``.vms``, PHI MultiPak ``.npl``) into a DataTree of XPS regions.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        One node per region (node name: the sanitised ``species transition`` label, made
        unique), each a Dataset following the ``"xps"`` conventions: ``intensity`` (count/s)
        along ``binding_energy`` (eV; BE = hν − KE for kinetic-energy blocks, as CasaXPS does,
        no work-function term), ``counts`` (count) when the file stores counts, any further
        corresponding variable (``transmission``), scalar coordinates ``excitation_energy``,
        ``region``, ``dwell_time``, ``scans``, ``pass_energy``, ``work_function``; CasaXPS
        regions and components in ``attrs["casa"]`` (JSON). Angle-resolved or sputter series
        of one region are stacked along ``emission_angle`` or ``sputter_time``.

    Raises
    ------
    ReadError
        Not a VAMAS file, a truncated block, a field that is not a number, an unknown
        abscissa or signal unit, an inclusion list.

    Notes
    -----
    Binding energy of a kinetic-energy block: BE = hν − KE (hν: the block's analysis source
    characteristic energy); the work function is not applied, as in CasaXPS. Count rate:
    ``intensity = counts / (collection_time × scans)`` for an ordinate in counts.
    Assumes one spectrum per block; MAPPING scan mode and parameter inclusion lists are
    refused.

    References
    ----------
    W. A. Dench, L. B. Hazell, M. P. Seah, "VAMAS surface chemical analysis standard data
    transfer format with skeleton decoding programs", Surf. Interface Anal. 13 (1988) 63–122;
    ISO 14976:1998.

    Examples
    --------
    >>> import characterization as ch
    >>> tree = ch.read("FeO_analyzed.vms")                       # doctest: +SKIP
    >>> fe = ch.read("FeO_analyzed.vms", region="Fe 2p")         # doctest: +SKIP
    """
    data = _source.read_bytes(path)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.replace(b"\x00", b"")     # PHI MultiPak pads labels with NUL bytes
    text, _ = _source.decode(data, path)
    h, blocks = parse(path, text)
    regions = [_block_dataset(path, h, blk, stack=stack) for blk, stack in
               _groups(path, h, blocks)]
    return to_tree(path, regions, attrs={"original_metadata": to_json({"header": h})})
