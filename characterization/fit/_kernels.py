"""Numpy core of :func:`~characterization.fit.fit_peaks`: arrays in, arrays out.

:func:`fit_arrays` fits every spectrum of ``y`` (..., N) on a shared ``x`` (N,) and returns a
dict of plain arrays. It has no xarray and no dask in it, so the xarray wrapper can run it
eagerly or per dask block with identical numbers (every spectrum is solved independently; a
block changes only which spectra share a vectorised step).
"""

from __future__ import annotations

import numpy as np

from . import _quality
from ._layout import Layout
from ._problem import PeakProblem
from .derived import QUANTITIES, peak_quantities
from .guess import guess_values
from .model import Model
from .solver import SolverOptions, covariance, levenberg_marquardt

#: Names and order of the outputs of :func:`fit_arrays` (the xarray wrapper relies on it).
OUTPUTS = ("value", "stderr", "covariance", "at_bound", "best_fit", "components", "chisqr",
           "redchi", "noise", "success", "nfev", "status", "detected", *QUANTITIES,
           *(f"{q}_stderr" for q in QUANTITIES))
#: Default detection threshold (in standard errors and in noise levels), see :mod:`._quality`.
DETECTION_SIGMA = 3.0


def fit_arrays(x, y, model: Model, *, weights=None, domain=None,
               options: SolverOptions = SolverOptions(), components: bool = True,
               detection_sigma: float = DETECTION_SIGMA) -> dict:
    """Fit ``model`` to every spectrum in ``y``.

    Parameters
    ----------
    x : array_like (N,)
    y : array_like (..., N)
        Spectra; NaN points are ignored (weight 0).
    model : Model
    weights : array_like broadcastable to y, optional
        Residual weights ``1/sigma``; points with weight 0 or NaN are ignored.
    domain : (float, float), optional
        Chebyshev domain (default: min/max of x).
    options : SolverOptions
    components : bool
        Also return the per-component curves (B, C, N).
    detection_sigma : float
        Threshold ``z`` of the detection test of :mod:`._quality`.

    Returns
    -------
    dict
        Keys of :data:`OUTPUTS`, leading dims of ``y`` first. Failed spectra have NaN values,
        ``success = False`` and a negative ``status`` (see :data:`solver.STATUS`): too few
        points, degenerate data (all valid points equal), no convergence, or no peak of the
        model detected. Converged spectra with a free parameter at a bound get status 6, with
        an undetected peak status 7; the derived values (``center``, ``fwhm``, ``height``,
        ``area`` and errors) of a peak that is not detected, or whose amplitude, center or width
        sits at a bound, are NaN (``value`` keeps the raw numbers, flagged by ``at_bound``).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lead, n = y.shape[:-1], y.shape[-1]
    if x.shape != (n,):
        raise ValueError(f"x has shape {x.shape}, expected ({n},) to match y {y.shape}")
    yb = y.reshape(-1, n)
    n_spec = yb.shape[0]
    layout = Layout(model, x, domain)
    valid = np.isfinite(yb) & np.isfinite(x)[None, :]
    w = None
    if weights is not None:
        w = np.broadcast_to(np.asarray(weights, dtype=float), y.shape).reshape(-1, n)
        valid &= np.isfinite(w) & (w != 0)
        w = np.where(valid, w, 0.0)
    elif not valid.all():
        w = valid.astype(float)
    y_clean = np.where(valid, yb, 0.0)
    n_valid = valid.sum(axis=1)
    dof = n_valid - layout.n_free

    status0 = np.zeros(n_spec, dtype=np.int8)
    status0[dof < 1] = -4
    if layout.peaks:
        status0[(status0 == 0) & _quality.degenerate(yb, valid)] = -5
    values0 = np.full((n_spec, layout.n_all), np.nan)
    ok = status0 == 0
    if ok.any():
        with np.errstate(all="ignore"):
            values0[ok] = guess_values(layout, y_clean[ok], valid[ok])
    status0[ok & ~np.isfinite(values0).all(axis=1)] = -2
    values0 = np.where(np.isfinite(values0), values0, 0.0)
    offsets = layout.offsets(values0)
    problem = PeakProblem(layout, y_clean, w, offsets)
    result = levenberg_marquardt(problem, values0[:, layout.free_index], layout.lower,
                                 layout.upper, options, status0=status0)
    success = result.success
    p_all = layout.expand(result.params, offsets)
    p_all[~success] = np.nan
    with np.errstate(all="ignore"):
        cov_free = covariance(result.jtj, result.chi2, dof.astype(float))
        cov_all = layout.covariance_all(cov_free)
        cov_all[~success] = np.nan
        stderr = np.sqrt(np.abs(np.diagonal(cov_all, axis1=1, axis2=2)))
        stderr = np.where(np.isfinite(np.diagonal(cov_all, axis1=1, axis2=2)), stderr, np.nan)
        chisqr = np.where(success, result.chi2, np.nan)
        redchi = np.where(success & (dof > 0), result.chi2 / np.maximum(dof, 1), np.nan)
        best_fit = np.full((n_spec, n), np.nan)
        comps = np.full((n_spec, len(layout.component_names), n), np.nan) if components else None
        done = np.flatnonzero(success)
        for start in range(0, done.size, options.block_size):   # cache-sized blocks
            idx = done[start:start + options.block_size]
            best_fit[idx] = layout.evaluate(p_all[idx], np.empty((idx.size, n)))
            if components:
                comps[idx] = layout.components(p_all[idx])
        derived, derived_err = peak_quantities(layout, p_all, cov_all)
        noise = np.full(n_spec, np.nan)
        kappa = np.ones(n_spec)
        if done.size:
            rows = slice(None) if done.size == n_spec else done     # no copies when all done
            noise[rows], kappa[rows] = _quality.residual_noise(y_clean[rows], best_fit[rows],
                                                               valid[rows])
    status = result.status.astype(np.int64)
    bound = _quality.at_bound(layout, p_all, yb, valid) & success[:, None]
    n_peaks = len(layout.peaks)
    if n_peaks:
        n_trials = _quality.trials(layout, derived["fwhm"])
        found = _quality.detected(derived["height"], derived_err["height"], kappa, n_trials,
                                  float(detection_sigma)) & success[:, None]
        lost = success & ~found.any(axis=1)             # nothing above the noise: a failure
        status[lost] = -6
        success = success & ~lost
        for arr in (p_all, stderr, cov_all, best_fit, chisqr, redchi, *derived.values(),
                    *derived_err.values(), *([comps] if components else [])):
            arr[lost] = np.nan
        bound[lost] = False
        void = ~found
        for k, cols in enumerate(_quality.defining_columns(layout)):
            void[:, k] |= bound[:, cols].any(axis=1)
        for q in QUANTITIES:
            derived[q][void] = np.nan
            derived_err[q][void] = np.nan
        status[success & ~found.all(axis=1)] = 7
    else:
        found = np.zeros((n_spec, 0), dtype=bool)
    status[success & bound.any(axis=1)] = 6
    out = {"value": p_all, "stderr": stderr, "covariance": cov_all, "at_bound": bound,
           "best_fit": best_fit, "components": comps, "chisqr": chisqr, "redchi": redchi,
           "noise": noise, "success": success, "nfev": result.nfev, "status": status,
           "detected": found}
    for q in QUANTITIES:
        out[q] = derived[q]
        out[f"{q}_stderr"] = derived_err[q]
    return {k: (None if v is None else v.reshape(lead + v.shape[1:])) for k, v in out.items()}
