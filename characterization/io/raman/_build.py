"""Shared builder of Raman Datasets, used by every Raman reader (wdf, spc, labspec, text maps).

Readers parse their file into plain arrays and hand them to :func:`build_raman`, which checks
shapes, names the dims, attaches units and long names, and returns a Dataset following
:mod:`characterization.conventions` (technique ``"raman"``):

* signal dim ``raman_shift`` (``"1/cm"``), in the order the file stores it (WiRE and LabSpec
  store descending shifts; nothing is sorted or resampled here);
* data variable ``intensity`` (``"count"``, or ``"count/s"`` when the file says so: nothing is
  multiplied by an exposure time), with batch dims first: ``spot`` (a list or line of points),
  ``y``, ``x`` (a regular map, stage positions in ``"um"``), ``time`` (a time series);
* scalar coordinates for what differs per file: ``laser_wavelength`` (nm), ``exposure_time``
  (s), ``accumulations`` (1), ``title``, ``software``, ``acquisition_time`` ...;
* attrs ``technique``, ``reader`` and ``original_metadata`` (the vendor header as JSON).

Also here, because several readers need them:

* :func:`to_raman_shift` — an absolute spectral axis (wavelength in nm, absolute wavenumber in
  cm⁻¹, photon energy in eV) converted **explicitly** to Raman shift with the laser wavelength,
  ``shift = 1e7/λ_laser − 1e7/λ``; no laser wavelength means a ReadError, never a guess;
* :func:`regular_grid` — whether scattered (x, y) stage positions form a complete rectangular
  grid, and each point's (row, column), so maps get their orientation from the positions;
* :func:`to_json` — vendor metadata as JSON text (from :mod:`characterization.io._metadata`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import conventions
from ...errors import ConventionError, ReadError
from .._units import canonical_unit
from .._metadata import to_json  # noqa: F401  (re-exported to the readers)

#: Plausible laser wavelengths (nm); a header value outside is treated as "not recorded".
LASER_RANGE_NM = (150.0, 2500.0)

#: Photon energy (eV) to wavenumber (1/cm): E / (h c) with CODATA 2018 values.
EV_TO_WAVENUMBER = 8065.543937349212

#: Batch dims a Raman Dataset may have (from the conventions table).
BATCH_DIMS = conventions.get("raman").batch_dims


# --------------------------------------------------------------------------- small helpers
def plausible_laser(value) -> float | None:
    """``value`` as a float when it is a plausible laser wavelength in nm, else None."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if LASER_RANGE_NM[0] <= v <= LASER_RANGE_NM[1] else None


def to_raman_shift(path, values, units: str, laser_wavelength: float | None, *,
                   what: str = "spectral axis"):
    """Express a spectral axis as Raman shift (1/cm).

    Parameters
    ----------
    path : path-like
        The file, for error messages.
    values : array_like
        The axis as stored.
    units : str
        ``"1/cm"`` (already a Raman shift: returned unchanged), ``"nm"`` (absolute wavelength),
        ``"1/cm abs"`` (absolute wavenumber) or ``"eV"`` (photon energy); other spellings known
        to :func:`characterization.io._units.canonical_unit` are accepted.
    laser_wavelength : float or None
        Excitation wavelength in nm; required for every conversion.

    Returns
    -------
    shift : numpy.ndarray
        Float64 Raman shift, same order as ``values``.
    attrs : dict
        ``units``/``long_name`` of the shift, plus ``original_units`` and ``conversion`` when
        converted.
    original : tuple or None
        ``(name, values, attrs)`` of the original axis to keep as a coordinate on
        ``raman_shift`` (``"wavelength"``, ``"absolute_wavenumber"``, ``"photon_energy"``),
        or None when no conversion was made.

    Raises
    ------
    ReadError
        Unknown unit, or a conversion without a laser wavelength.
    """
    x = np.asarray(values, dtype=np.float64)
    raw = (units or "").strip()
    absolute = "abs" in raw.lower()
    canon = canonical_unit(raw.lower().replace("abs", "").strip()) if raw else None
    base = {"units": "1/cm", "long_name": "Raman shift"}
    if canon == "1/cm" and not absolute:
        return x, base, None
    kinds = {"nm": ("wavelength", "Wavelength", "nm"),
             "eV": ("photon_energy", "Photon energy", "eV"),
             "1/cm": ("absolute_wavenumber", "Absolute wavenumber", "1/cm")}
    if canon not in kinds:
        raise ReadError(path, f"{what} has unit {raw!r}; expected a Raman shift (1/cm), a "
                              "wavelength (nm), an absolute wavenumber (1/cm abs) or an energy "
                              "(eV)")
    name, long_name, unit = kinds[canon]
    if laser_wavelength is None:
        raise ReadError(path, f"{what} is an absolute {long_name.lower()} ({raw}); converting it "
                              "to a Raman shift needs the laser wavelength, which the file does "
                              "not record: pass laser_wavelength= (nm)")
    nu0 = 1e7 / float(laser_wavelength)
    with np.errstate(divide="ignore", invalid="ignore"):
        if canon == "nm":
            shift = nu0 - 1e7 / x
            how = "raman_shift = 1e7/laser_wavelength - 1e7/wavelength (nm -> 1/cm)"
        elif canon == "eV":
            shift = nu0 - x * EV_TO_WAVENUMBER
            how = f"raman_shift = 1e7/laser_wavelength - E * {EV_TO_WAVENUMBER} (eV -> 1/cm)"
        else:
            shift = nu0 - x
            how = "raman_shift = 1e7/laser_wavelength - absolute_wavenumber"
    attrs = {**base, "original_units": raw, "conversion": how}
    return shift, attrs, (name, x, {"units": unit, "long_name": long_name})


