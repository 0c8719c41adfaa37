"""Galactic / Thermo GRAMS ``.spc`` reader (Raman and other 1-D spectra).

Format coverage
---------------
The "new" SPC format (``fversn`` 0x4B little-endian, 0x4C big-endian) as published by Galactic
Industries: a 512-byte header, an optional x array, one or more subfiles (32-byte subheader +
y values) and an optional log block. Handled:

* single spectra with an evenly spaced x axis (``ffirst``..``flast``, ``fnpts`` points: the
  axis is rebuilt with :func:`numpy.linspace`) or an explicit x array (``TXVALS`` flag);
* multifiles (``TMULTI``): several y subfiles on a common x axis, stacked along ``spot`` (or
  ``time`` when the z axis is a time), the subfile z values as a coordinate; ``TXYXYS``
  multifiles whose subfiles carry their own x arrays are stacked when the axes are equal and
  NaN-padded on the union of the x values otherwise;
* y values as float32 (exponent 0x80) or as 32-bit / 16-bit (``TSPREC``) integers scaled by
  ``2**(exponent - 32)`` (``2**(exponent - 16)``);
* the log text (``key=value`` lines) as metadata; WiRE's log gives the laser (``Laser: 532 nm
  edge``, a *nominal* wavelength), exposure time (ms) and accumulations.

Raman files (experiment type 11, or x type 13 "Raman shift") give a ``"raman"`` Dataset
(:mod:`characterization.io.raman._build`); an absolute x axis (nm, absolute cm⁻¹, eV) is converted
to Raman shift with ``laser_wavelength=`` or the log's laser, else ReadError. Other SPC files
give the generic ``"spectrum"`` technique with the x and y units of the header, or the
technique passed as ``technique=``.

Quirks of real files
--------------------
* **WiRE's SPC export resamples**: WiRE writes an evenly spaced axis (``ffirst``/``flast``)
  whereas the spectrometer's native axis (kept in the ``.wdf``) is not evenly spaced; the y
  values are the wdf spectrum interpolated onto that even grid. SPC and WDF of one measurement
  therefore agree only after interpolation onto a common grid.
* WiRE and WITec write an invalid ``fdate`` (WITec: 0; WiRE: a value that does not decode to a
  date); an undecodable date is ignored.
* The WITec export has meaningless subheader fields (``subflgs`` 100, a garbage ``subscan``):
  only ``subexp`` and the point count of the subheader are used.

Not supported (ReadError): the pre-1996 "old" format (``fversn`` 0x4D) and 4-D (``fwplanes``)
files.

Library choice
--------------
``spc-spectra`` does not build from its sdist here; ``spc-io`` (MIT) reads these files but
needs pydantic, prints to stdout on the invalid dates above, and raises bare exceptions on
damaged files. The layout is small and fixed, so it is parsed here with :mod:`struct` and
:func:`numpy.frombuffer`; every inconsistency is a ReadError naming the byte offset.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import struct
from pathlib import Path

import numpy as np

from ... import conventions
from ...errors import ReadError
from .. import _source
from ._build import build_raman, plausible_laser, to_json, to_raman_shift
from .._registry import register_reader

_HEADER_SIZE = 512
_SUBHEADER = 32
# ftflgs bits
TSPREC, TCGRAM, TMULTI, TRANDM, TORDRD, TALABS, TXYXYS, TXVALS = (1 << i for i in range(8))

#: fxtype codes -> (name, pint units); "1/cm abs" marks an absolute wavenumber.
X_TYPES = {0: ("arbitrary", ""), 1: ("wavenumber", "1/cm abs"), 2: ("wavelength", "um"),
           3: ("wavelength", "nm"), 4: ("time", "s"), 5: ("time", "min"), 6: ("frequency", "Hz"),
           7: ("frequency", "kHz"), 8: ("frequency", "MHz"), 9: ("mass", ""),
           10: ("ppm", ""), 11: ("time", "day"), 12: ("time", "year"),
           13: ("raman_shift", "1/cm"), 14: ("energy", "eV"), 15: ("label", ""),
           16: ("diode", ""), 17: ("channel", ""), 18: ("angle", "deg"),
           19: ("temperature", "degF"), 20: ("temperature", "degC"), 21: ("temperature", "K"),
           22: ("point", ""), 23: ("time", "ms"), 24: ("time", "us"), 25: ("time", "ns"),
           26: ("frequency", "GHz"), 27: ("length", "cm"), 28: ("length", "m"),
           29: ("length", "mm"), 30: ("time", "h"), 255: ("interferogram", "")}
#: fytype codes -> (name, pint units).
Y_TYPES = {0: ("arbitrary intensity", ""), 1: ("interferogram", ""), 2: ("absorbance", "1"),
           3: ("Kubelka-Munk", "1"), 4: ("counts", "count"), 5: ("voltage", "V"),
           6: ("angle", "deg"), 7: ("current", "mA"), 8: ("length", "mm"),
           9: ("voltage", "mV"), 10: ("log(1/R)", "1"), 11: ("percent", "percent"),
           12: ("intensity", ""), 13: ("relative intensity", ""), 14: ("energy", ""),
           16: ("decibel", ""), 19: ("temperature", "degF"), 20: ("temperature", "degC"),
           21: ("temperature", "K"), 22: ("refractive index", "1"),
           23: ("extinction coefficient", "1"), 24: ("real", ""), 25: ("imaginary", ""),
           26: ("complex", ""), 128: ("transmission", "1"), 129: ("reflectance", "1"),
           130: ("arbitrary or single beam", ""), 131: ("emission", "")}
EXPERIMENTS = {0: "general", 1: "gas chromatogram", 2: "chromatogram", 3: "HPLC",
               4: "FT-IR/FT-NIR/FT-Raman", 5: "NIR", 7: "UV-VIS", 8: "X-ray diffraction",
               9: "mass spectrum", 10: "NMR", 11: "Raman", 12: "fluorescence", 13: "atomic",
               14: "chromatography diode array"}
_RAMAN_EXPERIMENT, _RAMAN_SHIFT = 11, 13


def _sniff(head: bytes, path: Path) -> bool:
    """A new-format SPC header (version byte, sane counts and codes, binary padding); any
    ``.spc`` file is taken too, so a damaged or old-format one gets a precise error."""
    if _source.logical_suffix(path) == ".spc":
        return True
    if len(head) < _HEADER_SIZE or head[1] not in (0x4B, 0x4C) or head[:4] == b"PK\x03\x04":
        return False                     # "PK" of a zip (.xlsx, .rasx) has the 0x4B byte too
    end = "<" if head[1] == 0x4B else ">"
    npts, = struct.unpack_from(end + "i", head, 4)
    nsub, = struct.unpack_from(end + "i", head, 24)
    if head[0] & TXYXYS:
        npts_ok = npts >= 0
    else:
        npts_ok = 0 < npts < 10**9
        width = 2 if head[0] & TSPREC else 4
        if npts_ok and not _source.compression_suffix(path):
            try:                         # the declared spectra must fit in the file
                need = _HEADER_SIZE + max(nsub, 1) * (_SUBHEADER + width * npts)
                npts_ok = need <= path.stat().st_size
            except OSError:
                npts_ok = False
    return npts_ok and 0 <= nsub < 10**8 and head[28] in X_TYPES and b"\0\0\0\0" in head[:512]


# --------------------------------------------------------------------------- parsing
def _header(path, raw: bytes) -> dict:
    if len(raw) < 2:
        raise ReadError(path, "file too short for an SPC header", "byte 0")
    if raw[1] == 0x4D:
        raise ReadError(path, "old-format (pre-1996, version byte 0x4D) SPC files are not "
                              "supported; re-save the file in the new format", "byte 1")
    if raw[1] not in (0x4B, 0x4C):
        raise ReadError(path, f"not a Galactic SPC file: version byte is {raw[1]:#04x}, "
                              "expected 0x4B (or 0x4C)", "byte 1")
    if len(raw) < _HEADER_SIZE:
        raise ReadError(path, f"truncated SPC header: {len(raw)} bytes, expected "
                              f"{_HEADER_SIZE}", "byte 0")
    end = "<" if raw[1] == 0x4B else ">"
    (flags, version, exper, exp, npts, first, last, nsub, xtype, ytype, ztype, post,
     date) = struct.unpack_from(end + "BBBbiddiBBBBI", raw, 0)

    def text(a, b):
        return raw[a:b].split(b"\0", 1)[0].decode("latin-1").strip()

    logoff, mods = struct.unpack_from(end + "ii", raw, 248)
    procs, level, sampin, factor = struct.unpack_from(end + "BBHf", raw, 256)
    zinc, wplanes, winc = struct.unpack_from(end + "fif", raw, 312)
    return {"ftflgs": flags, "fversn": version, "fexper": exper, "fexp": exp, "fnpts": npts,
            "ffirst": first, "flast": last, "fnsub": nsub, "fxtype": xtype, "fytype": ytype,
            "fztype": ztype, "fpost": post, "fdate": date, "fres": text(36, 45),
            "fsource": text(45, 54), "fpeakpt": struct.unpack_from(end + "H", raw, 54)[0],
            "fcmnt": text(88, 218), "fcatxt": text(218, 248), "flogoff": logoff,
            "fmods": mods, "fprocs": procs, "flevel": level, "fsampin": sampin,
            "ffactor": factor, "fmethod": text(264, 312), "fzinc": zinc,
            "fwplanes": wplanes, "fwinc": winc, "endian": end}


def _date(code: int):
    """Packed fdate (minute 6 bits, hour 5, day 5, month 4, year 12) or None if invalid."""
    try:
        d = _dt.datetime(code >> 20, (code >> 16) & 0xF, (code >> 11) & 0x1F,
                         (code >> 6) & 0x1F, code & 0x3F)
    except ValueError:
        return None
    return d if 1970 <= d.year <= 2100 else None


def _y_values(path, raw, offset, npts, exp, int16, end):
    """``npts`` y values at ``offset``: float32, or integers scaled by 2**(exp-32|16)."""
    width = 2 if int16 else 4
    if offset + npts * width > len(raw):
        raise ReadError(path, f"y data of {npts} points ({npts * width} bytes) runs past the end "
                              f"of the file ({len(raw)} bytes)", f"byte {offset}")
    if exp == -128:
        if int16:
            raise ReadError(path, "16-bit y values with a float exponent (0x80)",
                            f"byte {offset}")
        return np.frombuffer(raw, end + "f4", npts, offset).astype(np.float64)
    ints = np.frombuffer(raw, end + ("i2" if int16 else "i4"), npts, offset)
    return ints.astype(np.float64) * 2.0 ** (exp - (16 if int16 else 32))


def _subfiles(path, raw, h):
    """List of (subheader dict, x or None, y) for every subfile."""
    end, flags = h["endian"], h["ftflgs"]
    multi = bool(flags & TMULTI)
    nsub = h["fnsub"] if multi else 1
    if nsub < 1:
        raise ReadError(path, f"multifile with {nsub} subfiles", "byte 24")
    pos = _HEADER_SIZE + (4 * h["fnpts"] if flags & TXVALS and not flags & TXYXYS else 0)
    out = []
    for i in range(nsub):
        if pos + _SUBHEADER > len(raw):
            raise ReadError(path, f"subfile {i + 1} of {nsub}: header runs past the end of the "
                                  f"file ({len(raw)} bytes)", f"byte {pos}")
        sflg, sexp, sindex, stime, snext, snois, snpts, sscan, swlevel = struct.unpack_from(
            end + "BbHfffIIf", raw, pos)
        sub = {"subflgs": sflg, "subexp": sexp, "subindx": sindex, "subtime": stime,
               "subnext": snext, "subnois": snois, "subnpts": snpts, "subscan": sscan,
               "subwlevel": swlevel, "offset": pos}
        pos += _SUBHEADER
        if flags & TXYXYS:
            npts = snpts
            if npts == 0:
                raise ReadError(path, f"subfile {i + 1} has zero points", f"byte {pos - 32}")
            if pos + 4 * npts > len(raw):
                raise ReadError(path, f"subfile {i + 1}: x array of {npts} points runs past the "
                                      "end of the file", f"byte {pos}")
            x = np.frombuffer(raw, end + "f4", npts, pos).astype(np.float64)
            pos += 4 * npts
        else:
            npts, x = h["fnpts"], None
        exp = h["fexp"] if (h["fexp"] == -128 or not multi) else sexp
        y = _y_values(path, raw, pos, npts, exp, bool(flags & TSPREC), end)
        pos += npts * (2 if flags & TSPREC else 4)
        out.append((sub, x, y))
    return out


def _log(raw: bytes, h: dict) -> tuple[dict, str]:
    """The log block: (key=value pairs, full text); empty when absent or malformed."""
    off = h["flogoff"]
    if off <= 0 or off + 64 > len(raw):
        return {}, ""
    sizd, sizm, txto = struct.unpack_from(h["endian"] + "iii", raw, off)
    start = off + txto
    stop = min(len(raw), off + sizd) if sizd > txto else len(raw)
    if txto < 0 or start >= len(raw):
        return {}, ""
    text = raw[start:stop].split(b"\0", 1)[0].decode("cp1252", errors="replace")
    pairs = {}
    for line in text.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            pairs.setdefault(key.strip(), value.strip())
    return pairs, text


def _log_number(value):
    """The number in a WiRE log value such as ``"Time: 10000"`` or ``"Laser: 532 nm edge"``."""
    if not value:
        return None
    m = re.search(r"[-+]?\d+(?:\.\d+)?", value.split(":", 1)[-1])
    return float(m.group()) if m else None


# --------------------------------------------------------------------------- Dataset
def _technique(h, requested):
    if requested is not None:
        conventions.get(requested)      # unknown -> ConventionError, turned into ReadError
        return requested
    if h["fexper"] == _RAMAN_EXPERIMENT or h["fxtype"] == _RAMAN_SHIFT:
        return "raman"
    return "spectrum"


def _common_x(subs):
    """One x axis and the stacked y of subfiles with their own x arrays (NaN-padded union)."""
    xs = [x for _, x, _ in subs]
    if all(len(x) == len(xs[0]) and np.array_equal(x, xs[0]) for x in xs):
        return xs[0], np.stack([y for _, _, y in subs])
    union = np.unique(np.concatenate(xs))
    if xs[0][0] > xs[0][-1]:
        union = union[::-1]
    out = np.full((len(subs), union.size), np.nan)
    order = np.argsort(union)
    for i, (_, x, y) in enumerate(subs):
        out[i, order[np.searchsorted(union[order], x)]] = y
    return union, out


@register_reader("spc", extensions=(".spc",), sniff=_sniff, technique=None,
                 description="Galactic/Thermo GRAMS .spc spectra (single and multifile)")
def read_spc(path, *, technique: str | None = None, laser_wavelength: float | None = None):
    """Read a Galactic SPC file.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    technique : str, optional
        Force the technique; default ``"raman"`` for Raman files (experiment type 11 or a
        Raman-shift x axis), else ``"spectrum"``.
    laser_wavelength : float, optional
        Laser wavelength (nm); needed to convert an absolute x axis to Raman shift when the
        file does not give it. Overrides the log's (nominal) laser.

    Returns
    -------
    xarray.Dataset
        Raman: ``intensity(raman_shift)`` or ``intensity(spot|time, raman_shift)`` with
        ``laser_wavelength``, ``exposure_time``, ``accumulations``, ``title`` when known;
        other techniques: the convention's signal dim and main variable.

    Raises
    ------
    ReadError
        Wrong version byte, old format, truncated header/subfile/data, zero points, an absolute
        x axis without a laser wavelength.

    Examples
    --------
    >>> ds = read_spc("spectrum.spc")                  # doctest: +SKIP
    """
    path = Path(os.fspath(path))
    raw = _source.read_bytes(path)
    h = _header(path, raw)
    flags = h["ftflgs"]
    if h["fwplanes"] > 0:
        raise ReadError(path, f"4-D SPC files ({h['fwplanes']} w planes) are not supported",
                        "byte 316")
    if not flags & TXYXYS and h["fnpts"] <= 0:
        raise ReadError(path, f"the header declares {h['fnpts']} points; expected at least 1",
                        "byte 4")
    width = 2 if flags & TSPREC else 4
    if not flags & TXYXYS and _HEADER_SIZE + _SUBHEADER + width * h["fnpts"] > len(raw):
        raise ReadError(path, f"the header declares {h['fnpts']} points, more than the file "
                              f"({len(raw)} bytes) can hold", "byte 4")
    x_even = None
    if not flags & TXYXYS:
        if flags & TXVALS:
            if _HEADER_SIZE + 4 * h["fnpts"] > len(raw):
                raise ReadError(path, f"x array of {h['fnpts']} points runs past the end of the "
                                      f"file ({len(raw)} bytes)", f"byte {_HEADER_SIZE}")
            x_even = np.frombuffer(raw, h["endian"] + "f4", h["fnpts"],
                                   _HEADER_SIZE).astype(np.float64)
        else:
            x_even = np.linspace(h["ffirst"], h["flast"], h["fnpts"])
    subs = _subfiles(path, raw, h)
    if flags & TXYXYS:
        x, y = _common_x(subs)
    else:
        x, y = x_even, np.stack([s[2] for s in subs])
    log, log_text = _log(raw, h)
    tech = _technique(h, technique)
    xname, xunit = X_TYPES.get(h["fxtype"], ("x", ""))
    yname, yunit = Y_TYPES.get(h["fytype"], ("y", ""))
    zname, zunit = X_TYPES.get(h["fztype"], ("z", ""))
    multi = y.shape[0] > 1
    z = np.array([s[0]["subtime"] for s in subs], dtype=np.float64)
    meta = {"header": {k: v for k, v in h.items() if k != "endian"},
            "experiment": EXPERIMENTS.get(h["fexper"], str(h["fexper"])),
            "x_type": xname, "y_type": yname, "z_type": zname,
            "subfiles": [s[0] for s in subs[:1000]], "log": log}
    date = _date(h["fdate"])
    if tech == "raman":
        return _raman_dataset(path, h, x, y, z, xunit, yname, yunit, zname, zunit, multi, log,
                              date, laser_wavelength, meta)
    return _generic_dataset(path, tech, h, x, y, z, xname, xunit, yname, yunit, zname, zunit,
                            multi, date, meta)


def _batch(zname, zunit, z):
    dim = "time" if zname == "time" else "spot"
    name = "time" if dim == "time" else "z"
    return dim, {name: ((dim,), z, zunit or "", f"Subfile {zname} value")}


def _raman_dataset(path, h, x, y, z, xunit, yname, yunit, zname, zunit, multi, log, date,
                   laser_option, meta):
    laser_text = log.get("Laser")
    laser = (plausible_laser(laser_option) if laser_option is not None
             else plausible_laser(_log_number(laser_text)))
    if laser is not None and laser_option is None:
        meta["laser_wavelength_source"] = f"log text {laser_text!r} (nominal)"
    if xunit == "1/cm abs" and h["fexper"] == _RAMAN_EXPERIMENT and np.nanmax(np.abs(x)) < 5000:
        xunit = "1/cm"       # Raman software writing shifts with the plain "wavenumber" code
    if xunit not in ("1/cm", "1/cm abs", "nm", "eV", "um"):
        raise ReadError(path, f"x axis type {h['fxtype']} ({X_TYPES.get(h['fxtype'], ('?',))[0]})"
                              " cannot be a Raman shift", "byte 28")
    if xunit == "um":
        x, xunit = x * 1e3, "nm"
    shift, sattrs, original = to_raman_shift(path, x, xunit, laser, what="SPC x axis")
    if h["fxtype"] != _RAMAN_SHIFT and original is None:
        sattrs["note"] = f"x type {h['fxtype']} ({X_TYPES[h['fxtype']][0]}) read as Raman shift"
    if not h["ftflgs"] & TXVALS and not h["ftflgs"] & TXYXYS:
        sattrs["spacing"] = "even (rebuilt from ffirst, flast, fnpts)"
    iunit = "count" if yunit in ("count", "") else None
    if iunit is None:
        raise ReadError(path, f"y type {h['fytype']} ({yname}) is not a Raman intensity; pass "
                              "technique='spectrum' to read it as a generic spectrum", "byte 29")
    iattrs = {} if yunit == "count" else {"original_units": yname}
    exposure = _log_number(log.get("Exposure_time"))
    accum = _log_number(log.get("Accumulations"))
    if not accum and not multi and h["ftflgs"] & TMULTI == 0:
        scan = meta["subfiles"][0]["subscan"]
        accum = scan if 0 < scan < 100000 else None
    scalars = {"laser_wavelength": laser,
               "exposure_time": exposure / 1000.0 if exposure else None,
               "accumulations": int(accum) if accum else None,
               "title": h["fcmnt"] or None,
               "software": h["fsource"] or None,
               "operator": log.get("Operator") or None,
               "acquisition_time": np.datetime64(date) if date else None}
    if exposure:
        meta["exposure_time_units"] = "ms (WiRE log 'Exposure_time'), converted to s"
    if multi:
        dim, coords = _batch(zname, zunit, z)
        dims, intensity = (dim,), y
    else:
        dims, intensity, coords = (), y[0], {}
    shift_coords = {original[0]: (original[1], original[2])} if original else None
    return build_raman(path, intensity=intensity, raman_shift=shift, batch_dims=dims,
                       coords=coords, shift_attrs=sattrs, shift_coords=shift_coords,
                       intensity_attrs=iattrs, scalars=scalars, original_metadata=meta,
                       attrs={"reader": "spc"})


def _generic_dataset(path, tech, h, x, y, z, xname, xunit, yname, yunit, zname, zunit, multi,
                     date, meta):
    import xarray as xr

    if tech == "spectrum":
        sig = xname.replace(" ", "_") if xname not in ("arbitrary", "label") else "x"
        main = "intensity" if "intens" in yname or yname == "counts" else \
            re.sub(r"[^0-9a-z]+", "_", yname.lower()).strip("_") or "y"
        xattrs = {"units": xunit.replace(" abs", ""), "long_name": xname}
        yattrs = {"units": yunit, "long_name": yname}
    else:
        conv = conventions.get(tech)
        sig, main = conv.signal.name, conv.main.name
        if xunit.replace(" abs", "") != conv.signal.units:
            raise ReadError(path, f"x axis is {xname} ({xunit or 'no unit'}), not "
                                  f"{conv.signal.long_name} ({conv.signal.units})", "byte 28")
        xattrs = {"units": conv.signal.units, "long_name": conv.signal.long_name}
        yattrs = {"units": conv.main.units, "long_name": conv.main.long_name,
                  "original_units": yname}
    if multi:
        dim, extra = _batch(zname, zunit, z)
        dims, data = (dim, sig), y
        coords = {k: (d, v, {"units": u, "long_name": ln}) for k, (d, v, u, ln) in extra.items()}
    else:
        dims, data, coords = (sig,), y[0], {}
    coords[sig] = ((sig,), x, xattrs)
    if h["fcmnt"]:
        coords["title"] = ((), h["fcmnt"], {"units": "", "long_name": "Title"})
    if date:
        coords["acquisition_time"] = ((), np.datetime64(date), {"long_name": "Acquisition"})
    ds = xr.Dataset({main: (dims, data, yattrs)}, coords=coords)
    ds.attrs.update({"technique": tech, "reader": "spc", "original_metadata": to_json(meta)})
    if tech == "spectrum":
        ds.attrs["signal_dim"] = sig
    return ds
