r"""Merging of repeated scans (``exafs.merge``): mean or inverse-variance weighted mean,
after checking that the scans are aligned."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._common import REASON, attach
from .alignment import find_shift


def _check_kernel(y, *, x, lo, hi, tolerance):
    """y (..., scan, N) → reason (...) when a scan is shifted by more than ``tolerance``."""
    shape = y.shape[:-2]
    flat = y.reshape((-1,) + y.shape[-2:])
    reason = np.full(flat.shape[0], "", dtype=REASON)
    for b in range(flat.shape[0]):
        first = flat[b, 0]
        bad = []
        for i in range(1, flat.shape[1]):
            s, why = find_shift(x, flat[b, i], x, first, lo=lo, hi=hi, max_shift=5.0)
            if not np.isfinite(s) or abs(s) > tolerance:
                bad.append(f"scan {i}: {why or f'{s:+.2f} eV'}")
        if bad:
            reason[b] = ("scans not aligned (align first): " + ", ".join(bad))[:159]
    return reason.reshape(shape)


@public("exafs", batch_dim="sample", transform=True, headline=("n_merged",))
def merge(ds: xr.Dataset, *, dim: str = "scan", weights=None, range=None,
          tolerance: float = 0.25) -> xr.Dataset:
    r"""Merge repeated scans along ``dim``: mean (or weighted mean) of every variable on energy.

    .. math::

        \bar\mu(E) = \frac{\sum_i w_i \mu_i(E)}{\sum_i w_i}, \qquad
        \sigma_{\bar\mu}(E) = \sqrt{\frac{\sum_i w_i (\mu_i - \bar\mu)^2}{(n-1)\sum_i w_i}}

    with :math:`w_i = 1` (``weights=None``) or :math:`w_i = 1/\sigma_i^2(E)` from the
    ``stddev`` variable (``weights="stddev"``). NaN points are left out of the sums.

    Before merging, each scan's energy shift relative to the first scan is measured (the
    derivative least squares of :func:`align` on ``mu``); a scan shifted by more than
    ``tolerance`` eV is reported in ``merge_reason`` (the merge is still done — an unaligned
    merge broadens the edge; align first).

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra with the scan dim ``dim`` and ``energy``.
    dim : str
        Dim of the repeated scans (reduced).
    weights : {None, "stddev"} or DataArray
        Equal weights, inverse variance from ``stddev``, or explicit weights on ``dim``.
    range : (float, float), optional
        Energy window (eV) of the alignment check (default: around the maximum derivative of
        the first scan, −20 … +40 eV).
    tolerance : float
        Largest acceptable shift between scans (eV).

    Returns
    -------
    xarray.Dataset
        Float variables on energy averaged over ``dim``; ``stddev`` (standard error of the
        mean of ``mu``), ``n_merged`` and ``merge_reason``.

    Notes
    -----
    Assumptions: the scans measure the same sample on the same energy grid. Limitations: no
    outlier rejection (deglitch or drop bad scans first).

    References
    ----------
    B. Ravel & M. Newville, J. Synchrotron Rad. 12, 537 (2005) (merging in Athena).

    Examples
    --------
    >>> import xarray as xr
    >>> from characterization import exafs, synthetic
    >>> scans = xr.concat([synthetic.xas_spectra(2, seed=s) for s in range(3)], dim="scan")
    >>> out = exafs.merge(scans, dim="scan")
    >>> int(out.n_merged[0])
    3
    """
    fname = "exafs.merge"
    var = "mu"
    if dim not in ds.dims:
        raise AnalysisError(f"{fname}: no dim {dim!r} (dims: {', '.join(map(str, ds.dims))})")
    if var not in ds.data_vars or "energy" not in ds[var].dims:
        raise AnalysisError(f"{fname}: no variable {var!r} on energy")
    x = np.asarray(ds["energy"].values, dtype=float)
    if isinstance(weights, xr.DataArray):
        w_all = weights
    elif weights == "stddev":
        if "stddev" not in ds.data_vars:
            raise AnalysisError(f"{fname}: weights='stddev' needs a stddev variable")
        w_all = 1.0 / ds["stddev"] ** 2
    elif weights is None:
        w_all = None
    else:
        raise AnalysisError(f"{fname}: weights must be None, 'stddev' or a DataArray")
    if range is None:
        first = ds[var].isel({dim: 0})
        while first.ndim > 1:
            first = first.isel({first.dims[0]: 0})
        ok = np.isfinite(first.values)
        d = np.gradient(first.values[ok], x[ok])
        e0 = float(x[ok][np.nanargmax(d)])
        lo, hi = e0 - 20.0, e0 + 40.0
    else:
        lo, hi = sorted(float(v) for v in range)
    reason = apply_kernel(_check_kernel, ds[var], input_core_dims=[[dim, "energy"]],
                          output_core_dims=[[]], output_dtypes=[REASON],
                          kwargs=dict(x=x, lo=lo, hi=hi, tolerance=float(tolerance)))
    out = ds.drop_vars(
        [n for n, v in ds.data_vars.items() if dim in v.dims])
    for name, v in ds.data_vars.items():
        if dim not in v.dims:
            continue
        if v.dtype.kind != "f" or name == "stddev":
            continue
        valid = v.notnull()
        w = (xr.ones_like(v) if w_all is None else w_all.broadcast_like(v)).where(valid, 0.0)
        total = w.sum(dim)
        mean = (v.fillna(0.0) * w).sum(dim) / total
        out[name] = mean.where(total > 0).assign_attrs(v.attrs)
        if name == var:
            n = valid.sum(dim)
            dev = ((v - mean) ** 2 * w).sum(dim) / total
            out["stddev"] = np.sqrt(dev / (n - 1).where(n > 1)).assign_attrs(
                units=v.attrs.get("units", "1"), long_name=f"Standard error of merged {name}")
            out["n_merged"] = valid.any("energy").sum(dim).astype(float)
    out = out.drop_vars([c for c in out.coords if dim in out[c].dims] + [dim], errors="ignore")
    out["merge_reason"] = reason
    attach(out, [("n_merged", "1", "Number of scans merged"),
                 ("merge_reason", None, "Scans found misaligned")])
    out.attrs["method"] = "weighted mean" if weights is not None else "mean"
    out.attrs["parameters"] = {"alignment_check_range": [lo, hi]}
    return out
