r"""Surface contact (zero point) of indentation tests, with its uncertainty."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._kernels import fill_gaps, robust_sigma, valid_length
from ._labels import require


def contact_index(p: np.ndarray, *, threshold: float = 5.0) -> tuple[int, float, float]:
    """numpy: (index of the last point before contact, baseline load, load noise σ).

    Walks back from the peak load to the last point whose load is within ``threshold`` σ of
    the pre-contact baseline (median of the loads below 2 % of the peak before it, then of the
    200 points up to the first estimate), so a pre-load or lift-off at the start of the record
    is not taken for the contact.
    """
    imax = int(np.nanargmax(p))
    sigma = robust_sigma(p)
    before = p[:imax]
    low = before[before < 0.02 * p[imax]]
    base = float(np.median(low)) if low.size else 0.0
    index = -1
    for _ in range(2):
        # second pass: the baseline from the 200 points before the first estimate only
        limit = base + max(threshold * sigma, 1e-3 * (p[imax] - base))
        below = np.flatnonzero(before <= limit)
        if not below.size:
            return -1, base, sigma
        index = int(below[-1])
        base = float(np.median(p[max(0, index - 200):index + 1]))
    return index, base, sigma


def _power_law(h, h0, c, n):
    return c * np.clip(h - h0, 0.0, None) ** n


def _surface_one(p, h, *, threshold, fit_fraction):
    nan = (np.nan, np.nan, np.nan, np.nan, False)
    n = valid_length(p, h)
    if n < 10:
        return nan
    p, h = fill_gaps(p[:n]), fill_gaps(h[:n])
    i0, base, sigma = contact_index(p, threshold=threshold)
    if i0 < 0:
        return (h[0], np.nan, base, 0.0, True)       # in contact from the first point
    imax = int(np.argmax(p))
    top = base + fit_fraction * (p[imax] - base)
    j = i0 + 1 + np.flatnonzero(p[i0 + 1:imax + 1] >= top)
    stop = int(j[0]) + 1 if j.size else imax + 1
    hh, pp = h[i0:stop], p[i0:stop] - base
    if hh.size < 5:
        return (h[i0], abs(h[min(i0 + 1, n - 1)] - h[i0]), base, float(i0), True)
    from scipy.optimize import curve_fit

    span = max(hh[-1] - hh[0], 1e-9)
    guess = (hh[0], max(pp[-1], 1e-12) / span ** 1.5, 1.5)
    try:
        popt, pcov = curve_fit(_power_law, hh, pp, p0=guess,
                               bounds=([hh[0] - span, 0, 1.0], [hh[-1], np.inf, 3.0]),
                               sigma=np.full(hh.size, max(sigma, 1e-12)), absolute_sigma=False,
                               maxfev=2000)
    except (RuntimeError, ValueError):
        return (h[i0], abs(h[min(i0 + 1, n - 1)] - h[i0]), base, float(i0), False)
    h0 = float(popt[0])
    err = float(np.sqrt(pcov[0, 0])) if np.isfinite(pcov[0, 0]) else np.nan
    at_bound = np.isclose(h0, hh[0] - span) or np.isclose(h0, hh[-1])
    if at_bound:
        return (h[i0], abs(h[min(i0 + 1, n - 1)] - h[i0]), base, float(i0), False)
    # the contact index: last point not deeper than the fitted surface
    k = np.flatnonzero(h[:stop] <= h0)
    k = k[k >= i0 - (stop - i0)]
    index = float(k[-1]) if k.size else float(i0)
    return (h0, err, base, index, True)


def _surface_kernel(p, h, **kw):
    shape = np.broadcast_shapes(p.shape[:-1], h.shape[:-1])
    n = p.shape[-1]
    p, h = np.broadcast_to(p, shape + (n,)), np.broadcast_to(h, shape + (n,))
    outs = [np.full(shape, np.nan) for _ in range(4)] + [np.zeros(shape, bool)]
    for i in np.ndindex(shape):
        for o, v in zip(outs, _surface_one(p[i], h[i], **kw)):
            o[i] = v
    return tuple(outs)


@public("nanoindent", batch_dim="indent", transform=True,
        headline=("surface_displacement", "surface_found"))
def zero_point(ds: xr.Dataset, *, threshold: float = 5.0,
               fit_fraction: float = 0.05) -> xr.Dataset:
    r"""Find the surface contact of each test and put the zero of depth and load there.

    1. **Contact window**: walking back from the peak load, the last point whose load is
       within :math:`\max(k\sigma_P, 10^{-3}P_{max})` of the pre-contact baseline :math:`P_0`
       (median of the loads below 2 % of the peak before it, then of the 200 points up to
       that first estimate; σ_P from the MAD of the load steps;
       k = ``threshold``). Walking back, not forward, is what ignores a pre-load or lift-off
       at the start of a record (the Hysitron TI 990 exports start at ≈2 mN at negative
       depth, decaying to zero before the approach: a forward search would put the surface
       there).
    2. **Refinement**: the loading curve from that point up to ``fit_fraction`` of the peak
       load is fitted with :math:`P - P_0 = C\,(h - h_0)^n` (1 ≤ n ≤ 3, least squares,
       weights from σ_P); :math:`h_0` is the surface displacement and its standard error,
       from the fit covariance, its uncertainty.

    The displacement is shifted by :math:`-h_0` and the load by :math:`-P_0`, per test.

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data (``load``, ``displacement`` along ``point``; batch dims such as
        ``indent``; NaN padding allowed).
    threshold : float
        k, in load-noise standard deviations, of the contact window.
    fit_fraction : float
        Upper end of the fitted part of the loading curve, as a fraction of the peak load.

    Returns
    -------
    xarray.Dataset
        The input with ``displacement`` and ``load`` zeroed at the surface, plus per test
        ``surface_displacement`` (nm, in the input's frame), ``surface_displacement_stderr``,
        ``surface_load`` (the baseline load P_0 removed), ``surface_index`` (last point before
        contact; :func:`energies` integrates loading from it) and ``surface_found``.
        A test whose fit fails or ends at a bound keeps the contact-window point with the
        depth step there as its uncertainty and ``surface_found=False``.

    Notes
    -----
    Assumptions: the load before contact is flat (noise around a baseline); contact is where
    the load starts its final rise to the peak. Limitations: a power law with a free exponent
    absorbs some tip rounding; on very soft samples or with a surface-stiffness trigger
    (CSM, NanoSuite/InView) the vendor's own surface index may be better (keep it: the
    vendor's "Displacement Into Surface" is already zeroed).

    References
    ----------
    ISO 14577-1:2015, 7.3 (zero point). Kalidindi, S. R. & Pathak, S., "Determination of the
    effective zero-point and the extraction of spherical nanoindentation stress–strain
    curves", Acta Mater. 56, 3523–3532 (2008).

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> from characterization.nanoindent import zero_point
    >>> ds = indentation_curves(2, approach_time=5.0, surface_offset=-40.0, seed=1)
    >>> out = zero_point(ds)
    >>> [round(float(v), 1) for v in out.surface_displacement.values]
    [-40.0, -40.0]
    """
    require(ds, "zero_point")
    if not threshold > 0 or not 0 < fit_fraction <= 1:
        raise AnalysisError("zero_point: threshold must be > 0 and 0 < fit_fraction <= 1")
    h0, err, base, index, ok = apply_kernel(
        _surface_kernel, ds["load"], ds["displacement"],
        input_core_dims=[["point"], ["point"]], output_core_dims=[()] * 5,
        output_dtypes=[float] * 4 + [bool],
        kwargs={"threshold": float(threshold), "fit_fraction": float(fit_fraction)})
    du = ds["displacement"].attrs.get("units", "nm")
    lu = ds["load"].attrs.get("units", "mN")
    out = ds.copy()
    out["displacement"] = (ds["displacement"] - h0).assign_attrs(ds["displacement"].attrs)
    out["load"] = (ds["load"] - base).assign_attrs(ds["load"].attrs)
    out["surface_displacement"] = h0.assign_attrs(units=du, long_name="Surface contact depth "
                                                  "in the input's displacement frame")
    out["surface_displacement_stderr"] = err.assign_attrs(
        units=du, long_name="Standard error of the surface displacement")
    out["surface_load"] = base.assign_attrs(units=lu, long_name="Baseline load removed")
    out["surface_index"] = index.assign_attrs(units="1", long_name="Last point before contact")
    out["surface_found"] = ok.assign_attrs(long_name="Surface refined by the contact fit")
    out = out.transpose(*ds["load"].dims, ...)
    out.attrs["method"] = "contact window + power-law fit of the first loading"
    return out
