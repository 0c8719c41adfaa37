"""Numpy kernels of the Kelvin-equation PSD methods (BJH, Dollimore–Heal, Faas BJH).

:func:`_classical_kernel` walks one branch of every isotherm of a batch from high to low p/p0
(:func:`_standard_walk` for BJH/DH, :func:`characterization.sorption._faas.faas_walk` for the
Faas variant) and puts the interval volumes and areas on a common ``pore_width`` grid; see
:mod:`characterization.sorption.psd` for the equations.
"""

from __future__ import annotations

import numpy as np

from ..errors import AnalysisError
from ._faas import faas_walk

#: Default output grid: 200 log-spaced widths from 1 to 300 nm.
DEFAULT_PORE_WIDTHS = np.geomspace(1.0, 300.0, 200)


def pore_width_grid(pore_widths=None) -> np.ndarray:
    """The validated output grid (nm): ``pore_widths`` or :data:`DEFAULT_PORE_WIDTHS`."""
    if pore_widths is None:
        return DEFAULT_PORE_WIDTHS.copy()
    w = np.asarray(pore_widths, dtype=float).ravel()
    if w.size < 3 or not np.all(np.isfinite(w)) or np.any(w <= 0) or np.any(np.diff(w) <= 0):
        raise AnalysisError("pore_widths must be ≥ 3 positive, strictly increasing widths (nm)")
    return w


def _edges(w):
    """Bin edges around the grid points: geometric midpoints, outer edges mirrored."""
    inner = np.sqrt(w[1:] * w[:-1])
    return np.concatenate([[w[0] ** 2 / inner[0]], inner, [w[-1] ** 2 / inner[-1]]])


def _sorted_branch(x, n, mask, pressure_range):
    """Branch points of each row sorted by decreasing p/p0, duplicates dropped, left-packed.

    The desorption mask already holds the turning point of the loop (see
    :func:`characterization.sorption._apply.isotherm_arrays`).
    """
    good = np.isfinite(x) & np.isfinite(n) & (x > 0) & (x < 1)
    if pressure_range is not None:
        good &= (x >= pressure_range[0]) & (x <= pressure_range[1])
    sel = mask & good
    idx = np.argsort(np.where(sel, -x, np.inf), axis=1, kind="stable")
    xs, ok = np.take_along_axis(x, idx, 1), np.take_along_axis(sel, idx, 1)
    dup = np.zeros_like(ok)
    dup[:, 1:] = ok[:, 1:] & ok[:, :-1] & (xs[:, 1:] >= xs[:, :-1])
    ok &= ~dup
    repack = np.argsort(np.where(ok, np.arange(x.shape[1]), x.shape[1] + 1), axis=1,
                        kind="stable")
    idx = np.take_along_axis(idx, repack, 1)
    ok = np.take_along_axis(ok, repack, 1)
    return (np.take_along_axis(x, idx, 1), np.take_along_axis(n, idx, 1), ok, idx)


def _peak(grid, y):
    """Width of the maximum of y(grid) per row: plateau centre or 3-point parabola in ln w."""
    u = np.log(grid)
    out = np.full(y.shape[0], np.nan)
    for b in range(y.shape[0]):
        yb = np.where(np.isfinite(y[b]), y[b], -np.inf)
        k = int(np.argmax(yb))
        ymax = yb[k]
        if not np.isfinite(ymax) or ymax <= 0:
            continue
        flat = yb >= ymax * (1 - 1e-9)
        a = k
        while a > 0 and flat[a - 1]:
            a -= 1
        z = k
        while z < len(yb) - 1 and flat[z + 1]:
            z += 1
        if z > a or k == 0 or k == len(yb) - 1 or not np.isfinite(yb[k - 1] + yb[k + 1]):
            out[b] = np.exp(0.5 * (u[a] + u[z]))
            continue
        u0, u1, u2 = u[k - 1], u[k], u[k + 1]
        y0, y1, y2 = yb[k - 1], yb[k], yb[k + 1]
        num = (u1 - u0) ** 2 * (y1 - y2) - (u1 - u2) ** 2 * (y1 - y0)
        den = (u1 - u0) * (y1 - y2) - (u1 - u2) * (y1 - y0)
        out[b] = np.exp(u1 - 0.5 * num / den) if den != 0 else grid[k]
    return out


