"""Shared builder of XRD Datasets for the vendor readers.

One function, :func:`build_xrd`, turns arrays read from a file into a validated Dataset
following the XRD conventions: dim ``two_theta`` (deg), variable ``intensity`` (count), scalar
coordinates ``wavelength`` (Kα1, Å), ``wavelength_alpha2``, ``alpha2_ratio``, ``wavelength_beta``
(when known), ``radiation`` (anode), per-file metadata such as ``counting_time`` (s per step),
``sample``; multi-range files get a leading ``range`` dim (NaN-padded on a common axis only
when the ranges share one; otherwise :func:`build_xrd_ranges` returns a list the reader turns
into a DataTree or concatenates on ``range`` with ``two_theta`` as a 2-D coordinate).

When a file gives no wavelength, the documented default (Cu Kα1 1.540598 Å, Kα2 1.544426 Å,
ratio 0.5; Hölzer et al. 1997, from
:mod:`characterization.xray_lines`) is used **with a warning**, and ``wavelength_source`` says so.
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import xarray as xr

from ... import conventions
from ...errors import ReadError
from ...xray_lines import ANODES, KALPHA2_RATIO

_WAVELENGTH_KEY = re.compile(r"wave\s*-?length|lambda|^wl1?$|^λ", re.I)
_LENGTH_UNITS = {"m": 1e10, "nm": 10.0, "a": 1.0, "å": 1.0, "angstrom": 1.0, "ang": 1.0,
                 "pm": 0.01}


def wavelength_from_metadata(metadata: dict) -> float | None:
    """A wavelength in Å from header entries such as ``Wavelength: 4.066e-11 m`` (pyFAI),
    ``lambda = 1.5406`` or ``WL1 1.540600``; None when there is none. A number without a unit
    is taken as Å only when it lies between 0.1 and 3 (X-ray tubes and synchrotrons)."""
    for key, value in (metadata or {}).items():
        if not _WAVELENGTH_KEY.search(str(key).strip()):
            continue
        match = re.match(r"\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*([A-Za-zÅμ]*)", str(value))
        if not match:
            continue
        number, unit = float(match.group(1)), match.group(2).lower()
        if unit in _LENGTH_UNITS:
            return number * _LENGTH_UNITS[unit]
        if not unit and 0.1 <= number <= 3.0:
            return number
    return None


def wavelength_coords(path, wavelength=None, wavelength_alpha2=None, alpha2_ratio=None,
                      wavelength_beta=None, radiation=None, *, stacklevel: int = 3) -> dict:
    """Scalar coordinates ``wavelength`` (Kα1, Å), ``radiation`` and, when known,
    ``wavelength_alpha2``, ``alpha2_ratio``, ``wavelength_beta``.

    When ``wavelength`` is None the lines of the anode named by ``radiation`` are used; when
    that is unknown too, Cu Kα (Hölzer et al. 1997) with a warning naming the file. The
    ``source`` attr of ``wavelength`` says which.
    """
    source = "file"
    if wavelength is None:
        anode = str(radiation).strip().capitalize() if radiation else None
        lines = ANODES.get(anode) if anode else None
        if lines is None:
            lines = ANODES["Cu"]
            warnings.warn(f"{path}: no wavelength in the file; assuming Cu Kα1 {lines[0]} Å, "
                          f"Kα2 {lines[1]} Å, ratio 0.5 (pass wavelength= to override)",
                          stacklevel=stacklevel)
            source = "default (Cu, not stated in the file)"
            radiation = radiation or "Cu"
        else:
            source = f"anode {anode} (lines not stated in the file)"
        wavelength, wavelength_alpha2, wavelength_beta = lines
        alpha2_ratio = KALPHA2_RATIO if alpha2_ratio is None else alpha2_ratio
    coords = {
        "wavelength": ((), float(wavelength), {"units": "angstrom",
                                               "long_name": "Wavelength Kα1",
                                               "source": source}),
        "radiation": ((), str(radiation or "unknown"), {"long_name": "Radiation (anode)"}),
    }
    for name, value, long_name in (("wavelength_alpha2", wavelength_alpha2, "Wavelength Kα2"),
                                   ("wavelength_beta", wavelength_beta, "Wavelength Kβ")):
        if value is not None and np.isfinite(value):
            coords[name] = ((), float(value), {"units": "angstrom", "long_name": long_name})
    if alpha2_ratio is not None and np.isfinite(alpha2_ratio):
        coords["alpha2_ratio"] = ((), float(alpha2_ratio), {"units": "1",
                                                            "long_name": "Kα2/Kα1 ratio"})
    return coords


def build_xrd(path, two_theta, intensity, *, reader: str, wavelength=None,
              wavelength_alpha2=None, alpha2_ratio=None, wavelength_beta=None, radiation=None,
              intensity_units: str = "count", counting_time=None, metadata: dict | None = None,
              extra_coords: dict | None = None, extra_vars: dict | None = None) -> xr.Dataset:
    """A validated XRD Dataset from arrays (one range).

    Parameters
    ----------
    two_theta, intensity : array_like
        The scan axis in degrees 2θ (exactly as the file gives it) and the intensities. A
        leading dim of ``intensity`` beyond the axis is not allowed here (one range).
    wavelength, wavelength_alpha2, alpha2_ratio, wavelength_beta : float, optional
        In Å; when ``wavelength`` is None the anode's lines are used if ``radiation`` names a
        known anode, else Cu with a warning.
    intensity_units : {"count", "count/s"}
        What the file stores. Nothing is converted here.
    counting_time : float, optional
        Seconds per step, so users can convert counts ↔ counts/s explicitly.
    metadata : dict
        The vendor header, stored as JSON in ``attrs["original_metadata"]``.
    """
    x = np.asarray(two_theta, dtype=float)
    y = np.asarray(intensity, dtype=float)
    if x.ndim != 1 or y.shape != x.shape:
        raise ReadError(path, f"2θ axis has shape {x.shape} but intensities {y.shape}")
    if x.size < 2:
        raise ReadError(path, f"only {x.size} data point(s)")
    conv = conventions.get("xrd")
    coords = {
        "two_theta": ("two_theta", x, {"units": "deg", "long_name": conv.signal.long_name}),
        **wavelength_coords(path, wavelength, wavelength_alpha2, alpha2_ratio, wavelength_beta,
                            radiation, stacklevel=4),
    }
    if counting_time is not None and np.isfinite(counting_time):
        coords["counting_time"] = ((), float(counting_time), {"units": "s",
                                                              "long_name": "Time per step"})
    for name, value in (extra_coords or {}).items():
        coords[name] = value
    data = {"intensity": ("two_theta", y, {"units": intensity_units,
                                           "long_name": conv.main.long_name})}
    data.update(extra_vars or {})
    ds = xr.Dataset(data, coords=coords, attrs={
        "technique": "xrd", "reader": reader,
        "original_metadata": json.dumps(metadata or {}, default=str)})
    return conventions.validate(ds, "xrd")


def stack_ranges(path, ranges: list[xr.Dataset]) -> xr.Dataset:
    """Several ranges (scans) of one file on a leading ``range`` dim; never drops a range.

    The ranges are aligned on the union of their 2θ values (outer join): each range is NaN
    where it was not measured, so disjoint ranges (10–20°, 30–35°, 40–45°) and overlapping ones
    with different steps all fit one array and ``ds.intensity.sel(range=k).dropna("two_theta")``
    gives range k back exactly. Per-range metadata that differ (counting time, start angle ...)
    become coordinates on ``range``.
    """
    if not ranges:
        raise ReadError(path, "no data range found")
    if len(ranges) == 1:
        return ranges[0]
    out = xr.concat(ranges, dim="range", join="outer", coords="different", compat="equals",
                    combine_attrs="override", fill_value=np.nan)
    out = out.assign_coords(range=("range", np.arange(len(ranges)),
                                   {"units": "1", "long_name": "Range (scan) number"}))
    for name in out.coords:
        if name in ranges[0].coords:
            out[name].attrs = dict(ranges[0][name].attrs)
    return conventions.validate(out, "xrd")
