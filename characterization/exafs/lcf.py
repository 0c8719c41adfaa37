"""Linear-combination fitting of XANES (or χ(k)) against reference spectra: :func:`fit_lcf`."""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError


def _solve_subset(A, y, idx, sum_to_one):
    """Least squares of y (B, N) on the columns ``idx`` of A (N, M); returns w (B, M), cov."""
    B, M = y.shape[0], A.shape[1]
    w = np.zeros((B, M))
    cov = np.full((B, M, M), np.nan)
    sub = A[:, idx]
    if sum_to_one:
        # w_last = 1 - sum(others): y - a_last = sum_i w_i (a_i - a_last)
        last = sub[:, -1]
        X = sub[:, :-1] - last[:, None]
        target = y - last[None, :]
    else:
        X, target = sub, y
    if X.shape[1]:
        xtx = X.T @ X
        try:
            inv = np.linalg.inv(xtx)
        except np.linalg.LinAlgError:
            inv = np.linalg.pinv(xtx)
        coef = target @ X @ inv.T                      # (B, p)
    else:
        inv = np.zeros((0, 0))
        coef = np.zeros((B, 0))
    if sum_to_one:
        full = np.concatenate([coef, 1 - coef.sum(-1, keepdims=True)], axis=-1)
        # covariance of (coef, 1 - sum coef)
        T = np.vstack([np.eye(len(idx) - 1), -np.ones((1, len(idx) - 1))])
        cfull = T @ inv @ T.T
    else:
        full, cfull = coef, inv
    w[:, idx] = full
    for a, ia in enumerate(idx):
        for b, ib in enumerate(idx):
            cov[:, ia, ib] = cfull[a, b]
    return w, cov


def _constrained(A, y, idx, sum_to_one, nonnegative):
    """Best solution over the active sets of ``idx`` (exact NNLS by enumeration)."""
    B = y.shape[0]
    best_chi2 = np.full(B, np.inf)
    best_w = np.full((B, A.shape[1]), np.nan)
    best_cov = np.full((B, A.shape[1], A.shape[1]), np.nan)
    best_nfree = np.zeros(B, dtype=int)
    subsets = ([s for r in range(1, len(idx) + 1) for s in itertools.combinations(idx, r)]
               if nonnegative else [tuple(idx)])
    for s in subsets:
        w, cov = _solve_subset(A, y, list(s), sum_to_one)
        resid = y - w @ A.T
        chi2 = (resid ** 2).sum(-1)
        ok = np.ones(B, dtype=bool)
        if nonnegative:
            ok &= (w[:, list(s)] >= -1e-12).all(-1)
        better = ok & (chi2 < best_chi2 * (1 - 1e-12))
        best_chi2[better] = chi2[better]
        best_w[better] = w[better]
        best_cov[better] = cov[better]
        best_nfree[better] = len(s) - (1 if sum_to_one else 0)
    return best_w, best_cov, best_chi2, best_nfree


def _lcf_kernel(y, *, A, sum_to_one, nonnegative, combinations, shifts, x):
    lead = y.shape[:-1]
    Y = y.reshape(-1, y.shape[-1])
    B, N = Y.shape
    M = A.shape[1]
    finite = np.isfinite(Y).all(-1)
    Yc = np.where(finite[:, None], Y, 0.0)
    best = None
    for shift in shifts:
        As = A if shift == 0 else np.stack([np.interp(x - shift, x, A[:, j]) for j in range(M)], 1)
        if combinations:
            sets = [list(s) for r in range(1, M + 1) for s in itertools.combinations(range(M), r)]
        else:
            sets = [list(range(M))]
        for s in sets:
            w, cov, chi2, nfree = _constrained(As, Yc, s, sum_to_one, nonnegative)
            dof = N - np.maximum(nfree, 0)
            redchi = chi2 / np.maximum(dof, 1)
            cand = (redchi, w, cov, chi2, nfree, np.full(B, shift), As)
            if best is None:
                best = [c.copy() for c in cand[:6]] + [np.repeat(As[None], B, 0)]
                continue
            better = redchi < best[0]
            for i in range(6):
                best[i][better] = cand[i][better]
            best[6][better] = As
    redchi, w, cov, chi2, nfree, shift, As = best
    sigma2 = chi2 / np.maximum(N - nfree, 1)
    stderr = np.sqrt(np.einsum("bii->bi", cov) * sigma2[:, None])
    stderr = np.where(np.isfinite(w), np.nan_to_num(stderr, nan=0.0), np.nan)
    comps = w[:, :, None] * np.swapaxes(As, 1, 2)         # (B, M, N)
    fit = comps.sum(1)
    r_factor = chi2 / (Yc ** 2).sum(-1)
    at_bound = np.zeros((B, M), dtype=bool)
    if nonnegative:
        at_bound |= np.abs(w) <= 1e-10
        if sum_to_one:
            at_bound |= np.abs(w - 1) <= 1e-10
    success = finite & np.isfinite(chi2) & ~at_bound.any(-1)
    for arr in (w, stderr, r_factor, redchi, chi2, fit, comps, shift):
        arr[~finite] = np.nan
    shape = lambda a, tail=(): a.reshape(lead + tail)  # noqa: E731
    return (shape(w, (M,)), shape(stderr, (M,)), shape(at_bound, (M,)), shape(r_factor),
            shape(redchi), shape(chi2), shape(shift), shape(success), shape(fit, (N,)),
            shape(comps, (M, N)))


