"""PHI MultiPak binary spectra (``.spe``) and sputter depth profiles (``.pro``).

Why our own parser: no open reader keeps the cycles of a MultiPak depth profile separate
(yadg reads ``.spe`` only and asserts a single cycle; pynxtools-xps maps the file to NeXus).
The layout, learnt from the files themselves and from the documentation of yadg's ``.spe``
extractor:

* an ASCII header between ``SOFH`` and ``EOFH`` lines (``Key: value``); each region is a
  ``SpectralRegDef: n n label Z npts step start stop ... dwell pass_energy AREA`` line
  (binding energies, eV; ``start``/``stop`` are the first and last points);
* then little-endian binary: a 16-byte data header (group, number of traces, total size of
  the trace headers, size of this header), one 96-byte header per trace (trace number, number
  of points, number of cycles, data type ``f4``/``f8`` at byte 72, number of data bytes at 76
  and their offset from the data header at 80), and the data;
* a spectral trace holds ``cycles × points`` values, cycle after cycle, in counts per second
  (unit string ``c/s``). A depth profile adds traces whose first axis label is ``cyc``: one in
  seconds (``s``) holds the sputter time of every region and cycle, region after region.

A ``.pro`` gives one node per region with batch dim ``sputter_time`` (s, from the file) and a
``cycle`` coordinate (0, 1, ...). Binding energies are in the file; the intensity is count/s as
stored (the file does not state how many sweeps were summed, so no counts are derived).
"""

from __future__ import annotations

import re

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import build_region, plausible_excitation, to_tree

_DATA_HEADER = np.dtype([("group", "<u4"), ("ntraces", "<u4"), ("trace_bytes", "<u4"),
                         ("header_bytes", "<u4")])
_TRACE = np.dtype([("number", "<u4"), ("u1", "<u4"), ("u2", "<u4"), ("number2", "<u4"),
                   ("u3", "<u4"), ("points", "<u4"), ("cycles", "<u4"), ("u4", "<u4"),
                   ("axis1", "S4"), ("u5", "S4"), ("axis2", "S4"), ("u6", "<u4"),
                   ("u7", "S4"), ("u8", "S4"), ("unit", "S4"), ("u9", "<u4"), ("u10", "<u4"),
                   ("u11", "<u4"), ("dtype", "S4"), ("nbytes", "<u4"), ("offset", "<u4"),
                   ("u12", "<u4"), ("u13", "<u4"), ("end", "<u4")])


def _sniff(head: bytes, path) -> bool:
    return head.lstrip().startswith(b"SOFH")


def _header(path, data: bytes):
    """(header dict with repeated keys as lists, binary part)."""
    end = data.find(b"EOFH")
    if not data.lstrip().startswith(b"SOFH") or end < 0:
        raise ReadError(path, "not a PHI MultiPak file: no SOFH ... EOFH header")
    i = end + 4
    while data[i:i + 1] in (b"\r", b"\n"):
        i += 1
    text = data[:end].decode("latin-1")
    header: dict = {}
    for line in text.splitlines()[1:]:
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key in header:
            old = header[key]
            header[key] = (old if isinstance(old, list) else [old]) + [value]
        else:
            header[key] = value
    return header, data[i:]


def _as_list(v):
    return [] if v is None else (v if isinstance(v, list) else [v])


def _regions(path, header):
    regs = {}
    for line in _as_list(header.get("SpectralRegDef")):
        t = line.split()
        try:
            regs[int(t[0])] = {"label": t[2], "points": int(t[4]), "step": float(t[5]),
                               "start": float(t[6]), "stop": float(t[7]),
                               "dwell_time": float(t[10]), "pass_energy": float(t[11])}
        except (IndexError, ValueError):
            raise ReadError(path, f"SpectralRegDef line {line!r} is not 'n n label Z points "
                                  "step start stop ... dwell pass_energy'") from None
    if not regs:
        raise ReadError(path, "header has no SpectralRegDef line")
    return regs


