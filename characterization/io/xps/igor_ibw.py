"""Scienta SES spectra saved as Igor Pro binary waves (``.ibw``, version 5).

Our own parser of the documented Igor binary-wave layout (WaveMetrics Technical Note 003),
because the ``igor2`` package is an extra dependency for 60 lines of struct reading, and this
reader must turn the SES wave note into XPS metadata anyway. Layout: a 64-byte ``BinHeader5``
(version 5, checksum, sizes of the wave record, formula, note, units), a 320-byte
``WaveHeader5`` (point count, number type, name, ``nDim``, the axis scaling ``sfA`` (delta) and
``sfB`` (offset)), the data, then the formula, the note and the extended units. The 16-bit sum of
the two headers must be 0 (Igor's checksum): a damaged header is a ReadError.

Only one-dimensional waves of an energy axis are XPS spectra here (a 2-D SES image of angle or
slice × energy is refused with a ReadError rather than summed silently). The wave note of SES
(``Excitation Energy``, ``Pass Energy``, ``Number of Sweeps``, ``Step Time`` in ms,
``DetectorMode``) gives the same conversion as :mod:`.scienta`: ``intensity = signal /
(step_time × sweeps)`` in count/s.
"""

from __future__ import annotations

import struct

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import build_region, to_tree

_TYPES = {2: "<f4", 4: "<f8", 8: "<i1", 16: "<i2", 32: "<i4", 8 | 64: "<u1",
          16 | 64: "<u2", 32 | 64: "<u4"}


def _sniff(head: bytes, path) -> bool:
    return len(head) >= 384 and head[:2] == b"\x05\x00"


def _note(text: str) -> dict:
    out = {}
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        k, sep, v = line.partition("=")
        if sep:
            out[k.strip()] = v.strip()
    return out


def _f(d, k):
    try:
        return float(d[k].replace(",", "."))
    except (KeyError, ValueError):
        return None


@register_reader("igor_ibw", extensions=(".ibw",), sniff=_sniff, technique="xps",
                 description="Scienta SES spectrum as Igor binary wave (.ibw v5)")
def read_igor_ibw(path):
    """Read a Scienta SES ``.ibw`` (Igor binary wave, version 5) spectrum.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        One node (the SES region name) following the ``"xps"`` conventions, as
        :func:`characterization.io.xps.scienta.read_scienta_txt` gives for the same region.

    Raises
    ------
    ReadError
        Not a version-5 wave, a bad checksum, a truncated file, a wave of more than one
        dimension, an axis that is not an energy, no step time or sweeps in the note.

    Notes
    -----
    Energies: ``x_i = sfB + i · sfA`` (the wave scaling); count rate ``intensity = signal /
    (step_time × sweeps)``, with the step time (ms) and sweeps from the SES note.

    References
    ----------
    WaveMetrics, Technical Note PTN003, "Igor Binary Wave Format" (version 5 layout).
    """
    b = _source.read_bytes(path)
    if len(b) < 384 or struct.unpack_from("<h", b, 0)[0] != 5:
        raise ReadError(path, "not an Igor binary wave of version 5")
    if int(np.frombuffer(b[:384], "<i2").sum(dtype=np.int64)) % 65536 != 0:
        raise ReadError(path, "Igor header checksum does not match (damaged file)")
    wfm, formula, note = struct.unpack_from("<iii", b, 4)
    data_units, dim_units0 = struct.unpack_from("<ii", b, 16)
    npnts, ntype = struct.unpack_from("<ih", b, 64 + 12)
    ndim = struct.unpack_from("<4i", b, 64 + 68)
    delta, offset = struct.unpack_from("<d", b, 64 + 84)[0], struct.unpack_from("<d", b,
                                                                             64 + 116)[0]
    name = b[64 + 28:64 + 60].split(b"\x00")[0].decode("latin-1")
    if ntype not in _TYPES:
        raise ReadError(path, f"wave number type {ntype} not supported (complex or text wave)")
    if any(n > 0 for n in ndim[1:]):
        raise ReadError(path, f"wave {name!r} has dims {ndim}: only 1-D spectra are read")
    dtype = np.dtype(_TYPES[ntype])
    start = 64 + 320
    end = start + npnts * dtype.itemsize
    tail = 64 + wfm
    if end > len(b) or tail + formula + note + data_units + dim_units0 > len(b):
        raise ReadError(path, f"file ends before the {npnts} points and the note (truncated)")
    y = np.frombuffer(b, dtype, count=npnts, offset=start).astype(np.float64)
    pos = tail + formula
    meta = _note(b[pos:pos + note].decode("latin-1"))
    pos += note
    units = b[pos:pos + data_units].decode("latin-1")
    axis = b[pos + data_units:pos + data_units + dim_units0].decode("latin-1")
    kind = "binding" if "binding" in axis.lower() else ("kinetic" if "kinetic" in
                                                         axis.lower() else None)
    if kind is None:
        raise ReadError(path, f"wave axis {axis!r} is not an energy")
    x = offset + delta * np.arange(npnts)
    step_ms, sweeps = _f(meta, "Step Time"), _f(meta, "Number of Sweeps")
    if not step_ms or not sweeps:
        raise ReadError(path, "wave note has no Step Time / Number of Sweeps")
    dwell = step_ms / 1000.0
    pulse = "pulse" in meta.get("DetectorMode", "").lower()
    ds = build_region(
        path, intensity=y / (dwell * sweeps), counts=y if pulse else None, energy=x,
        energy_kind=kind, excitation_energy=_f(meta, "Excitation Energy"),
        region=meta.get("Region Name") or name,
        variables={"signal": (y, "count", "Detector signal (sum of sweeps)")},
        scalars={"dwell_time": dwell, "scans": int(sweeps), "pass_energy":
                 _f(meta, "Pass Energy"), "sample": meta.get("Sample")},
        original_metadata={"wave": name, "units": units, "axis": axis, "note": meta},
        attrs={"intensity_conversion": "intensity = signal / (step_time * sweeps)"})
    return to_tree(path, [ds])