@public("exafs", headline=("weight", "r_factor", "redchi"))
def fit_lcf(ds: xr.Dataset, *, reference: xr.Dataset, var: str = "norm", dim: str | None = None,
            range: tuple[float, float] | None = None, sum_to_one: bool = True,
            nonnegative: bool = True, shift: bool = False, combinations: bool = False,
            errors: str = "nan") -> xr.Dataset:
    r"""Linear-combination fit of each spectrum by reference spectra (XANES LCF, or χ(k)).

    .. math:: y(x) \approx \sum_i w_i\,r_i(x + \delta),\qquad
              \text{optionally } \sum_i w_i = 1,\ w_i \ge 0

    solved exactly per spectrum: the equality constraint is eliminated
    (:math:`w_M = 1-\sum_{i<M} w_i`) and non-negativity is enforced by enumerating the active
    sets (fine for the handful of references LCF uses). Standard errors from
    :math:`(X^TX)^{-1}\,\chi^2/(N-N_\mathrm{free})`. With ``shift=True`` a common energy shift
    δ of the references is searched on a 0.1 eV grid within ±3 eV (best by reduced χ²).

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra ``var(..., dim)`` (``norm``/``flat`` on ``energy`` from ``exafs.normalize``, or
        ``chi`` on ``k`` with ``dim="k"``).
    reference : xarray.Dataset
        The references: ``var(component, dim)``, interpolated onto the data grid.
    var, dim : str
        Fitted variable and its signal dim (default: ``norm`` on ``energy``).
    range : (float, float), optional
        Fitted window on ``dim``. Default for energy: ``(e0 − 20, e0 + 30)`` eV with the batch's
        median ``e0`` (from ``normalize``), else the whole overlap of data and references.
    sum_to_one, nonnegative : bool
        Constraints on the weights.
    shift : bool
        Fit a common energy shift of the references.
    combinations : bool
        Fit every subset of the references and keep the best by reduced χ² (Athena's
        "all combinations"); the chosen subset has non-zero weights.
    errors : {"nan", "raise"}

    Returns
    -------
    xarray.Dataset
        ``weight``, ``weight_stderr``, ``at_bound`` on ``(..., component)``; ``weight_sum``,
        ``r_factor`` (Σres²/Σy²), ``redchi``, ``chisqr``, ``shift`` (energy units of ``dim``),
        ``success``; ``best_fit(..., dim)``, ``components(..., component, dim)`` on the fitted
        window. A weight at 0 (or 1 with ``sum_to_one``) sets ``success=False``: that
        reference is not supported by the data (``at_bound`` names it).

    Assumptions
    -----------
    Data and references are normalised the same way; the references span the data.

    Limitations
    -----------
    Exhaustive active-set search: cost grows as 2^M (M references ≲ 8).

    References
    ----------
    S. Calvin, *XAFS for Everyone* (2013), ch. 13; B. Ravel & M. Newville, J. Synchrotron Rad.
    12, 537 (2005) (Athena LCF).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> import characterization as ch
    >>> e = np.linspace(-30, 60, 181)
    >>> refs = xr.Dataset({"norm": (("component", "energy"),
    ...     np.stack([1 / (1 + np.exp(-e / 2)), 1 / (1 + np.exp(-(e - 5) / 3))]))},
    ...     coords={"energy": e, "component": ["metal", "oxide"]})
    >>> data = xr.Dataset({"norm": (("sample", "energy"), [0.3 * refs.norm[0] + 0.7 * refs.norm[1]])},
    ...     coords={"energy": e})
    >>> fit = ch.exafs.fit_lcf(data, reference=refs, range=(-20, 40))
    >>> np.round(fit.weight.values, 3).tolist()
    [[0.3, 0.7]]
    """
    if errors not in ("nan", "raise"):
        raise AnalysisError(f"fit_lcf: errors must be 'nan' or 'raise', got {errors!r}")
    if not isinstance(reference, xr.Dataset) or var not in reference:
        raise AnalysisError(f"fit_lcf: reference must be a Dataset with {var!r} along "
                            "'component'")
    ref = reference[var]
    if "component" not in ref.dims or dim not in ref.dims:
        raise AnalysisError(f"fit_lcf: reference[{var!r}] needs dims ('component', {dim!r}), "
                            f"has {ref.dims}")
    x = np.asarray(ds[dim].values, dtype=float)
    xr_ = np.asarray(reference[dim].values, dtype=float)
    if range is None:
        if dim == "energy" and "e0" in ds:
            e0 = float(np.nanmedian(np.asarray(ds["e0"].values)))
            range = (e0 - 20.0, e0 + 30.0)
        else:
            range = (max(x.min(), xr_.min()), min(x.max(), xr_.max()))
    lo, hi = sorted(float(v) for v in range)
    if lo < xr_.min() - 1e-9 or hi > xr_.max() + 1e-9:
        raise AnalysisError(f"fit_lcf: range ({lo}, {hi}) exceeds the references' {dim} "
                            f"({xr_.min()}, {xr_.max()})")
    window = ds[var].sel({dim: slice(lo, hi)})
    xw = np.asarray(window[dim].values, dtype=float)
    if xw.size < ref.sizes["component"] + 2:
        raise AnalysisError(f"fit_lcf: range ({lo}, {hi}) holds {xw.size} points; too few")
    refv = ref.transpose("component", dim).values
    A = np.stack([np.interp(xw, xr_, refv[i]) for i in np.arange(refv.shape[0])], axis=1)
    shifts = np.round(np.arange(-3.0, 3.0001, 0.1), 6) if shift else np.array([0.0])
    M = A.shape[1]
    names = list(reference["component"].values)
    outs = apply_kernel(
        _lcf_kernel, window, input_core_dims=[[dim]],
        output_core_dims=[["component"], ["component"], ["component"], [], [], [], [], [],
                          [dim], ["component", dim]],
        output_dtypes=[float, float, bool, float, float, float, float, bool, float, float],
        output_sizes={"component": M},
        kwargs=dict(A=A, sum_to_one=sum_to_one, nonnegative=nonnegative,
                    combinations=combinations, shifts=shifts, x=xw))
    units = ds[var].attrs.get("units", "1")
    dunits = ds[dim].attrs.get("units", "")
    meta = [("weight", "1", "Weight"), ("weight_stderr", "1", "Weight standard error"),
            ("at_bound", "1", "Weight at a bound"), ("r_factor", "1", "R-factor"),
            ("redchi", f"({units})**2", "Reduced chi-square"),
            ("chisqr", f"({units})**2", "Chi-square"), ("shift", dunits or "1",
                                                         "Shift of the references"),
            ("success", "1", "Fit succeeded"), ("best_fit", units, "LCF best fit"),
            ("components", units, "Weighted reference")]
    out = xr.Dataset()
    for (name, u, long), arr in zip(meta, outs):
        arr.attrs = {"units": u, "long_name": long}
        out[name] = arr
    out["weight_sum"] = out["weight"].sum("component", skipna=False).assign_attrs(
        units="1", long_name="Sum of weights")
    out = out.assign_coords(component=("component", names))
    out[dim].attrs = dict(ds[dim].attrs)
    out["data"] = window.assign_attrs(units=units, long_name="Fitted data")
    if errors == "raise" and out["success"].chunks is None and not bool(out["success"].all()):
        raise AnalysisError("fit_lcf: a weight sits at a bound or a spectrum is not finite")
    out.attrs["method"] = "lcf (exact constrained least squares)"
    out.attrs["parameters"] = {"range": [lo, hi], "dim": dim}
    return out
