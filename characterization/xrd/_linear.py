"""Batched weighted linear least squares over the ``peak`` dim of peak tables (Caglioti,
Williamson–Hall, size–strain plot, 2θ calibration)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._apply import apply_kernel

__all__ = ["wls", "fit_over_peaks"]


def wls(design, y, w, return_redchi=False):
    """Batched weighted linear least squares over the second-to-last axis of ``design``.

    design (..., n, p), y (..., n), w (..., n) with w = 0 for missing points. Returns coef (..., p),
    stderr (..., p) (covariance scaled by χ²/dof, as scipy ``curve_fit(absolute_sigma=False)``)
    and r² (weighted, ...); with ``return_redchi`` also χ²/dof (...). Batches with fewer
    than p usable points give NaN.
    """
    ok = np.isfinite(y) & np.isfinite(w) & np.all(np.isfinite(design), axis=-1) & (w > 0)
    w = np.where(ok, w, 0.0)
    y0 = np.where(ok, y, 0.0)
    a0 = np.where(ok[..., None], design, 0.0)
    p = design.shape[-1]
    ata = np.einsum("...ni,...n,...nj->...ij", a0, w, a0)
    aty = np.einsum("...ni,...n,...n->...i", a0, w, y0)
    n_ok = ok.sum(axis=-1)
    good = n_ok >= p
    eye = np.broadcast_to(np.eye(p), ata.shape)
    ata_safe = np.where(good[..., None, None], ata, eye)
    det_ok = np.abs(np.linalg.det(ata_safe)) > 0
    ata_safe = np.where(det_ok[..., None, None], ata_safe, eye)
    cov = np.linalg.inv(ata_safe)
    coef = np.einsum("...ij,...j->...i", cov, aty)
    resid = y0 - np.einsum("...ni,...i->...n", a0, coef)
    chi2 = np.sum(w * resid ** 2, axis=-1)
    dof = n_ok - p
    scale = np.where(dof > 0, chi2 / np.maximum(dof, 1), np.nan)
    stderr = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1) * scale[..., None])
    wsum = np.sum(w, axis=-1)
    ybar = np.sum(w * y0, axis=-1) / np.where(wsum > 0, wsum, 1.0)
    sst = np.sum(w * (y0 - ybar[..., None]) ** 2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = 1.0 - chi2 / sst
    bad = ~(good & det_ok)
    coef = np.where(bad[..., None], np.nan, coef)
    stderr = np.where(bad[..., None], np.nan, stderr)
    r2 = np.where(bad, np.nan, r2)
    if return_redchi:
        return coef, stderr, r2, np.where(bad, np.nan, scale)
    return coef, stderr, r2


def fit_over_peaks(kernel, inputs, n_param, n_scalar=1):
    """Run a batched fit kernel over the ``peak`` core dim of ``inputs`` (DataArrays or
    numbers), returning ``coef (..., param)``, ``stderr (..., param)`` and ``n_scalar``
    per-entry numbers (``r²``, and χ²/dof ...)."""
    inputs = [x if isinstance(x, xr.DataArray) else xr.DataArray(x) for x in inputs]
    inputs = [x.reset_coords(drop=True) for x in inputs]
    return apply_kernel(kernel, *inputs,
                        input_core_dims=[["peak"] if "peak" in x.dims else [] for x in inputs],
                        output_core_dims=[["param"], ["param"]] + [[]] * n_scalar,
                        output_sizes={"param": n_param})
