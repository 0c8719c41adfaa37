"""Kernel pore-size distributions: regularised non-negative inversion of the isotherm equation.

The measured isotherm is modelled as a superposition of single-width isotherms (the kernel):

.. math::

    n(x_i) = \\sum_j K(x_i, w_j)\\, f_j, \\qquad f_j \\ge 0

with K in mmol per cm³ of pore volume (f_j: pore volume in the width bin j, cm³/g) or in mmol
per m² of pore wall (f_j: pore area, m²/g). The ill-posed problem is solved with Tikhonov
regularisation under non-negativity,

.. math::

    \\min_{f \\ge 0} \\|K f - n\\|^2 + \\lambda^2 \\|L f\\|^2,
    \\qquad \\lambda = \\alpha\\,\\|K\\|_2

(L the second-difference or identity operator, α the dimensionless ``regularization``), as an
augmented non-negative least-squares problem ([K; λL] f ≈ [n; 0], Lawson–Hanson NNLS). α is
fixed, or chosen per isotherm on a log grid of candidates by the L-curve (maximum curvature of
(log‖Kf−n‖, log‖Lf‖), Hansen [1]_) or generalised cross-validation (GCV, Golub, Heath,
Wahba [2]_, evaluated on the unconstrained Tikhonov problem since the NNLS solution has no
linear influence matrix; the NNLS problem is then solved at the chosen α).

Kernels come from a file (``characterization.read(path, format="psd_kernel")``, e.g. an
NLDFT/QSDFT kernel exported from vendor software or computed elsewhere) or from
:func:`kelvin_kernel`, a macroscopic model built from the Kelvin equation and a thickness curve —
the classical model behind BJH, *not* DFT (it lives in :mod:`characterization.sorption.kernels`
and is re-exported here).

References
----------
.. [1] P.C. Hansen, Rank-Deficient and Discrete Ill-Posed Problems, SIAM, 1998 (L-curve).
.. [2] G.H. Golub, M. Heath, G. Wahba, Technometrics 21 (1979) 215 (GCV).
.. [3] C.L. Lawson, R.J. Hanson, Solving Least Squares Problems, Prentice-Hall, 1974 (NNLS).
.. [4] J. Landers, G.Yu. Gor, A.V. Neimark, Colloids Surf. A 437 (2013) 3 (DFT kernels and
   their inversion).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._apply import Output, apply_isotherm_kernel
from .kernels import KERNEL_UNITS, kelvin_kernel
from ._psd_kernels import _edges, _peak

__all__ = ["kernel_psd", "kelvin_kernel", "KERNEL_UNITS", "DEFAULT_CANDIDATES"]

#: Default candidate grid of the relative regularisation α.
DEFAULT_CANDIDATES = np.logspace(-6, 0, 31)


def _peak_rows(y, *, grid):
    """Width of the maximum of dV/dD for every leading index of ``y`` (see psd._peak)."""
    return _peak(grid, y.reshape(-1, y.shape[-1])).reshape(y.shape[:-1])


# --------------------------------------------------------------------------------------------
# inversion
# --------------------------------------------------------------------------------------------

def _operator(g, kind):
    if kind == "identity":
        return np.eye(g)
    if kind == "second_derivative":
        op = np.zeros((g - 2, g))
        i = np.arange(g - 2)
        op[i, i], op[i, i + 1], op[i, i + 2] = 1.0, -2.0, 1.0
        return op
    raise AnalysisError("operator must be 'second_derivative' or 'identity'")


def _corner(rho, eta, min_step=0.02):
    """Index of the L-curve corner: maximum signed Menger curvature in the log–log plane.

    NNLS solutions stop changing below some α, so neighbouring L-curve points can coincide;
    the curvature at point k is therefore taken through the nearest points on either side at
    least ``min_step`` × (end-to-end distance) away, and points without such neighbours are
    skipped. The corner is a left turn (the curve runs from small residual / large seminorm to
    large residual / small seminorm), so the largest positive curvature is taken.
    """
    p = np.column_stack([np.log10(np.maximum(rho, 1e-300)), np.log10(np.maximum(eta, 1e-300))])
    span = np.linalg.norm(p[-1] - p[0])
    if not span > 0:
        return len(rho) // 2
    step = min_step * span
    best, k_best = -np.inf, len(rho) // 2
    for k in range(1, len(rho) - 1):
        a = next((i for i in range(k - 1, -1, -1) if np.linalg.norm(p[k] - p[i]) >= step), None)
        c = next((i for i in range(k + 1, len(rho)) if np.linalg.norm(p[i] - p[k]) >= step),
                 None)
        if a is None or c is None:
            continue
        u, v = p[k] - p[a], p[c] - p[k]
        chord = np.linalg.norm(p[c] - p[a])
        kappa = 2.0 * (u[0] * v[1] - u[1] * v[0]) / (np.linalg.norm(u) * np.linalg.norm(v)
                                                      * chord)
        if kappa > best:
            best, k_best = kappa, k
    return k_best


def _gcv(K, L, n, lam):
    """GCV function m‖(I − H)n‖² / (m − tr H)² of the unconstrained Tikhonov problem.

    The NNLS solution is not linear in the data, so its influence matrix is undefined; the
    unconstrained H = K (KᵀK + λ²LᵀL)⁻¹ Kᵀ gives the proper effective number of parameters
    (→ m as λ → 0) and hence a GCV minimum; the NNLS problem is then solved at that λ.
    """
    m = K.shape[0]
    ktk = K.T @ K
    mat = ktk + lam ** 2 * (L.T @ L) + 1e-12 * np.trace(ktk) * np.eye(K.shape[1])
    sol = np.linalg.solve(mat, np.column_stack([K.T @ n, ktk]))
    resid = n - K @ sol[:, 0]
    dof = m - float(np.trace(sol[:, 1:]))
    return m * float(resid @ resid) / dof ** 2 if dof > 1e-9 else np.inf


def filling_pressure(kx, kmat):
    """p/p0 at which each kernel column (pore width) has made half of its rise.

    For a Kelvin kernel of widths whose film is a small part of the pore (≳ 5 nm for N2) this
    is the condensation step (narrower pores pass half their volume as film, earlier); for a
    DFT kernel the pore-filling transition. A column without any rise fills at the kernel's
    first pressure.
    """
    lo, hi = kmat.min(axis=0), kmat.max(axis=0)
    reached = kmat >= (lo + 0.5 * (hi - lo))[None, :]
    return kx[np.argmax(reached, axis=0)]


def _inversion_kernel(x, n, mask, *, kx, kmat, xf, operator, candidates, mode, to_volume,
                      to_area, pressure_range, widths):
    from scipy.optimize import nnls

    B, P = x.shape
    G, C = kmat.shape[1], len(candidates)
    f_out = np.full((B, G), np.nan)
    w_min, w_max, n_out = np.full(B, np.nan), np.full(B, np.nan), np.zeros(B, int)
    fitted = np.full((B, P), np.nan)
    rms, alpha, used = np.full(B, np.nan), np.full(B, np.nan), np.zeros(B, int)
    rho_all, eta_all, gcv_all = (np.full((B, C), np.nan) for _ in range(3))
    lo, hi = kx[0], kx[-1]
    if pressure_range is not None:
        lo, hi = max(lo, pressure_range[0]), min(hi, pressure_range[1])
    for b in range(B):
        sel = mask[b] & np.isfinite(x[b]) & np.isfinite(n[b]) & (x[b] >= lo) & (x[b] <= hi)
        if sel.sum() < 3:
            continue
        xb, nb = x[b][sel], n[b][sel]
        # widths that fill only above the highest point are not in the data: left out
        keep = xf <= xb.max() * (1 + 1e-12)
        n_out[b] = G - int(keep.sum())
        if keep.sum() < 3:
            continue
        j = np.clip(np.searchsorted(kx, xb), 1, len(kx) - 1)
        wgt = ((xb - kx[j - 1]) / (kx[j] - kx[j - 1]))[:, None]
        K = (kmat[j - 1] * (1 - wgt) + kmat[j] * wgt)[:, keep]
        op = _operator(int(keep.sum()), operator)
        scale = np.linalg.norm(K, 2)
        if not scale > 0:
            continue
        w_max[b] = widths[keep].max()
        filled_inside = keep & (xf >= xb.min())
        w_min[b] = widths[filled_inside].min() if filled_inside.any() else np.nan
        sols = []
        for c, a in enumerate(candidates):
            lam = a * scale
            f, _ = nnls(np.vstack([K, lam * op]), np.concatenate([nb, np.zeros(len(op))]),
                        maxiter=50 * G)
            rho_all[b, c] = np.linalg.norm(K @ f - nb)
            eta_all[b, c] = np.linalg.norm(op @ f)
            if mode == "gcv":
                gcv_all[b, c] = _gcv(K, op, nb, lam)
            sols.append(f)
        if mode == "lcurve":
            k = _corner(rho_all[b], eta_all[b])
        elif mode == "gcv":
            k = int(np.nanargmin(gcv_all[b]))
        else:
            k = 0
        f_out[b, keep], alpha[b], used[b] = sols[k], candidates[k], sel.sum()
        fit = K @ sols[k]
        fitted[b, np.flatnonzero(sel)] = fit
        rms[b] = np.sqrt(np.mean((fit - nb) ** 2))
    vol, area = f_out * to_volume, f_out * to_area
    return (vol, area, fitted, rms, alpha, used, rho_all, eta_all, gcv_all, w_min, w_max,
            n_out)



@public("sorption", headline=("total_volume", "total_area", "peak_width", "residual_rms"))
def kernel_psd(ds: xr.Dataset, *, model, branch: str = "adsorption",
               regularization="lcurve", operator: str = "second_derivative",
               candidates=None, range=None, width_range=None) -> xr.Dataset:
    """Pore-size distribution from a kernel by regularised non-negative least squares.

    .. math::

        \\hat f = \\arg\\min_{f\\ge 0}\\ \\|K f - n\\|_2^2 + (\\alpha\\|K\\|_2)^2 \\|L f\\|_2^2

    The kernel is interpolated linearly in p/p0 onto each isotherm's points; points outside
    the kernel's pressure range are not used. Widths the data cannot see are left out: a
    width whose kernel column makes half of its rise (its filling pressure, returned as
    ``filling_pressure``) above the highest point fitted would only absorb volume the isotherm
    never measured, so it is excluded from the inversion and its bins are NaN; the widths
    that fill inside the measured range are reported as ``resolvable_width_min`` /
    ``resolvable_width_max`` (widths below the minimum fill before the first point: their
    total is measured, their distribution is not).

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` in mmol/g), any batch dims.
    model : xarray.Dataset or xarray.DataArray
        The kernel ``kernel(relative_pressure, pore_width)`` in mmol/cm^3 (per pore volume) or
        mmol/m^2 (per pore-wall area), read with ``characterization.read(path,
        format="psd_kernel")`` or built by :func:`kelvin_kernel`; a Dataset's ``geometry`` attr
        (default cylinder) converts volume ↔ area. It must be for the same adsorptive,
        temperature and branch as the data.
    branch : {"adsorption", "desorption"}
        Isotherm branch fitted (most DFT kernels are adsorption or equilibrium kernels).
    regularization : {"lcurve", "gcv"} or float
        Choose α per isotherm by the L-curve corner or by GCV over ``candidates``, or fix it.
        α is relative: λ = α·‖K‖₂ (largest singular value of the interpolated kernel).
    operator : {"second_derivative", "identity"}
        L: second differences of f (smooth distributions) or f itself (small distributions).
    candidates : array_like, optional
        Grid of α for "lcurve"/"gcv"; default 31 values log-spaced 1e-6…1.
    range : (float, float), optional
        Fit only points in this p/p0 range.
    width_range : (float, float), optional
        Widths (nm) for the totals and the peak; default the whole kernel.

    Returns
    -------
    xarray.Dataset
        On ``pore_width`` (the kernel's, nm): ``incremental_volume`` (cm³/g per bin),
        ``dv_dd`` (cm³/g/nm), ``dv_dlogd`` (cm³/g), ``cumulative_volume``,
        ``cumulative_area`` (pores narrower than or equal to the width). Per isotherm:
        ``total_volume``, ``total_area``, ``peak_width``, ``residual_rms`` (mmol/g),
        ``regularization`` (α chosen), ``n_points``. On ``point``: ``fitted_amount``. On
        ``candidate`` (the α grid): ``residual_norm``, ``solution_seminorm`` and ``gcv``
        (NaN unless GCV), to plot the L-curve. Per isotherm also ``resolvable_width_min``,
        ``resolvable_width_max`` (nm) and ``n_widths_excluded``; on ``pore_width``
        ``filling_pressure``. Bins of excluded widths are NaN.

    Notes
    -----
    The result is only as good as the kernel: a kernel for another adsorptive, temperature,
    surface chemistry or pore geometry gives a smooth, well-fitting and wrong distribution.
    The bins are the kernel's widths; dV/dD uses bin edges at the geometric midpoints. With a
    fixed α the solution is one NNLS solve per isotherm (scipy.optimize.nnls, Lawson–Hanson).

    References
    ----------
    .. [1] P.C. Hansen, Rank-Deficient and Discrete Ill-Posed Problems, SIAM, 1998.
    .. [2] G.H. Golub, M. Heath, G. Wahba, Technometrics 21 (1979) 215.
    .. [3] C.L. Lawson, R.J. Hanson, Solving Least Squares Problems, 1974.

    Examples
    --------
    An isotherm made from the kernel itself (0.5 cm³/g of pores around 8 nm) is inverted back:

    >>> import numpy as np
    >>> import xarray as xr
    >>> from characterization.sorption.kernel_psd import kelvin_kernel, kernel_psd
    >>> w, x = np.geomspace(2, 60, 40), np.linspace(0.02, 0.98, 97)
    >>> k = kelvin_kernel(w, x)
    >>> f = np.exp(-0.5 * ((w - 8.0) / 1.0) ** 2) * w
    >>> f *= 0.5 / f.sum()
    >>> ds = xr.Dataset({"amount": ("point", k.kernel.values @ f, {"units": "mmol/g"})},
    ...                 coords={"relative_pressure": ("point", x, {"units": "1"})})
    >>> res = kernel_psd(ds, model=k, regularization="gcv")
    >>> round(float(res.total_volume), 2), 7.5 < float(res.peak_width) < 8.5
    (0.5, True)
    """
    kernel = model
    if isinstance(kernel, xr.Dataset) and "kernel" not in kernel.data_vars:
        raise AnalysisError("model must be a kernel Dataset with a 'kernel' variable "
                            f"(variables: {list(kernel.data_vars)})")
    da = kernel["kernel"] if isinstance(kernel, xr.Dataset) else kernel
    if not isinstance(da, xr.DataArray) or set(da.dims) != {"relative_pressure", "pore_width"}:
        raise AnalysisError("model must be a kernel Dataset/DataArray 'kernel(relative_pressure, "
                            "pore_width)' (read(path, format='psd_kernel') or kelvin_kernel)")
    units = da.attrs.get("units")
    if units not in KERNEL_UNITS:
        raise AnalysisError(f"kernel units {units!r} not understood; expected one of "
                            f"{sorted(KERNEL_UNITS)}")
    if da["pore_width"].attrs.get("units", "nm") != "nm":
        raise AnalysisError("kernel pore_width must be in nm")
    basis = KERNEL_UNITS[units]
    geometry = (kernel.attrs if isinstance(kernel, xr.Dataset) else da.attrs).get(
        "geometry", "cylinder")
    da = da.transpose("relative_pressure", "pore_width").sortby("relative_pressure")
    kx = np.asarray(da["relative_pressure"].values, dtype=float)
    w = np.asarray(da["pore_width"].values, dtype=float)
    kmat = np.asarray(da.values, dtype=float)
    if not np.all(np.isfinite(kmat)) or np.any(np.diff(w) <= 0) or np.any(np.diff(kx) <= 0):
        raise AnalysisError("kernel must be finite with strictly increasing axes")
    # volume (cm³/g) ↔ area (m²/g): cylinder A = 4V/w, slit A = 2V/w (w nm → factor 1e3)
    shape = 4e3 if geometry == "cylinder" else 2e3
    to_volume, to_area = (np.ones_like(w), shape / w) if basis == "volume" else (w / shape,
                                                                                 np.ones_like(w))
    if isinstance(regularization, str):
        if regularization not in ("lcurve", "gcv"):
            raise AnalysisError("regularization must be 'lcurve', 'gcv' or a number")
        mode = regularization
        cands = DEFAULT_CANDIDATES if candidates is None else np.asarray(candidates, float)
        if cands.size < 3 or np.any(cands <= 0):
            raise AnalysisError("candidates must be ≥ 3 positive values")
    else:
        mode, cands = "fixed", np.array([float(regularization)])
        if not cands[0] >= 0:
            raise AnalysisError("a fixed regularization must be ≥ 0")
    cands = np.sort(cands)
    _operator(w.size, operator)          # validates the name
    xf = filling_pressure(kx, kmat)
    pr = None if range is None else (float(range[0]), float(range[1]))
    pw = xr.DataArray(w, dims="pore_width", attrs={"units": "nm", "long_name": "Pore width"})
    cd = xr.DataArray(cands, dims="candidate", attrs={
        "units": "1", "long_name": "Candidate relative regularisation α"})
    G, C = (w.size,), (cands.size,)
    outs = [
        Output("incremental_volume", "cm^3/g", "Pore volume in the width bin", ("pore_width",),
               G, float, {"pore_width": pw}),
        Output("incremental_area", "m^2/g", "Pore area in the width bin", ("pore_width",), G,
               float, {"pore_width": pw}),
        Output("fitted_amount", "mmol/g", "Fitted amount adsorbed", ("point",), (None,)),
        Output("residual_rms", "mmol/g", "RMS residual of the fit"),
        Output("regularization", "1", "Relative regularisation α used"),
        Output("n_points", "1", "Number of isotherm points fitted", dtype=int),
        Output("residual_norm", "mmol/g", "Residual norm ‖Kf − n‖", ("candidate",), C, float,
               {"candidate": cd}),
        Output("solution_seminorm", "cm^3/g" if basis == "volume" else "m^2/g",
               "Solution seminorm ‖Lf‖", ("candidate",), C, float, {"candidate": cd}),
        Output("gcv", "mmol^2/g^2", "GCV function", ("candidate",), C, float,
               {"candidate": cd}),
        Output("resolvable_width_min", "nm",
               "Narrowest width filling between the lowest and highest points fitted"),
        Output("resolvable_width_max", "nm", "Widest width filling at or below the highest "
               "point fitted"),
        Output("n_widths_excluded", "1", "Kernel widths left out (fill above the highest point)",
               dtype=int),
    ]
    res = apply_isotherm_kernel(ds, _inversion_kernel, outs, branch=branch, kx=kx, kmat=kmat,
                                xf=xf, operator=operator, candidates=cands, mode=mode,
                                to_volume=to_volume, to_area=to_area, pressure_range=pr,
                                widths=w)
    res["filling_pressure"] = xr.DataArray(xf, dims="pore_width", attrs={
        "units": "1", "long_name": "p/p0 at half of the kernel column's rise"})
    edges = _edges(w)
    inc = res["incremental_volume"]
    res["dv_dd"] = (inc / xr.DataArray(np.diff(edges), dims="pore_width")).assign_attrs(
        units="cm^3/g/nm", long_name="dV/dD pore volume")
    res["dv_dlogd"] = (inc / xr.DataArray(np.diff(np.log10(edges)), dims="pore_width")
                       ).assign_attrs(units="cm^3/g", long_name="dV/dlog10(D) pore volume")
    res["cumulative_volume"] = inc.cumsum("pore_width").assign_attrs(
        units="cm^3/g", long_name="Cumulative pore volume (pores up to D)")
    res["cumulative_area"] = res["incremental_area"].cumsum("pore_width").assign_attrs(
        units="m^2/g", long_name="Cumulative pore area (pores up to D)")
    wr = (w[0], w[-1]) if width_range is None else (float(width_range[0]),
                                                    float(width_range[1]))
    inr = xr.DataArray((w >= wr[0]) & (w <= wr[1]), dims="pore_width")
    res["total_volume"] = inc.where(inr).sum("pore_width", min_count=1).assign_attrs(
        units="cm^3/g", long_name="Pore volume within width_range")
    res["total_area"] = res["incremental_area"].where(inr).sum(
        "pore_width", min_count=1).assign_attrs(units="m^2/g",
                                                long_name="Pore area within width_range")
    sub = res["dv_dd"].isel(pore_width=np.flatnonzero(inr.values))
    res["peak_width"] = apply_kernel(
        _peak_rows, sub, input_core_dims=[["pore_width"]], kwargs={"grid": w[inr.values]}
    ).assign_attrs(units="nm", long_name="Width at the maximum of dV/dD")
    res = res.assign_coords({c: ds[c] for c in ("relative_pressure", "branch")
                             if c in ds.coords})
    src = kernel.attrs if isinstance(kernel, xr.Dataset) else da.attrs
    res.attrs["method"] = "kernel PSD (NNLS with Tikhonov regularisation)"
    res.attrs["parameters"] = {
        "model": {"model": src.get("model"), "method": src.get("method"),
                  "parameters": src.get("parameters"), "source_file": src.get("source_file"),
                  "units": units, "basis": basis, "geometry": geometry,
                  "pressure_range": [kx[0], kx[-1]],
                  "widths": {"min": w[0], "max": w[-1], "n": w.size}},
        "candidates": cands, "range": pr, "width_range": wr}
    return res