def _array(path, binary, trace, what):
    code = trace["dtype"].decode("latin-1").strip("\x00 ")
    if code not in ("f4", "f8"):
        raise ReadError(path, f"{what}: data type {code!r} (expected f4 or f8)")
    dtype = np.dtype("<" + code)
    nbytes, off = int(trace["nbytes"]), int(trace["offset"])
    if nbytes % dtype.itemsize or off + nbytes > len(binary):
        raise ReadError(path, f"{what}: {nbytes} data bytes at offset {off} do not fit the "
                              f"{len(binary)}-byte data section (truncated file?)")
    return np.frombuffer(binary, dtype=dtype, count=nbytes // dtype.itemsize, offset=off)


def _region_label(label: str) -> str:
    """``"Si2p"`` -> ``"Si 2p"``, ``"Su1s"`` -> ``"survey"``; others unchanged."""
    if re.fullmatch(r"su\d*s?|\d*su", label.lower()):
        return "survey"
    m = re.fullmatch(r"([A-Z][a-z]?)(\d[spdf]\d*)", label)
    return f"{m.group(1)} {m.group(2)}" if m else label


@register_reader("phi", extensions=(".spe", ".pro"), sniff=_sniff, technique="xps",
                 description="PHI MultiPak binary spectra (.spe) and depth profiles (.pro)")
def read_phi(path):
    """Read a PHI MultiPak ``.spe`` spectrum or ``.pro`` depth profile.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        One node per region, each following the ``"xps"`` conventions: ``intensity``
        (count/s, as stored) along ``binding_energy`` (eV, from the region definition),
        scalar coordinates ``excitation_energy`` (from ``XraySource``), ``region``,
        ``dwell_time`` (s), ``pass_energy`` (eV). A depth profile (several cycles) has batch
        dim ``sputter_time`` (s) with a ``cycle`` coordinate; every cycle is kept.

    Raises
    ------
    ReadError
        No SOFH/EOFH header, a binary section that disagrees with the header (trace count,
        points, truncated data), an unknown data type.

    Notes
    -----
    Energies ``linspace(start, stop, points)`` from ``SpectralRegDef`` (checked against its
    step). PHI publishes no specification of the binary part; the layout followed is in the
    module docstring, cross-checked on float32 (VersaProbe 4) and float64 (Quantum 2000) files
    and against yadg's parse of the same ``.spe``.

    Examples
    --------
    >>> import characterization as ch
    >>> tree = ch.read("SnO2_10nm_1.pro")                         # doctest: +SKIP
    >>> si = ch.read("SnO2_10nm_1.pro", region="Si 2p")           # doctest: +SKIP
    """
    data = _source.read_bytes(path)
    header, binary = _header(path, data)
    regs = _regions(path, header)
    if len(binary) < _DATA_HEADER.itemsize:
        raise ReadError(path, "file ends right after the text header (no data)")
    dh = np.frombuffer(binary, _DATA_HEADER, count=1)[0]
    ntr, tbytes = int(dh["ntraces"]), int(dh["trace_bytes"])
    if ntr < 1 or tbytes != ntr * _TRACE.itemsize or 16 + tbytes > len(binary):
        raise ReadError(path, f"data header declares {ntr} traces in {tbytes} bytes; expected "
                              f"{_TRACE.itemsize} bytes per trace within the "
                              f"{len(binary)}-byte data section")
    traces = np.frombuffer(binary, _TRACE, count=ntr, offset=int(dh["header_bytes"]))
    spectral = [t for t in traces if t["axis1"].strip(b"\x00 ") == b"pnt"]
    profile = [t for t in traces if t["axis1"].strip(b"\x00 ") == b"cyc"]
    sputter = None
    for t in profile:
        if t["unit"].strip(b"\x00 ") == b"s":
            sputter = _array(path, binary, t, "sputter-time trace")
    hv = None
    for word in str(header.get("XraySource", "")).split():
        hv = hv or plausible_excitation(word)
    nreg = len(spectral)
    out = []
    for k, t in enumerate(spectral):
        num = int(t["number"])
        if num not in regs:
            raise ReadError(path, f"trace {num} has no SpectralRegDef line")
        r = regs[num]
        npts, ncyc = int(t["points"]), max(1, int(t["cycles"]))
        if npts != r["points"]:
            raise ReadError(path, f"region {r['label']}: header says {r['points']} points, "
                                  f"data trace {npts}")
        values = _array(path, binary, t, f"region {r['label']}")
        if values.size != npts * ncyc:
            raise ReadError(path, f"region {r['label']}: {values.size} values for {ncyc} "
                                  f"cycle(s) of {npts} points")
        be = np.linspace(r["start"], r["stop"], npts)
        if not np.allclose(np.diff(be), r["step"], rtol=1e-3, atol=1e-6) and npts > 1:
            raise ReadError(path, f"region {r['label']}: start {r['start']}, stop {r['stop']} "
                                  f"and step {r['step']} disagree for {npts} points")
        label = _region_label(r["label"])
        scalars = {"dwell_time": r["dwell_time"] if r["dwell_time"] > 0 else None,
                   "pass_energy": r["pass_energy"],
                   "phi_label": (r["label"], "", "MultiPak region label")}
        common = dict(energy=be, energy_kind="binding", excitation_energy=hv, region=label,
                      scalars=scalars, original_metadata=header)
        if ncyc > 1 or sputter is not None:
            if sputter is None or sputter.size != nreg * ncyc:
                raise ReadError(path, f"depth profile with {ncyc} cycles has no sputter-time "
                                      f"trace of {nreg} regions × {ncyc} cycles")
            times = np.abs(sputter.reshape(nreg, ncyc)[k].astype(np.float64))
            coords = {"sputter_time": (("sputter_time",), times, "s", "Sputter time"),
                      "cycle": (("sputter_time",), np.arange(ncyc), "1", "Profile cycle")}
            out.append(build_region(path, intensity=values.reshape(ncyc, npts),
                                    batch_dims=("sputter_time",), coords=coords, **common))
        else:
            out.append(build_region(path, intensity=values, **common))
    return to_tree(path, out)