def regular_grid(x, y, *, rtol: float = 0.25):
    """Rows and columns of scattered stage positions, if they form a complete rectangular grid.

    Parameters
    ----------
    x, y : array_like
        Positions of the points (same length, any order, any units).
    rtol : float
        Positions closer than ``rtol`` times the axis step are the same column (row); an axis
        whose whole span is below ``rtol`` times the larger step is a single column (row).

    Returns
    -------
    tuple or None
        ``(xs, ys, col, row)``: the distinct column and row positions (each the mean of its
        points, ordered along the direction the acquisition went) and every point's column and
        row index; None when the points are not a complete grid with one point per node.
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.size == 0 or x.size != y.size or not (np.isfinite(x).all() and np.isfinite(y).all()):
        return None
    sx, sy = _step(x), _step(y)
    scale = max(sx, sy)
    groups = []
    for v, s in ((x, sx), (y, sy)):
        if np.ptp(v) <= rtol * scale:
            groups.append((np.zeros(v.size, dtype=np.intp), np.array([v.mean()])))
            continue
        g = _cluster(v, rtol * s)
        if g is None:
            return None
        groups.append(g)
    (col, xs), (row, ys) = groups
    if len(xs) * len(ys) != x.size:
        return None
    if np.unique(row * len(xs) + col).size != x.size:
        return None
    return xs, ys, col, row


def scan_order(n: int, nx: int, ny: int, *, column_major: bool = False, snake: bool = False):
    """Row and column of the first ``n`` points of an ``ny × nx`` map in acquisition order.

    Raster order (default) fills row after row, x fastest; ``column_major`` fills column after
    column, y fastest; ``snake`` reverses every other row (column).

    Returns
    -------
    row, col : numpy.ndarray
        Integer indices, each of length ``n``.
    """
    k = np.arange(n)
    fast = ny if column_major else nx
    minor, major = k % fast, k // fast
    if snake:
        minor = np.where(major % 2 == 1, fast - 1 - minor, minor)
    return (minor, major) if column_major else (major, minor)


def arrange(values, shape, row, col, *, raster: bool = False, fill=np.nan):
    """Per-point ``values`` placed on a grid of ``shape`` (+ trailing dims of ``values``).

    With ``raster`` (points already in row-major order and complete) this is a reshape: a
    view, no copy, so a memory-mapped map stays on disk; otherwise a new array filled with
    ``fill`` where no point landed.
    """
    values = np.asarray(values) if not hasattr(values, "reshape") else values
    full = tuple(shape) + tuple(values.shape[1:])
    if raster:
        return values.reshape(full)
    out = np.full(full, fill, dtype=values.dtype)
    out[row, col] = values
    return out


def _step(v: np.ndarray) -> float:
    """Smallest of the large gaps between sorted values (the grid step), 0 for a constant."""
    gaps = np.diff(np.sort(v))
    if gaps.size == 0 or gaps.max() <= 0:
        return 0.0
    return float(gaps[gaps > 0.1 * gaps.max()].min())


def _cluster(v: np.ndarray, tol: float):
    """Group values closer than ``tol``: (group of each value, group means in scan order)."""
    order = np.argsort(v, kind="stable")
    new = np.concatenate([[True], np.diff(v[order]) > tol])
    gid = np.empty(v.size, dtype=np.intp)
    gid[order] = np.cumsum(new) - 1
    n = int(gid.max()) + 1
    means = np.bincount(gid, weights=v, minlength=n) / np.bincount(gid, minlength=n)
    if np.any(np.abs(v - means[gid]) > tol):       # a chain of small steps, not a grid
        return None
    # Groups are numbered by position; reverse when the scan went towards smaller positions.
    if gid[0] > gid[-1]:
        gid = n - 1 - gid
        means = means[::-1]
    return gid, means


# --------------------------------------------------------------------------- the builder
_SCALARS = {
    # name: (units, long name)
    "laser_wavelength": ("nm", "Laser wavelength"),
    "exposure_time": ("s", "Exposure time"),
    "accumulations": ("1", "Accumulations"),
    "title": ("", "Title"),
    "software": ("", "Acquisition software"),
    "instrument": ("", "Instrument"),
    "operator": ("", "Operator"),
    "acquisition_time": (None, "Acquisition start"),
    "objective": ("", "Objective"),
    "grating": ("", "Grating"),
    "laser_power": ("", "Laser power setting"),
    "sample": ("", "Sample"),
}


def build_raman(path, *, intensity, raman_shift, batch_dims=(), coords=None, shift_attrs=None,
                shift_coords=None, intensity_units: str = "count", intensity_attrs=None,
                scalars=None, original_metadata=None, attrs=None):
    """Assemble and validate a Raman Dataset.

    Parameters
    ----------
    path : path-like
        The file, for error messages.
    intensity : array_like
        Shape ``batch + (n_points,)``; numpy, ``numpy.memmap`` (kept as is: no copy) or dask.
    raman_shift : array_like
        ``n_points`` Raman shifts in 1/cm (use :func:`to_raman_shift` first for absolute axes).
    batch_dims : sequence of str
        Names of the leading dims of ``intensity``, each one of :data:`BATCH_DIMS`.
    coords : dict, optional
        ``name -> (dims, values, units, long_name)`` extra coordinates (stage positions,
        per-spectrum times ...). ``units`` None for datetimes and strings.
    shift_attrs : dict, optional
        Attrs of ``raman_shift`` (``original_units``, ``conversion`` from to_raman_shift).
    shift_coords : dict, optional
        ``name -> (values, attrs)`` coordinates along ``raman_shift`` (the original wavelength).
    intensity_units : str
        ``"count"`` or ``"count/s"``.
    intensity_attrs : dict, optional
        Extra attrs of ``intensity`` (``original_units`` ...).
    scalars : dict, optional
        ``name -> value`` scalar coordinates; known names (:data:`_SCALARS`) get their units
        and long names; a value ``None`` is left out; ``name -> (value, units, long_name)``
        for others.
    original_metadata : dict, optional
        The vendor header; stored as JSON in ``attrs["original_metadata"]``.
    attrs : dict, optional
        Further Dataset attrs (invariant facts only).

    Returns
    -------
    xarray.Dataset
        Validated against the ``"raman"`` conventions.

    Raises
    ------
    ReadError
        Zero points, mismatched shapes, non-finite Raman shifts, an unknown batch dim.
    """
    import xarray as xr

    batch_dims = tuple(batch_dims)
    shift = np.asarray(raman_shift, dtype=np.float64)
    if shift.ndim != 1 or shift.size == 0:
        raise ReadError(path, f"no spectral points (Raman shift axis has shape {shift.shape})")
    if not np.isfinite(shift).all():
        bad = int(np.flatnonzero(~np.isfinite(shift))[0])
        raise ReadError(path, f"Raman shift axis has a non-finite value at point {bad}")
    shape = tuple(getattr(intensity, "shape", np.shape(intensity)))
    if len(shape) != len(batch_dims) + 1 or shape[-1] != shift.size:
        raise ReadError(path, f"intensity has shape {shape}; expected {len(batch_dims)} batch "
                              f"dim(s) {batch_dims} and {shift.size} spectral points")
    if 0 in shape:
        raise ReadError(path, f"no spectra (intensity has shape {shape})")
    unknown = [d for d in batch_dims if d not in BATCH_DIMS]
    if unknown:
        raise ReadError(path, f"batch dims {unknown} are not physical batch dims {BATCH_DIMS}")
    dims = batch_dims + ("raman_shift",)
    iattrs = {"units": intensity_units, "long_name": "Intensity", **(intensity_attrs or {})}
    sattrs = {"units": "1/cm", "long_name": "Raman shift", **(shift_attrs or {})}
    cvars: dict[str, Any] = {"raman_shift": (("raman_shift",), shift, sattrs)}
    for name, (values, a) in (shift_coords or {}).items():
        cvars[name] = (("raman_shift",), np.asarray(values), dict(a))
    for name, (cdims, values, units, long_name) in (coords or {}).items():
        a = {"long_name": long_name}
        if units is not None:
            a["units"] = units
        cvars[name] = (tuple(cdims), values, a)
    for name, value in (scalars or {}).items():
        if isinstance(value, tuple):
            value, units, long_name = value
        else:
            units, long_name = _SCALARS.get(name, ("", name.replace("_", " ").capitalize()))
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        a = {"long_name": long_name}
        if units is not None and not isinstance(value, (np.datetime64, str)):
            a["units"] = units
        elif isinstance(value, str):
            a["units"] = ""
        cvars[name] = ((), value, a)
    ds = xr.Dataset({"intensity": (dims, intensity, iattrs)}, coords=cvars)
    ds.attrs["technique"] = "raman"
    ds.attrs.update(attrs or {})
    if original_metadata is not None:
        ds.attrs["original_metadata"] = to_json(original_metadata)
    try:
        conventions.validate(ds, "raman")
    except ConventionError as exc:  # a reader bug, reported against the file
        raise ReadError(path, f"invalid Raman Dataset: {exc}") from exc
    return ds
