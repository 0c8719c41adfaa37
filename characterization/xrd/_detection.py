r"""Is a fitted line really there? Detection of the peaks of a :func:`fit_pattern` result.

A line is **detected** in a pattern when its fitted area is significant,

.. math:: A > z\,\sigma_A ,

with :math:`\sigma_A` the area's standard error from the fit covariance (an undefined error
means not detected) and ``z`` = 3. (A test of the height against the residual rms was tried
and rejected: on high-count standards the residual is dominated by profile misfit of the
strong lines and real weak lines failed it.) A pattern
that is constant over the fitted range (all zeros, a flat offset) is **degenerate**: no line
is detected. Values of undetected lines are NaN (a line that is not there has no position,
width or area), and ``success`` is False when no line of a pattern is detected; ``reason``
says why.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._apply import apply_kernel

#: Significance (in standard errors) of a detected line.
Z_DETECT = 3.0


def _reason_kernel(detected, degenerate, at_bound, *, labels):
    det = np.asarray(detected, dtype=bool)
    flat_det = det.reshape(-1, det.shape[-1])
    flat_bound = np.asarray(at_bound, dtype=bool).reshape(flat_det.shape)
    flat_deg = np.asarray(degenerate, dtype=bool).reshape(-1)
    out = np.empty(flat_deg.size, dtype=object)
    for b in range(flat_deg.size):
        if flat_deg[b]:
            out[b] = "constant data: no peak detected"
            continue
        if not flat_det[b].any():
            out[b] = "no peak detected"
            continue
        parts = [f"{lab} not detected" for lab, d in zip(labels, flat_det[b]) if not d]
        parts += [f"{lab} width at bound" for lab, d, w in zip(labels, flat_det[b], flat_bound[b])
                  if d and w]
        out[b] = "; ".join(parts)
    return out.reshape(det.shape[:-1])


def apply_detection(res: xr.Dataset, data: xr.DataArray, dim: str, ranges) -> xr.Dataset:
    """Add ``detected`` (peak), ``reason`` (per pattern) to a fit_pattern result, NaN the
    per-peak values of undetected lines and set ``success`` False where none is detected.
    ``ranges`` are the fitted (lo, hi) 2θ windows; the engine's own ``detected`` (where it
    has one) is combined with this test."""
    x = data[dim]
    inside = xr.zeros_like(x, dtype=bool)
    for lo, hi in ranges:
        inside = inside | ((x >= lo) & (x <= hi))
    y_in = data.reset_coords(drop=True).where(inside.reset_coords(drop=True))
    degenerate = (y_in.max(dim, skipna=True) - y_in.min(dim, skipna=True)) <= 0
    area, area_err = res["area"], res["area_stderr"]
    detected = area_err.notnull() & (area > Z_DETECT * area_err) & ~degenerate
    if "detected" in res and res["detected"].dims == detected.dims:
        detected = detected & res["detected"].astype(bool)
    detected = detected.reset_coords(drop=True).assign_attrs(
        long_name=f"line detected (area > {Z_DETECT:g} x its standard error)")
    at_bound = res["fwhm_at_bound"] if "fwhm_at_bound" in res else xr.zeros_like(detected)
    labels = [str(v) for v in res["peak"].values]
    reason = apply_kernel(_reason_kernel, detected, degenerate.reset_coords(drop=True),
                          at_bound.reset_coords(drop=True),
                          input_core_dims=[["peak"], [], ["peak"]], output_dtypes=[object],
                          kwargs={"labels": labels})
    out = res.copy()
    for name, v in res.data_vars.items():
        if "peak" in v.dims and v.dtype.kind == "f":
            out[name] = v.where(detected)
    out["detected"] = detected
    out["reason"] = reason.assign_attrs(long_name="why values are missing or flagged")
    out["success"] = (res["success"] & detected.any("peak")).assign_attrs(res["success"].attrs)
    return out