def _standard_walk(X, N, ok, kconst, *, method, cylinder, factor, thickness, shift, vm,
                   negative):
    """BJH / Dollimore–Heal walk over rows sorted by decreasing p/p0 (module docstring)."""
    B = X.shape[0]
    k = kconst[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        rk = np.where(ok, factor * k / -np.log(np.where(ok, X, 0.5)), np.nan)
        t = np.where(ok, thickness(np.where(ok, X, np.nan)), np.nan)
    half = 0.5 * shift
    h = rk + t + half                          # pore radius / half-width at each point
    M = max(int(ok.sum(axis=1).max(initial=0)) - 1, 0)
    vol, area = np.zeros((B, max(M, 1))), np.zeros((B, max(M, 1)))
    lo, hi = np.full((B, max(M, 1)), np.nan), np.full((B, max(M, 1)), np.nan)
    hbar_all = np.full((B, max(M, 1)), np.nan)
    used_all = np.zeros((B, max(M, 1)), bool)
    s_area, s_area_h = np.zeros(B), np.zeros(B)
    n_neg, v_neg = np.zeros(B, int), np.zeros(B)
    active = np.ones(B, bool)
    for i in range(M):
        r1, r2, t1, t2 = rk[:, i], rk[:, i + 1], t[:, i], t[:, i + 1]
        dv = (N[:, i] - N[:, i + 1]) * vm * 1e-3           # cm³(liquid)/g
        dt = t1 - t2
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "bjh":
                rkb = r1 * r2 * (r1 + r2) / (r1 ** 2 + r2 ** 2)
                tb = thickness(np.exp(-factor * kconst / rkb))
                core = rkb + half
                hb = core + tb
            else:
                rkb, tb = 0.5 * (r1 + r2), 0.5 * (t1 + t2)
                hb = 0.5 * (h[:, i] + h[:, i + 1])
                core = rkb + half + dt
            ratio = (hb / core) ** 2 if cylinder else hb / core
            film = dt * (s_area - tb * s_area_h if cylinder else s_area) * 1e-3
            v = ratio * (dv - film)
        valid = ok[:, i] & ok[:, i + 1] & np.isfinite(v) & (hb > 0) & active
        neg = valid & (v < -1e-9)                           # below any measurable volume
        n_neg += neg
        v_neg += np.where(neg, v, 0.0)
        if negative == "zero":
            v = np.where(neg, 0.0, v)
        elif negative == "stop":
            active &= ~neg
            valid &= ~neg
        v = np.where(valid, v, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(valid, (2e3 if cylinder else 1e3) * v / hb, 0.0)   # m²/g
            s_area += a
            s_area_h += np.where(valid, a / hb, 0.0)
        vol[:, i], area[:, i], used_all[:, i] = v, a, valid
        lo[:, i], hi[:, i], hbar_all[:, i] = 2 * h[:, i + 1], 2 * h[:, i], hb
    return vol, area, lo, hi, hbar_all, used_all, n_neg, v_neg


def _classical_kernel(x, n, mask, kconst, *, method, cylinder, factor, thickness, shift, vm,
                      grid, width_range, negative, pressure_range, keep_end_film=True):
    B, P = x.shape
    X, N, ok, idx = _sorted_branch(x, n, mask, pressure_range)
    if method == "faas":
        vol, area, lo, hi, hbar_all, used_all = faas_walk(
            X, N, ok, kconst, factor=factor, thickness=thickness, vm=vm,
            keep_end_film=keep_end_film)
        n_neg, v_neg = np.zeros(B, int), np.zeros(B)
    else:
        vol, area, lo, hi, hbar_all, used_all, n_neg, v_neg = _standard_walk(
            X, N, ok, kconst, method=method, cylinder=cylinder, factor=factor,
            thickness=thickness, shift=shift, vm=vm, negative=negative)
    # interval table on the point dim, at the lower-pressure end of each interval
    inc_w, inc_v, inc_a = (np.full((B, P), np.nan) for _ in range(3))
    rows, cols = np.nonzero(used_all)
    j = idx[rows, cols + 1]
    inc_w[rows, j] = 2 * hbar_all[rows, cols]
    inc_v[rows, j] = vol[rows, cols]
    inc_a[rows, j] = area[rows, cols]

    # regrid: volume and area spread uniformly in width over each interval
    edges = _edges(grid)

    def cumulative(q, w):
        width = hi - lo
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(width[..., None] > 0,
                            np.clip((w - lo[..., None]) / width[..., None], 0.0, 1.0),
                            (w >= lo[..., None]).astype(float))
        frac = np.where(used_all[..., None], frac, 0.0)
        return np.einsum("bi,biw->bw", q, np.nan_to_num(frac))

    cv_e, ca_e = cumulative(vol, edges), cumulative(area, edges)
    dv_dd = np.diff(cv_e, axis=1) / np.diff(edges)
    dlog = np.diff(np.log10(edges))
    dv_dlogd, da_dlogd = np.diff(cv_e, axis=1) / dlog, np.diff(ca_e, axis=1) / dlog
    cum_v, cum_a = cumulative(vol, grid), cumulative(area, grid)
    dbar = 2 * hbar_all
    inr = used_all & (dbar >= width_range[0]) & (dbar <= width_range[1])
    tot_v, tot_a = np.where(inr, vol, 0).sum(1), np.where(inr, area, 0).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_w = np.where(tot_a > 0, (4e3 if cylinder else 2e3) * tot_v / tot_a, np.nan)
    in_grid = (grid >= width_range[0]) & (grid <= width_range[1])
    peak = _peak(grid[in_grid], dv_dd[:, in_grid]) if in_grid.sum() >= 1 else np.full(B, np.nan)
    has = used_all.any(axis=1)
    for arr in (dv_dd, dv_dlogd, da_dlogd, cum_v, cum_a):
        arr[~has] = np.nan
    tot_v, tot_a = np.where(has, tot_v, np.nan), np.where(has, tot_a, np.nan)
    return (dv_dd, dv_dlogd, da_dlogd, cum_v, cum_a, tot_v, tot_a, peak, mean_w,
            n_neg, v_neg, used_all.sum(axis=1), inc_w, inc_v, inc_a)
