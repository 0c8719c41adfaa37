"""Crop and normalise Raman spectra.

:func:`crop` keeps a window of the signal axis; :func:`normalize` divides every spectrum by its
maximum, its area or the maximum of one band. Both work on any leading batch dims (``sample``,
``y``/``x`` maps ...), eager or dask-chunked, and never modify their input.

The plumbing (input check, signal dim and variable, provenance and the ``preprocessing``
history) is done by :func:`characterization._api.public`.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from .._api import public
from .._steps import units_of
from ..errors import AnalysisError

NORMALIZE_METHODS = ("max", "area", "band")


# ---------------------------------------------------------------------- shared helpers
def check_window(window, name: str, function: str) -> tuple[float, float]:
    """``(lo, hi)`` as two different finite floats in increasing order."""
    try:
        lo, hi = (float(v) for v in window)
    except (TypeError, ValueError):
        raise AnalysisError(f"{function}: {name} must be two numbers (lo, hi), "
                            f"got {window!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo == hi:
        raise AnalysisError(f"{function}: {name} must be two different finite numbers, "
                            f"got {window!r}")
    return min(lo, hi), max(lo, hi)


def _wrap(units: str) -> str:
    return units if units.replace("_", "").isalpha() else f"({units})"


# ---------------------------------------------------------------------- crop
@public("raman", transform=True, headline=())
def crop(ds: xr.Dataset, *, range: tuple[float, float], dim: str | None = None,
         var: str | None = None) -> xr.Dataset:
    r"""Keep the part of every spectrum with ``min(range) <= raman_shift <= max(range)``.

    Parameters
    ----------
    ds : xarray.Dataset
        Raman spectra (``intensity(..., raman_shift)``), any batch dims, eager or dask.
    range : (float, float)
        Window in the units of the signal coordinate (1/cm); the order does not matter and
        descending axes are handled (the axis order is kept).
    dim, var : str, optional
        Signal dim and variable; default from the data conventions (``raman_shift``,
        ``intensity``). ``var`` is only checked: every variable along ``dim`` is cropped.

    Returns
    -------
    xarray.Dataset
        ``ds`` restricted to the window, every variable and coordinate on ``dim`` included;
        units unchanged; provenance in attrs.

    Raises
    ------
    AnalysisError
        If fewer than two points of the axis fall inside the window.

    Examples
    --------
    >>> import characterization as ch
    >>> ds = ch.synthetic.peak_spectra(2, seed=0)
    >>> out = ch.raman.crop(ds, range=(1200, 1700))
    >>> float(out.raman_shift.min()) >= 1200, float(out.raman_shift.max()) <= 1700
    (True, True)
    """
    lo, hi = check_window(range, "range", "crop")
    x = np.asarray(ds[dim].values, dtype=float)
    keep = (x >= lo) & (x <= hi)
    if int(keep.sum()) < 2:
        raise AnalysisError(f"crop: range [{lo}, {hi}] keeps {int(keep.sum())} points of {dim!r} "
                            f"(which spans {np.nanmin(x)}...{np.nanmax(x)})")
    out = ds.isel({dim: np.flatnonzero(keep)})
    out.attrs = {"method": "crop", "parameters": {"range": [lo, hi], "n_points": int(keep.sum())}}
    return out


# ---------------------------------------------------------------------- normalise
@public("raman", transform=True, headline=("normalization",))
def normalize(ds: xr.Dataset, *, method: str = "max", range: tuple[float, float] | None = None,
              dim: str | None = None, var: str | None = None) -> xr.Dataset:
    r"""Normalise every spectrum: by its maximum, its area, or the maximum inside a range.

    .. math:: y_n(x) = y(x) / F, \qquad F = \begin{cases}
              \max_x y & \text{"max"} \\
              \int y\,dx \ \text{(trapezoid)} & \text{"area"} \\
              \max_{x \in \text{range}} y & \text{"band"} \end{cases}

    Parameters
    ----------
    ds : xarray.Dataset
        Raman spectra, any batch dims, eager or dask. Normalise after baseline subtraction:
        a fluorescence background otherwise dominates every factor.
    method : {"max", "area", "band"}
        What ``F`` is (see the equation).
    range : (float, float), optional
        Window on the signal axis holding the band for ``method="band"`` (e.g.
        ``(1550, 1650)`` for the G band, or ``(500, 540)`` for Si), in signal units; required
        by "band", not used by the other methods.
    dim, var : str, optional
        Signal dim and variable to normalise; default ``raman_shift`` and ``intensity``.

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``var`` normalised and a new ``normalization`` variable (``F`` per spectrum,
        in the units of ``var``, or ``var`` x signal units for "area"). Units of ``var``:
        ``"1"`` for "max" and "band"; for "area" the reciprocal of the signal units (``"cm"``
        for a shift in 1/cm), because then ``∫ y_n dx = 1``: a dimensionless label would be
        as wrong as a stale "count". Other variables are left as they are (their units stay
        correct).

    Notes
    -----
    A spectrum whose ``F`` is not finite and positive (all NaN, or a range with no signal
    above zero) becomes NaN; the others are unaffected. NaN points are skipped by "max" and
    "band" and make the area NaN. The area uses the trapezoid rule over the axis sorted
    ascending, so descending axes give a positive area too.

    Examples
    --------
    >>> import characterization as ch
    >>> ds = ch.synthetic.peak_spectra(2, seed=0)
    >>> out = ch.raman.normalize(ds, method="band", range=(1550, 1650))
    >>> out.intensity.attrs["units"], float(out.intensity.sel(raman_shift=slice(1550, 1650)).max())
    ('1', 1.0)
    """
    if method not in NORMALIZE_METHODS:
        raise AnalysisError(f"normalize: method must be one of {NORMALIZE_METHODS}, "
                            f"got {method!r}")
    y = ds[var]
    y_units = units_of(y, var, "normalize")
    x_units = units_of(ds[dim], dim, "normalize")
    window = None
    if method == "max":
        factor = y.max(dim)
        f_units, units = y_units, "1"
    elif method == "band":
        if range is None:
            raise AnalysisError("normalize: method='band' needs range=(lo, hi)")
        window = check_window(range, "range", "normalize")
        x = np.asarray(ds[dim].values, dtype=float)
        inside = np.flatnonzero((x >= window[0]) & (x <= window[1]))
        if inside.size == 0:
            raise AnalysisError(f"normalize: range {list(window)} contains no point of {dim!r} "
                                f"(which spans {np.nanmin(x)}...{np.nanmax(x)})")
        factor = y.isel({dim: inside}).max(dim)
        f_units, units = y_units, "1"
    else:
        factor = y.sortby(dim).integrate(dim)
        f_units = f"{_wrap(y_units)} * {_wrap(x_units)}"
        units = "cm" if x_units.replace(" ", "") in ("1/cm", "cm^-1", "cm**-1") \
            else f"1 / {_wrap(x_units)}"
    factor = factor.where(np.isfinite(factor) & (factor > 0))
    out = ds.copy(deep=False)
    normalised = y / factor
    normalised.attrs = {**y.attrs, "units": units,
                        "long_name": f"{y.attrs.get('long_name', var)} (normalised, {method})"}
    out[var] = normalised.transpose(*y.dims)
    factor = factor.reset_coords(drop=True)
    factor.attrs = {"units": f_units, "long_name": f"Normalisation factor ({method})"}
    out["normalization"] = factor
    out.attrs = {"method": method, "parameters": {"range": list(window) if window else None}}
    return out
