r"""Kα2 stripping of XRD patterns by the Rachinger (1948) recursion.

A laboratory tube emits Kα1 (λ1) and Kα2 (λ2 > λ1) with intensity ratio R = I(Kα2)/I(Kα1)
(≈ 0.5 for Cu). A reflection whose Kα1 line is at 2θ1 has its Kα2 line at

.. math:: 2\theta_2 = 2\arcsin(k \sin\theta_1), \qquad k = \lambda_2/\lambda_1 ,

so the Kα2 intensity measured at 2θ comes from the Kα1 profile at
:math:`2\theta' = 2\arcsin(\sin\theta / k) < 2\theta` and the pattern obeys
:math:`I(2\theta) = I_1(2\theta) + R\,I_1(2\theta')`. Solving from low to high angle,

.. math:: I_1(2\theta) = I(2\theta) - R\,I_1(2\theta')

gives the Kα1-only pattern point by point (:func:`strip_kalpha2`).
"""

from __future__ import annotations

import json
import math

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError

__all__ = ["strip_kalpha2"]


# ----------------------------------------------------------------------------- kernel

def _source_positions(x, k):
    """Index j and fraction f with 2θ'_i = x_j + f (x_{j+1} - x_j); j = -1 below the grid."""
    s = np.sin(np.deg2rad(x) / 2.0) / k
    xp = np.rad2deg(2.0 * np.arcsin(np.clip(s, -1.0, 1.0)))
    j = np.searchsorted(x, xp, side="right") - 1
    j_c = np.clip(j, 0, x.size - 2)
    f = (xp - x[j_c]) / (x[j_c + 1] - x[j_c])
    f = np.where(j < 0, 0.0, np.clip(f, 0.0, 1.0))
    return j, f


