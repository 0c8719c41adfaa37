r"""Energy alignment of a series to a reference spectrum (``exafs.align``).

The shift of each spectrum is found by least squares on the derivative of the chosen channel
(normally the reference-foil channel ``mu_reference`` measured with every scan), then applied to
the energy axis explicitly: every variable on energy is re-interpolated onto the common grid at
E + shift and the shift is recorded as ``energy_shift``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.optimize import minimize_scalar

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._common import REASON, attach
from .grids import _interp_kernel


def derivative(x, y):
    """dy/dE on a possibly non-uniform grid (NaN-safe: NaN where y is NaN)."""
    return np.gradient(y, x, axis=-1)


def _misfit(shift, x, d, ref_x, ref_d, lo, hi):
    """Sum of squares of scale·d(E + shift) − d_ref(E) on [lo, hi], scale solved exactly."""
    sel = (ref_x >= lo) & (ref_x <= hi)
    e = ref_x[sel]
    moved = np.interp(e + shift, x, d, left=np.nan, right=np.nan)
    target = ref_d[sel]
    ok = np.isfinite(moved) & np.isfinite(target)
    if ok.sum() < 5:
        return np.inf
    m, t = moved[ok], target[ok]
    denom = float(m @ m)
    scale = float(m @ t) / denom if denom > 0 else 0.0
    return float(np.sum((scale * m - t) ** 2)) / ok.sum()


def find_shift(x, y, ref_x, ref_y, *, lo, hi, max_shift):
    """Energy shift s (eV) with y(E + s) best matching ref_y(E) in derivative; (s, reason)."""
    ok = np.isfinite(y) & np.isfinite(x)
    if ok.sum() < 10:
        return np.nan, "fewer than 10 finite points"
    x, y = x[ok], y[ok]
    d = derivative(x, y)
    rok = np.isfinite(ref_y) & np.isfinite(ref_x)
    ref_d = derivative(ref_x[rok], ref_y[rok])
    rx = ref_x[rok]
    grid = np.arange(-max_shift, max_shift + 1e-9, 0.1)
    costs = np.array([_misfit(s, x, d, rx, ref_d, lo, hi) for s in grid])
    if not np.isfinite(costs).any():
        return np.nan, "no overlap with the reference in range"
    i = int(np.nanargmin(costs))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    res = minimize_scalar(_misfit, bounds=(a, b), method="bounded",
                          args=(x, d, rx, ref_d, lo, hi), options={"xatol": 1e-4})
    s = float(res.x)
    if abs(s) > max_shift - 0.05:
        return np.nan, f"shift at the bound ±{max_shift} eV (no match inside; raise max_shift?)"
    return s, ""


def _align_kernel(y, *, x, ref_y, lo, hi, max_shift):
    shape = y.shape[:-1]
    flat = y.reshape(-1, y.shape[-1])
    shift = np.full(flat.shape[0], np.nan)
    reason = np.full(flat.shape[0], "", dtype=REASON)
    for b in range(flat.shape[0]):
        shift[b], reason[b] = find_shift(x, flat[b], x, ref_y, lo=lo, hi=hi,
                                         max_shift=max_shift)
    return shift.reshape(shape), reason.reshape(shape)


def _shift_kernel(y, s, *, x):
    shape = y.shape[:-1]
    flat = y.reshape(-1, y.shape[-1])
    s = np.broadcast_to(s, shape).reshape(-1)
    out = np.full(flat.shape, np.nan)
    for b in range(flat.shape[0]):
        if np.isfinite(s[b]):
            out[b] = _interp_kernel(flat[b][None], x=x, new=x + s[b])[0]
    return out.reshape(y.shape)


@public("exafs", batch_dim="sample", transform=True, headline=("energy_shift",))
def align(ds: xr.Dataset, *, reference: xr.DataArray, var: str | None = "mu_reference",
          range=None, max_shift: float = 10.0, dim: str | None = None) -> xr.Dataset:
    r"""Align the energy axis of every spectrum to a reference spectrum.

    .. math::

        \hat s = \arg\min_s \min_a \sum_{E \in \mathrm{range}}
        \Bigl[a\,\frac{d y}{dE}(E + s) - \frac{d y_{ref}}{dE}(E)\Bigr]^2,

    then every variable on energy is re-interpolated (linearly) at E + ŝ, i.e. the spectrum's
    energy axis is corrected by −ŝ, and ``energy_shift`` = ŝ is recorded. A coarse scan of s
    (0.1 eV steps) followed by a bounded 1-D minimisation avoids local minima.

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra on ``energy`` (eV) with the channel ``var``.
    reference : xarray.DataArray
        The reference spectrum (same kind as ``var``, e.g. the foil μ of the first scan) on
        ``energy`` (any grid).
    var : str
        Channel compared with the reference: ``"mu_reference"`` (the reference foil measured
        with each scan, best), ``"mu"`` or ``"norm"``.
    range : (float, float), optional
        Energy window of the comparison (eV, absolute). Default: E0 of the reference (maximum
        derivative) −20 … +40 eV.
    max_shift : float
        Largest shift searched (eV); a best shift at this bound is NaN with a reason.
    dim : str, optional
        Signal dim (default ``energy``).

    Returns
    -------
    xarray.Dataset
        Every float variable on energy shifted, ``energy_shift`` (eV) per spectrum and
        ``align_reason``; a spectrum whose shift is not found is NaN throughout.

    Notes
    -----
    Assumptions: the reference channel sees the same monochromator error as the sample.
    Limitations: a rigid shift only (no energy-scale stretch); points shifted beyond the grid
    become NaN.

    References
    ----------
    B. Ravel & M. Newville, J. Synchrotron Rad. 12, 537 (2005) (Athena's alignment).

    Examples
    --------
    >>> from characterization import exafs, synthetic
    >>> ds = synthetic.xas_spectra(3, energy_shift=[0.0, 1.2, -0.8], seed=0)
    >>> out = exafs.align(ds, reference=ds.mu_reference.isel(sample=0))
    >>> [round(float(s), 1) + 0.0 for s in out.energy_shift]
    [0.0, 1.2, -0.8]
    """
    fname = "exafs.align"
    dim = dim or "energy"
    if var not in ds.data_vars or dim not in ds[var].dims:
        raise AnalysisError(f"{fname}: no variable {var!r} on {dim}")
    if not isinstance(reference, xr.DataArray) or reference.ndim != 1 or \
            reference.dims[0] != dim:
        raise AnalysisError(f"{fname}: reference must be a 1-D DataArray on {dim}")
    x = np.asarray(ds[dim].values, dtype=float)
    ref = reference.values.astype(float)
    ref_x = np.asarray(reference[dim].values, dtype=float)
    ref_y = np.interp(x, ref_x, ref, left=np.nan, right=np.nan)
    if range is None:
        ok = np.isfinite(ref)
        d = derivative(ref_x[ok], ref[ok])
        e0 = float(ref_x[ok][np.nanargmax(d)])
        lo, hi = e0 - 20.0, e0 + 40.0
    else:
        lo, hi = sorted(float(v) for v in range)
    shift, reason = apply_kernel(
        _align_kernel, ds[var], input_core_dims=[[dim]], output_core_dims=[[], []],
        output_dtypes=[float, REASON],
        kwargs=dict(x=x, ref_y=ref_y, lo=lo, hi=hi, max_shift=float(max_shift)))
    out = ds.drop_vars(["energy_shift", "align_reason"], errors="ignore")
    for name, v in ds.data_vars.items():
        if dim in v.dims and v.dtype.kind == "f" and name != "energy_shift":
            out[name] = apply_kernel(_shift_kernel, v, shift, input_core_dims=[[dim], []],
                                     output_core_dims=[[dim]], kwargs={"x": x}
                                     ).assign_attrs(v.attrs).transpose(*v.dims)
    out = out.assign(energy_shift=shift, align_reason=reason)
    attach(out, [("energy_shift", "eV", "Energy shift applied (E → E − shift)"),
                 ("align_reason", None, "Why a spectrum could not be aligned")])
    out.attrs["method"] = "derivative least squares"
    out.attrs["parameters"] = {"range_used": [lo, hi], "interpolation": "linear"}
    return out
