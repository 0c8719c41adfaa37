r"""Background subtraction of XRD patterns: SNIP, iterative Chebyshev, or any pybaselines method.

:func:`subtract_background` estimates a smooth background under every pattern of a batch and
subtracts it. Two methods are implemented here as batched numpy kernels (all patterns of a
chunk at once, no Python loop over patterns):

* ``"snip"`` — the Statistics-sensitive Non-linear Iterative Peak-clipping algorithm (Ryan et
  al. 1988) in the decreasing-window form of Morháč & Matoušek (2008), on the LLS
  (log-log-square-root) transformed intensities, with the window given in degrees 2θ;
* ``"chebyshev"`` — an iteratively peak-clipped Chebyshev series fit (the idea of modpoly /
  imodpoly, Lieber & Mahadevan-Jansen 2003, Zhao et al. 2007, with points excluded instead
  of clipped).

Any other name is a :class:`pybaselines.Baseline` method, run through the machinery shared
with :func:`characterization.raman.subtract_background` (:mod:`characterization._baseline_core`).

Why not pybaselines' own ``snip``: it computes the same clipping recursion, but one pattern per
Python call, with its window in points and with edge padding; the version here is a few lines,
runs on the whole batch at once and takes its window in degrees (the natural unit for peak
widths). pybaselines' variant stays reachable as ``method="pybaselines.snip"``.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError

__all__ = ["subtract_background"]

_OWN = ("snip", "chebyshev")


# ----------------------------------------------------------------------------- kernels

def _lls(y):
    """LLS operator v = log(log(sqrt(y + 1) + 1) + 1) (y clipped at 0)."""
    return np.log(np.log(np.sqrt(np.maximum(y, 0.0) + 1.0) + 1.0) + 1.0)


def _lls_inverse(v):
    return (np.exp(np.exp(v) - 1.0) - 1.0) ** 2 - 1.0


def _moving_average(y, h: int):
    """Centred moving average over ±h points along the last axis (window shrinks at the ends)."""
    n = y.shape[-1]
    c = np.concatenate([np.zeros(y.shape[:-1] + (1,)), np.cumsum(y, axis=-1)], axis=-1)
    i = np.arange(n)
    lo, hi = np.maximum(i - h, 0), np.minimum(i + h + 1, n)
    return (c[..., hi] - c[..., lo]) / (hi - lo)


def snip_kernel(y, half_window: int, decreasing: bool = True, smooth_half_window: int = 0):
    """SNIP background of ``y`` (..., N), clipping windows ``half_window`` ... 1 points.

    For each window ``p`` every interior point is replaced by
    ``min(v[i], (v[i-p] + v[i+p]) / 2)`` on the LLS scale; the ``p`` outermost points on each
    side are left as they are. With ``smooth_half_window`` > 0 the data are first smoothed by a
    moving average over ±that many points. Spectra containing NaN give NaN.
    """
    y = np.asarray(y, dtype=float)
    v = _lls(_moving_average(y, smooth_half_window) if smooth_half_window > 0 else y)
    n = y.shape[-1]
    m = int(min(half_window, (n - 1) // 2))
    windows = range(m, 0, -1) if decreasing else range(1, m + 1)
    for p in windows:
        mean = 0.5 * (v[..., :-2 * p] + v[..., 2 * p:])
        v[..., p:n - p] = np.minimum(v[..., p:n - p], mean)
    out = _lls_inverse(v)
    bad = ~np.isfinite(y).all(axis=-1)
    out[bad] = np.nan
    return out


def chebyshev_kernel(y, x, order: int, threshold: float, max_iter: int, noise: str = "rms"):
    """Iteratively clipped Chebyshev background of ``y`` (..., N) on the axis ``x`` (N,).

    Returns ``(background, n_iter)``; see :func:`subtract_background` for the algorithm.
    """
    from numpy.polynomial import chebyshev

    y = np.asarray(y, dtype=float)
    shape = y.shape
    flat = y.reshape(-1, shape[-1])
    x = np.asarray(x, dtype=float)
    t = (2.0 * x - (x.max() + x.min())) / (x.max() - x.min())
    vander = chebyshev.chebvander(t, order)                     # (N, p)
    finite = np.isfinite(flat).all(axis=-1)
    y0 = np.where(finite[:, None], flat, 0.0)
    keep = np.ones(flat.shape, dtype=bool)
    fit = np.zeros_like(y0)
    n_iter = np.zeros(flat.shape[0], dtype=int)
    active = finite.copy()
    for _ in range(max_iter):
        if not active.any():
            break
        w = keep[active].astype(float)
        ata = np.einsum("ni,bn,nj->bij", vander, w, vander)
        aty = np.einsum("ni,bn->bi", vander, w * y0[active])
        coef = np.linalg.solve(ata, aty[..., None])[..., 0]
        fit_a = coef @ vander.T
        resid = y0[active] - fit_a
        if noise == "poisson":                  # residuals in units of sqrt(counts)
            resid = resid / np.sqrt(np.abs(fit_a) + 1.0)
        n_keep = w.sum(axis=-1)
        sigma = np.sqrt(np.sum(w * resid ** 2, axis=-1) / np.maximum(n_keep - vander.shape[1], 1))
        new_keep = resid <= threshold * sigma[:, None]
        # never drop below the number of coefficients (keep the lowest points instead)
        too_few = new_keep.sum(axis=-1) < vander.shape[1] + 1
        if too_few.any():
            new_keep[too_few] = keep[active][too_few]
        changed = (new_keep != keep[active]).any(axis=-1)
        idx = np.flatnonzero(active)
        fit[idx] = fit_a
        keep[idx] = new_keep
        n_iter[idx] += 1
        active[idx[~changed]] = False
    fit[~finite] = np.nan
    return fit.reshape(shape), n_iter.reshape(shape[:-1])


# ----------------------------------------------------------------------------- helpers

def _check_pattern(ds, dim, var, function):
    """Signal-axis values and intensity units; ``dim``/``var`` already resolved (decorator)."""
    if ds[dim].ndim != 1 or ds[dim].dtype.kind not in "fiu":
        raise AnalysisError(f"{function}: {dim!r} needs a 1-D numeric coordinate (deg)")
    x = np.asarray(ds[dim].values, dtype=float)
    if not np.isfinite(x).all():
        raise AnalysisError(f"{function}: coordinate {dim!r} has non-finite values")
    if x.size < 3:
        raise AnalysisError(f"{function}: needs at least 3 points along {dim!r}, got {x.size}")
    units = ds[var].attrs.get("units")
    if not isinstance(units, str):
        raise AnalysisError(f"{function}: {var!r} has no attrs['units']")
    return x, units


def _uniform_step(x, function):
    """|step| of a uniform (monotonic) grid; AnalysisError for unsorted or non-uniform grids."""
    dx = np.diff(x)
    if not ((dx > 0).all() or (dx < 0).all()):
        raise AnalysisError(f"{function}: 'two_theta' must be strictly monotonic for SNIP "
                            "(sort the pattern first, e.g. ds.sortby('two_theta'))")
    step = float(np.median(np.abs(dx)))
    if np.max(np.abs(np.abs(dx) - step)) > 0.05 * step:
        raise AnalysisError(f"{function}: SNIP needs a uniform 2θ grid (steps vary from "
                            f"{np.abs(dx).min():.6g} to {np.abs(dx).max():.6g}°); interpolate "
                            "onto a uniform grid or use method='chebyshev'")
    return step


# ----------------------------------------------------------------------------- public

@public("xrd", transform=True, headline=())
def subtract_background(ds: xr.Dataset, *, method: str = "snip", dim: str | None = None,
                        var: str | None = None, **options) -> xr.Dataset:
    r"""Estimate and subtract a smooth background from every XRD pattern.

    Parameters
    ----------
    ds : xarray.Dataset
        XRD patterns ``intensity(..., two_theta)`` (2θ in deg), any batch dims, eager or
        dask-chunked along batch dims (the 2θ dim is put in one chunk).
    method : str
        ``"snip"`` (default), ``"chebyshev"``, or the name of any :class:`pybaselines.Baseline`
        method (``"arpls"``, ``"imodpoly"``, ``"rolling_ball"`` ..., see
        :func:`characterization._baseline_core.available_methods`); ``"pybaselines.<name>"``
        forces the pybaselines implementation (e.g. ``"pybaselines.snip"``).
    dim, var : str, optional
        Signal dim and intensity variable; default those of the XRD convention
        (``two_theta``, ``intensity``).
    **options
        Options of the method:

        ``"snip"``: ``max_half_window`` (deg 2θ, default 1.0): the largest clipping
        half-window, converted to points with the grid step (rounded, at least 1); choose it
        about the full width at the base of the broadest peak. ``decreasing`` (bool, default
        True): windows from the largest down to 1 point (Morháč & Matoušek 2008) or upwards
        (Ryan et al. 1988). ``smooth_half_window`` (deg, default 0): moving-average
        smoothing of the data (±that width) before clipping, against the noise bias (Notes);
        keep it well below the peak FWHM.

        ``"chebyshev"``: ``order`` (int, default 4): degree of the Chebyshev series;
        ``threshold`` (default 1.0): points more than ``threshold`` residual standard
        deviations above the current fit are excluded; ``max_iter`` (default 100);
        ``noise`` (``"rms"`` default: one σ for the whole pattern; ``"poisson"``: residuals
        divided by :math:`\sqrt{|b_i| + 1}` first, for counts, where the noise grows with the
        background).

        pybaselines methods: the keyword arguments of that method, passed unchanged (their
        windows are in points, ``lam`` as for Raman).

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``intensity`` replaced by the background-subtracted intensity (same units)
        and a new variable ``background`` (same dims and units); the 2θ axis is the original
        one. Provenance (method, every option, the SNIP window in points, library version) in
        attrs, appended to the ``preprocessing`` history. ``"chebyshev"`` adds ``n_iter`` (per
        pattern, iterations used).

    Notes
    -----
    **SNIP.** With :math:`v = \ln(\ln(\sqrt{y + 1} + 1) + 1)` (the LLS operator, which
    compresses the dynamic range so that weak and strong peaks are clipped alike), each
    clipping pass with half-window :math:`p` replaces

    .. math:: v_i \leftarrow \min\bigl(v_i,\ (v_{i-p} + v_{i+p})/2\bigr),

    for :math:`p = m, m-1, \dots, 1` (``decreasing``), and the background is the inverse
    transform :math:`b = (\exp(\exp v - 1) - 1)^2 - 1`. The background never exceeds the data.
    A background with curvature comparable to the peaks is under-estimated, and the
    :math:`p` outermost points keep the data value (peaks within ``max_half_window`` of an end
    of the scan are not clipped). SNIP needs a sorted, uniform grid (checked); negative
    intensities are treated as 0 by the transform. On noisy data SNIP follows the lower
    envelope of the noise: on raw Poisson counts the background comes out about 2–3 standard
    deviations low (the LLS operator does not remove this); ``smooth_half_window`` reduces it
    roughly by the square root of the number of points averaged.

    **Chebyshev.** With :math:`t = (2\cdot 2\theta - (2\theta_{max} + 2\theta_{min})) /
    (2\theta_{max} - 2\theta_{min}) \in [-1, 1]`, the series
    :math:`b(t) = \sum_{k=0}^{n} c_k T_k(t)` is fitted by least squares to the points of a set
    S (initially all points); then S becomes the points with
    :math:`y_i - b_i \le \text{threshold}\cdot\sigma`, σ the rms residual over S (with
    ``noise="poisson"`` the residuals are first divided by :math:`\sqrt{|b_i| + 1}`), and the fit
    is repeated until S stops changing (per pattern). Peaks are excluded after a few
    iterations; the positive noise tail above ``threshold``·σ is excluded too, which biases
    the background low by a fraction of σ (about 0.3 σ for threshold 1). Works on
    non-uniform and descending grids. Too high an order follows broad peaks (amorphous humps
    are then partly taken as background).

    Spectra containing NaN (e.g. NaN-padded multi-range scans) get a NaN background.

    References
    ----------
    C. G. Ryan, E. Clayton, W. L. Griffin, S. H. Sie, D. R. Cousens, Nucl. Instrum. Methods
    B 34, 396–402 (1988) (SNIP, LLS operator).
    M. Morháč, V. Matoušek, Appl. Spectrosc. 62, 91–106 (2008) (decreasing clipping window).
    C. A. Lieber, A. Mahadevan-Jansen, Appl. Spectrosc. 57, 1363–1367 (2003) (modpoly);
    J. Zhao, H. Lui, D. I. McLean, H. Zeng, Appl. Spectrosc. 61, 1225–1232 (2007) (imodpoly).
    D. Erb, pybaselines, doi:10.5281/zenodo.5608581.

    Examples
    --------
    >>> from characterization.synthetic import kalpha_patterns
    >>> from characterization.xrd import subtract_background
    >>> out = subtract_background(kalpha_patterns(), method="snip", max_half_window=1.0)
    >>> sorted(out.data_vars), out.background.attrs["units"]
    (['background', 'intensity'], 'count')
    """
    function = "subtract_background"
    x, y_units = _check_pattern(ds, dim, var, function)
    if not isinstance(method, str):
        raise AnalysisError(f"{function}: method must be a string, got {method!r}")
    name = method.lower()
    da = ds[var]
    src = da
    params = dict(options)
    extra = {}
    library = None
    if name == "snip":
        unknown = set(options) - {"max_half_window", "decreasing", "smooth_half_window"}
        if unknown:
            raise AnalysisError(f"{function}: unknown option(s) {sorted(unknown)} for 'snip' "
                                "(accepted: max_half_window (deg), decreasing, "
                                "smooth_half_window (deg))")
        smooth = options.get("smooth_half_window", 0.0)
        try:
            smooth = float(smooth)
        except (TypeError, ValueError):
            raise AnalysisError(f"{function}: smooth_half_window must be a number of degrees, "
                                f"got {smooth!r}") from None
        if not (math.isfinite(smooth) and smooth >= 0):
            raise AnalysisError(f"{function}: smooth_half_window must be >= 0 deg, "
                                f"got {smooth}")
        width = options.get("max_half_window", 1.0)
        try:
            width = float(width)
        except (TypeError, ValueError):
            raise AnalysisError(f"{function}: max_half_window must be a number of degrees, "
                                f"got {width!r}") from None
        if not (math.isfinite(width) and width > 0):
            raise AnalysisError(f"{function}: max_half_window must be > 0 deg, got {width}")
        step = _uniform_step(x, function)
        points = max(1, int(round(width / step)))
        decreasing = bool(options.get("decreasing", True))
        smooth_points = int(round(smooth / step))
        params.update(max_half_window=width, decreasing=decreasing, half_window_points=points,
                      smooth_half_window=smooth, smooth_half_window_points=smooth_points)
        base = apply_kernel(snip_kernel, src, input_core_dims=[[dim]],
                            output_core_dims=[[dim]],
                            kwargs={"half_window": points, "decreasing": decreasing,
                                    "smooth_half_window": smooth_points})
    elif name == "chebyshev":
        unknown = set(options) - {"order", "threshold", "max_iter", "noise"}
        if unknown:
            raise AnalysisError(f"{function}: unknown option(s) {sorted(unknown)} for "
                                "'chebyshev' (accepted: order, threshold, max_iter, noise)")
        noise = options.get("noise", "rms")
        if noise not in ("rms", "poisson"):
            raise AnalysisError(f"{function}: noise must be 'rms' or 'poisson', got {noise!r}")
        order = options.get("order", 4)
        threshold = options.get("threshold", 1.0)
        max_iter = options.get("max_iter", 100)
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
            raise AnalysisError(f"{function}: order must be an integer >= 0, got {order!r}")
        if order + 2 > x.size:
            raise AnalysisError(f"{function}: order {order} needs more than {order + 1} points "
                                f"along 'two_theta' (have {x.size})")
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            raise AnalysisError(f"{function}: threshold must be a number, "
                                f"got {threshold!r}") from None
        if not (math.isfinite(threshold) and threshold > 0):
            raise AnalysisError(f"{function}: threshold must be > 0 (in residual standard "
                                f"deviations), got {threshold}")
        if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) \
                or max_iter < 1:
            raise AnalysisError(f"{function}: max_iter must be an integer >= 1, "
                                f"got {max_iter!r}")
        params.update(order=int(order), threshold=threshold, max_iter=int(max_iter),
                      noise=noise)
        base, n_iter = apply_kernel(
            chebyshev_kernel, src, input_core_dims=[[dim]],
            output_core_dims=[[dim], []], output_dtypes=[float, int],
            kwargs={"x": x, "order": int(order), "threshold": threshold,
                    "max_iter": int(max_iter), "noise": noise})
        extra["n_iter"] = n_iter.assign_attrs(units="1", long_name="Chebyshev clipping "
                                                                     "iterations")
    else:
        import pybaselines

        from .._baseline_core import check_method, pybaselines_baseline

        pb_name = name[len("pybaselines."):] if name.startswith("pybaselines.") else name
        pb_name = check_method(pb_name, function)
        base = pybaselines_baseline(src, x, dim, pb_name, options, function)
        name = f"pybaselines.{pb_name}"
        library = f"pybaselines {pybaselines.__version__}"
    base = base.transpose(*da.dims)
    out = ds.copy(deep=False)
    out[var] = (da - base).variable
    out[var].attrs = {**da.attrs, "units": y_units}
    out["background"] = base.variable
    out["background"].attrs = {"units": y_units, "long_name": f"Background ({name})"}
    for key, value in extra.items():
        out[key] = value
    prov = {"options": params}
    if library:
        prov["library"] = library
    out.attrs = {"method": name, "parameters": prov}
    return out