def rachinger_kernel(y, x, k, ratio):
    """Kα1-only intensity of ``y`` (..., N) on the increasing grid ``x`` (N,) (deg).

    ``k`` (λ2/λ1) and ``ratio`` (R) are arrays broadcastable to ``y.shape[:-1]``. Patterns
    sharing a ``k`` are processed together; the recursion runs in blocks of points whose
    sources 2θ' are all already known (one vectorised step per block), and point by point
    (implicitly) where 2θ - 2θ' is smaller than the grid step.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    batch = y.shape[:-1]
    flat = y.reshape(-1, y.shape[-1])
    kk = np.broadcast_to(np.asarray(k, dtype=float), batch).reshape(-1)
    rr = np.broadcast_to(np.asarray(ratio, dtype=float), batch).reshape(-1)
    out = np.full_like(flat, np.nan)
    for kv in np.unique(kk[np.isfinite(kk)]):
        rows = np.flatnonzero((kk == kv) & np.isfinite(rr))
        out[rows] = _strip_rows(flat[rows], x, float(kv), rr[rows][:, None])
    return out.reshape(y.shape)


def _strip_rows(y, x, k, r):
    n = x.size
    j, f = _source_positions(x, k)
    out = np.empty_like(y)
    below = y[:, :1] / (1.0 + r)               # I1 before the first point: flat continuation
    a = 0
    first_inside = int(np.searchsorted(j, 0, side="left"))   # points with j >= 0 start here
    if first_inside > 0:
        out[:, :first_inside] = y[:, :first_inside] - r * below
        a = first_inside
    while a < n:
        if j[a] >= a - 1:                      # source between x[a-1] and x[a]: implicit step
            fa = f[a]
            out[:, a] = (y[:, a] - r[:, 0] * (1.0 - fa) * out[:, a - 1]) / (1.0 + r[:, 0] * fa)
            a += 1
            continue
        b = int(np.searchsorted(j, a - 2, side="right"))      # all j < a-1 in [a, b)
        jj, ff = j[a:b], f[a:b]
        out[:, a:b] = y[:, a:b] - r * ((1.0 - ff) * out[:, jj] + ff * out[:, jj + 1])
        a = b
    return out


# ----------------------------------------------------------------------------- helpers

def _coord_value(ds, name, override, function, dim="two_theta"):
    """Override, or the coordinate ``name`` (scalar or along batch dims); error naming it."""
    if override is not None:
        try:
            value = float(override)
        except (TypeError, ValueError):
            raise AnalysisError(f"{function}: {name} must be a number, got {override!r}") \
                from None
        if not math.isfinite(value):
            raise AnalysisError(f"{function}: {name} must be finite, got {value}")
        return xr.DataArray(value), "argument"
    if name not in ds.variables:
        raise AnalysisError(f"{function}: the pattern has no {name!r} coordinate; pass "
                            f"{name}= explicitly (or read the file with a reader that sets it)")
    da = ds[name]
    if dim in da.dims:
        raise AnalysisError(f"{function}: {name!r} must not vary along {dim!r}")
    return da.reset_coords(drop=True).astype(float), "coordinate"


@public("xrd", transform=True, headline=())
def strip_kalpha2(ds: xr.Dataset, *, alpha2_ratio: float | None = None,
                  wavelength: float | None = None, wavelength_alpha2: float | None = None,
                  dim: str | None = None, var: str | None = None) -> xr.Dataset:
    r"""Remove the Kα2 contribution from XRD patterns (Rachinger 1948).

    .. math:: I_1(2\theta) = I(2\theta) - R\,I_1(2\theta'), \qquad
              2\theta' = 2\arcsin\!\left(\frac{\lambda_1}{\lambda_2}\sin\theta\right)

    evaluated from low to high 2θ, :math:`I_1(2\theta')` by linear interpolation between the
    grid points already stripped (when :math:`2\theta - 2\theta'` is smaller than the step,
    the interpolation involves the current point and the equation is solved for it). Before
    the first point, :math:`I_1` is taken as :math:`I(2\theta_{min})/(1 + R)` (the Kα1 part
    of a flat continuation of the pattern).

    Parameters
    ----------
    ds : xarray.Dataset
        XRD patterns ``intensity(..., two_theta)`` (deg), any batch dims, eager or dask, with
        the coords ``wavelength`` (Kα1, Å), ``wavelength_alpha2`` (Å) and ``alpha2_ratio``
        (scalar, or along batch dims: patterns with different lines are stripped with their
        own). A descending 2θ axis is handled (stripped in ascending order, returned in the
        original order).
    alpha2_ratio, wavelength, wavelength_alpha2 : float, optional
        Override the coords (e.g. a measured ratio of 0.48 rather than the nominal 0.5).
    dim, var : str, optional
        Signal dim (2θ, deg) and intensity variable; default the XRD convention's
        (``two_theta``, ``intensity``).

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``intensity`` replaced by the Kα1-only intensity (same units) and a new
        variable ``kalpha2`` = removed part (original − stripped). The ``alpha2_ratio`` coord
        of the result is 0 (the pattern now has no Kα2: a following
        :func:`~characterization.xrd.fit_pattern` fits single lines and stripping again is the
        identity); attrs record ``alpha2_ratio_stripped``, ``wavelength_ratio`` and the
        wavelengths used, in the provenance ``parameters`` too.

    Notes
    -----
    Assumptions: both lines have the same profile shape and width in 2θ (no dispersion
    broadening of Kα2, no Kα3 satellites or Kβ), their ratio R is the same at every angle
    (the polarisation/absorption difference of the two wavelengths is neglected), and the
    whole measured intensity, background included, is from the doublet: a smooth background
    ``B`` comes out as ``B/(1+R)``. Subtract the background first (e.g.
    :func:`~characterization.xrd.subtract_background`) if it must stay unchanged.

    Limitations: the recursion propagates and amplifies noise (each point carries
    ``R, R², ...`` times the noise of the points at ``2θ', 2θ'', ...``; the variance grows by up
    to ``1/(1-R²)``, and a wrong R leaves positive or negative Kα2 ghosts); stripped
    intensities can be negative. The interpolation is linear, so the grid must sample the
    peaks well (step ≲ FWHM/5); non-uniform grids are allowed but coarse steps degrade the
    result. A NaN propagates to every point whose chain of sources 2θ', 2θ'' ... reaches it
    (NaN-padded multi-range scans: strip each range separately). Duplicate 2θ values are
    rejected. Peak fitting with doublets (:func:`~characterization.xrd.fit_pattern`) is the
    better route for quantitative profile analysis; stripping is for display, peak search
    and position reading.

    References
    ----------
    W. A. Rachinger, "A correction for the α1α2 doublet in the measurement of widths of
    X-ray diffraction lines", J. Sci. Instrum. 25, 254–255 (1948).
    G. Hölzer et al., Phys. Rev. A 56, 4554 (1997) (Cu Kα1/Kα2 wavelengths).

    Examples
    --------
    >>> from characterization.synthetic import kalpha_patterns
    >>> from characterization.xrd import strip_kalpha2
    >>> out = strip_kalpha2(kalpha_patterns())
    >>> sorted(out.data_vars), float(out.alpha2_ratio)
    (['intensity', 'kalpha2'], 0.0)
    """
    function = "strip_kalpha2"
    if ds[dim].ndim != 1:
        raise AnalysisError(f"{function}: {dim!r} needs a 1-D coordinate (deg)")
    x = np.asarray(ds[dim].values, dtype=float)
    if x.size < 2 or not np.isfinite(x).all():
        raise AnalysisError(f"{function}: {dim!r} needs at least 2 finite values")
    if not (0.0 < x.min() and x.max() < 180.0):
        raise AnalysisError(f"{function}: {dim!r} must lie in (0, 180) deg, got "
                            f"{x.min():.6g}...{x.max():.6g}")
    order = np.argsort(x, kind="stable")
    if np.any(np.diff(x[order]) == 0):
        raise AnalysisError(f"{function}: {dim!r} has duplicate values")
    missing = [name for name, value in (("wavelength", wavelength),
                                        ("wavelength_alpha2", wavelength_alpha2),
                                        ("alpha2_ratio", alpha2_ratio))
               if value is None and name not in ds.variables]
    if missing:
        raise AnalysisError(f"{function}: the pattern has no {', '.join(map(repr, missing))} "
                            f"coordinate(s); pass {', '.join(m + '=' for m in missing)} explicitly "
                            "(or read the file with a reader that sets them)")
    ratio, ratio_src = _coord_value(ds, "alpha2_ratio", alpha2_ratio, function, dim)
    lam1, lam1_src = _coord_value(ds, "wavelength", wavelength, function, dim)
    lam2, lam2_src = _coord_value(ds, "wavelength_alpha2", wavelength_alpha2, function, dim)
    for name, da in (("alpha2_ratio", ratio), ("wavelength", lam1),
                     ("wavelength_alpha2", lam2)):
        v = np.asarray(da.values, dtype=float)
        if name == "alpha2_ratio" and np.any((v < 0) | (v >= 1) | ~np.isfinite(v)):
            raise AnalysisError(f"{function}: alpha2_ratio must be in [0, 1), got {v.ravel()[:5]}")
        if name != "alpha2_ratio" and np.any(~(v > 0)):
            raise AnalysisError(f"{function}: {name} must be > 0 Å, got {v.ravel()[:5]}")
    k = lam2 / lam1
    if np.any(~(np.asarray(k.values) > 1.0)):
        raise AnalysisError(f"{function}: wavelength_alpha2 must be longer than wavelength "
                            f"(Kα2 > Kα1), got ratio {np.asarray(k.values).ravel()[:5]}")
    da = ds[var]
    sorted_src = da.isel({dim: order})

    def kernel(y, kv, rv):
        return rachinger_kernel(y, x[order], kv, rv)

    stripped = apply_kernel(kernel, sorted_src, k, ratio, input_core_dims=[[dim], [], []],
                            output_core_dims=[[dim]])
    stripped = stripped.isel({dim: np.argsort(order)}).transpose(*da.dims)
    stripped = stripped.drop_vars([c for c in stripped.coords if c not in da.coords])
    units = da.attrs.get("units", "count")
    out = ds.copy(deep=False)
    out[var] = stripped.variable
    out[var].attrs = {**da.attrs, "units": units,
                              "long_name": f"{da.attrs.get('long_name', 'Intensity')} "
                                           "(Kα2 stripped)"}
    out["kalpha2"] = (da - stripped).variable
    out["kalpha2"].attrs = {"units": units, "long_name": "Kα2 intensity removed (Rachinger)"}
    ratio_attrs = dict(ds["alpha2_ratio"].attrs) if "alpha2_ratio" in ds.variables else {}
    ratio_attrs.setdefault("units", "1")
    ratio_attrs.setdefault("long_name", "Kα2/Kα1 ratio")
    zero = xr.zeros_like(ratio).assign_attrs(ratio_attrs)
    out = out.assign_coords(alpha2_ratio=zero)

    def _plain(v):
        v = np.asarray(v.values, dtype=float)
        return float(v) if v.ndim == 0 else v.tolist()

    used = {"alpha2_ratio": _plain(ratio), "wavelength": _plain(lam1),
            "wavelength_alpha2": _plain(lam2), "wavelength_ratio": _plain(k),
            "sources": {"alpha2_ratio": ratio_src, "wavelength": lam1_src,
                        "wavelength_alpha2": lam2_src}}
    out.attrs = {"method": "rachinger", "parameters": used}
    for key, name in (("alpha2_ratio_stripped", "alpha2_ratio"),
                      ("wavelength_ratio", "wavelength_ratio"),
                      ("wavelength_kalpha1", "wavelength"),
                      ("wavelength_kalpha2", "wavelength_alpha2")):
        value = used[name]
        out.attrs[key] = value if isinstance(value, float) else json.dumps(value)
    return out
