"""Numpy kernel of the BET analysis: every contiguous range of one isotherm at once.

For an adsorption branch with points sorted by p/p0 (x) and amounts n, the linear BET form is

    y = x / [n (1 - x)] = 1/(n_m C) + (C - 1)/(n_m C) · x = intercept + slope · x

so C = slope/intercept + 1 and n_m = 1/(slope + intercept). The regression of *every*
contiguous window (i..j) is obtained at once from prefix sums of centred x, y, x², xy, y², which
makes the automatic range search O(P²) in numpy instead of O(P³) in Python loops. The chosen
window is then refitted directly (centred two-pass formulas) so its reported numbers do not
depend on prefix-sum round-off.

Rouquerol criteria for a window (ISO 9277:2022 §7.3; Rouquerol et al. 2007):

1. C > 0 with a positive intercept (a negative intercept is an unphysical extrapolation);
2. n(1 - x) increases with x over the whole window, and the window ends no later than the
   maximum of n(1 - x) on the branch;
3. the monolayer relative pressure x_m = 1/(√C + 1) lies inside the window;
4. x_m agrees, within a relative tolerance, with the relative pressure at which the isotherm
   reaches n_m (linear interpolation at the first crossing).
"""

from __future__ import annotations

import numpy as np

#: Names of the four criteria, in order, as recorded in results.
CRITERIA = ("c_positive", "monotonic", "monolayer_in_range", "monolayer_consistent")


def pressure_at_amount(x: np.ndarray, n: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Relative pressure where the isotherm first reaches ``target`` (NaN when never).

    Linear interpolation between the last point below and the first point at or above the
    target, along the branch in order of increasing x.
    """
    target = np.asarray(target, dtype=float)
    running = np.maximum.accumulate(n)
    k = np.searchsorted(running, target, side="left")
    out = np.full(target.shape, np.nan)
    ok = (k < n.size) & np.isfinite(target)
    first = ok & (k == 0)
    out[first] = x[0] if n.size else np.nan
    mid = ok & (k > 0)
    km = k[mid]
    n0, n1, x0, x1 = n[km - 1], n[km], x[km - 1], x[km]
    frac = np.where(n1 > n0, (target[mid] - n0) / np.where(n1 > n0, n1 - n0, 1.0), 1.0)
    out[mid] = x0 + frac * (x1 - x0)
    return out


def line_fit(x: np.ndarray, y: np.ndarray):
    """Least-squares line of one window with standard errors (centred two-pass formulas).

    Returns slope, intercept, their standard errors, their covariance and r².
    """
    m = x.size
    xm, ym = x.mean(), y.mean()
    dx, dy = x - xm, y - ym
    sxx, sxy, syy = dx @ dx, dx @ dy, dy @ dy
    slope = sxy / sxx
    intercept = ym - slope * xm
    resid = dy - slope * dx
    dof = max(m - 2, 1)
    s2 = (resid @ resid) / dof
    var_slope = s2 / sxx
    var_intercept = s2 * (1.0 / m + xm * xm / sxx)
    cov = -xm * var_slope
    r2 = sxy * sxy / (sxx * syy) if syy > 0 else 1.0
    return slope, intercept, np.sqrt(var_slope), np.sqrt(var_intercept), cov, r2


def masked_line_fit(u: np.ndarray, v: np.ndarray, w: np.ndarray):
    """Line fits of every row of (B, P) arrays over the points where ``w`` is True.

    Vectorised form of :func:`line_fit` (centred sums); rows with fewer than 2 points or no
    spread in ``u`` give NaN. Returns slope, intercept, their standard errors, covariance, r².
    """
    w = w & np.isfinite(u) & np.isfinite(v)
    m = w.sum(axis=1).astype(float)
    uz, vz = np.where(w, u, 0.0), np.where(w, v, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        um = uz.sum(axis=1) / m
        vm = vz.sum(axis=1) / m
        du = np.where(w, u - um[:, None], 0.0)
        dv = np.where(w, v - vm[:, None], 0.0)
        suu, suv, svv = (du * du).sum(1), (du * dv).sum(1), (dv * dv).sum(1)
        slope = suv / suu
        intercept = vm - slope * um
        resid = dv - slope[:, None] * du
        s2 = (resid * resid).sum(1) / np.maximum(m - 2, 1)
        var_slope = s2 / suu
        var_intercept = s2 * (1.0 / m + um * um / suu)
        cov = -um * var_slope
        r2 = np.where(svv > 0, suv * suv / (suu * svv), 1.0)
    bad = (m < 2) | ~(suu > 0)
    out = [slope, intercept, np.sqrt(var_slope), np.sqrt(var_intercept), cov, r2]
    return tuple(np.where(bad, np.nan, a) for a in out)


def evaluate_windows(x, n, min_points: int, tolerance: float):
    """Every candidate window of ONE branch with its fit and each criterion's outcome.

    ``x`` sorted ascending within (0, 1), ``n`` > 0. The one-row case of
    :func:`evaluate_windows_batch`; returns a dict of 1-D arrays over the windows.
    """
    x = np.asarray(x, dtype=float)
    cand = evaluate_windows_batch(x[None, :], np.asarray(n, dtype=float)[None, :],
                                  np.array([x.size]), min_points, tolerance)
    return {k: (v[0] if np.ndim(v) >= 2 else v) for k, v in cand.items()}


def evaluate_windows_batch(x, n, count, min_points: int, tolerance: float,
                           x_bounds=(0.0, 1.0)):
    """:func:`evaluate_windows` for a batch at once.

    ``x`` and ``n`` are (B, P) with each row's valid points first, sorted by ``x``, and
    ``count[b]`` valid points in row b (the rest is ignored). Windows are (i, j) pairs common
    to all rows; a window is a candidate of row b only when ``j < count[b]``. Returns a dict of
    (B, W) arrays plus the shared ``i``, ``j`` index vectors.
    """
    b, p_all = x.shape
    # windows never reach past the last point <= the upper bound in any row
    p = int(max(min_points, np.max(np.sum(np.nan_to_num(x, nan=np.inf) <= x_bounds[1], axis=1),
                                   initial=0)))
    p = min(p, p_all)
    full_x, full_n = x, n
    x, n = x[:, :p], n[:, :p]
    ii, jj = np.triu_indices(p, k=min_points - 1)
    col = np.arange(p)
    valid_pt = col[None, :] < np.minimum(count, p)[:, None]
    xs = np.where(valid_pt, x, 0.0)
    ns = np.where(valid_pt, n, 1.0)
    y = np.where(valid_pt, xs / (ns * (1.0 - xs)), 0.0)
    m_row = np.maximum(count, 1)[:, None]
    xc = np.where(valid_pt, xs - (xs.sum(1, keepdims=True) / m_row), 0.0)
    yc = np.where(valid_pt, y - (y.sum(1, keepdims=True) / m_row), 0.0)
    xmean, ymean = (xs - xc)[:, :1], (y - yc)[:, :1]
    zero = np.zeros((b, 1))

    def prefix(a):
        return np.concatenate([zero, np.cumsum(a, axis=1)], axis=1)

    sx, sy, sxx, sxy, syy = (prefix(a) for a in (xc, yc, xc * xc, xc * yc, yc * yc))
    m = (jj - ii + 1).astype(float)[None, :]
    wx, wy = sx[:, jj + 1] - sx[:, ii], sy[:, jj + 1] - sy[:, ii]
    vxx = m * (sxx[:, jj + 1] - sxx[:, ii]) - wx * wx
    vxy = m * (sxy[:, jj + 1] - sxy[:, ii]) - wx * wy
    vyy = m * (syy[:, jj + 1] - syy[:, ii]) - wy * wy
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = vxy / vxx
        intercept = (wy - slope * wx) / m + ymean - slope * xmean
        r2 = np.where(vyy > 0, vxy * vxy / (vxx * vyy), 1.0)
        c = slope / intercept + 1.0
        nm = 1.0 / (slope + intercept)
        xm = 1.0 / (np.sqrt(np.where(c > 0, c, np.nan)) + 1.0)
    inside = (jj[None, :] < np.minimum(count, p)[:, None]) & (xs[:, ii] >= x_bounds[0]) & \
        (xs[:, jj] <= x_bounds[1])
    rouq = np.where(valid_pt, ns * (1.0 - xs), -np.inf)
    with np.errstate(invalid="ignore"):
        step_down = (np.diff(rouq, axis=1) <= 0) & valid_pt[:, 1:]
    bad_step = np.concatenate([np.zeros((b, 1)), np.cumsum(step_down, axis=1)], axis=1)
    valid_all = np.arange(p_all)[None, :] < count[:, None]
    rouq_all = np.where(valid_all, np.nan_to_num(full_n) * (1.0 - np.nan_to_num(full_x)), -np.inf)
    last_allowed = np.argmax(rouq_all, axis=1)
    crit2 = (bad_step[:, jj] - bad_step[:, ii] == 0) & (jj[None, :] <= last_allowed[:, None])
    crit1 = (intercept > 0) & (slope > 0)
    crit3 = (xm >= xs[:, ii]) & (xm <= xs[:, jj])
    # criterion 4 wherever n_m is physical (first crossing of the running maximum of n)
    need = crit1 & inside
    x_nm = np.full(slope.shape, np.nan)
    for r in np.flatnonzero(need.any(axis=1)):
        wins = np.flatnonzero(need[r])
        c_r = count[r]
        x_nm[r, wins] = pressure_at_amount(full_x[r, :c_r], full_n[r, :c_r], nm[r, wins])
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = np.abs(x_nm - xm) / xm
    crit4 = deviation <= tolerance
    criteria = np.stack([crit1, crit2, crit3, crit4], axis=-1) & inside[..., None]
    return {"i": ii, "j": jj, "slope": slope, "intercept": intercept, "r2": r2, "c": c,
            "nm": nm, "xm": xm, "x_nm": x_nm, "deviation": deviation, "criteria": criteria,
            "inside": inside}


def choose_windows_batch(cand: dict, rule: str, min_r2: float, enforce=None):
    """Chosen window index per row (or -1) and the number of valid windows per row.

    ``enforce`` is a boolean mask over :data:`CRITERIA` (default: all four): a window is valid
    when it passes the enforced criteria and has r² ≥ ``min_r2``.
    """
    enforce = np.ones(len(CRITERIA), bool) if enforce is None else np.asarray(enforce, bool)
    valid = (cand["criteria"][..., enforce].all(axis=-1) & cand["inside"]
             & (cand["r2"] >= min_r2))
    npts = (cand["j"] - cand["i"] + 1)[None, :].astype(float)
    r2 = np.nan_to_num(cand["r2"], nan=0.0).clip(0, 1)
    dev = np.nan_to_num(cand["deviation"], nan=1e9)
    if rule == "points":
        key = npts + 0.999 * r2
    elif rule == "error":
        key = -np.minimum(dev, 1e6) * 1e4 + npts * 1e-3
    elif rule == "r2":
        key = r2 * 1e6 + npts * 1e-3
    else:  # pragma: no cover - validated by the caller
        raise ValueError(rule)
    key = np.where(valid, key, -np.inf)
    best = np.argmax(key, axis=1)
    n_valid = valid.sum(axis=1)
    return np.where(n_valid > 0, best, -1), n_valid


def closest_failures(cand: dict, x, min_r2: float, k: int = 3, enforce=None) -> str:
    """Text naming the ``k`` candidate windows that come closest to satisfying the enforced
    criteria (``enforce``: boolean mask over :data:`CRITERIA`, default all)."""
    enforce = np.ones(len(CRITERIA), bool) if enforce is None else np.asarray(enforce, bool)
    if "inside" in cand:
        keep = cand["inside"]
        cand = {k: (v[keep] if np.ndim(v) and np.shape(v)[0] == keep.size else v)
                for k, v in cand.items() if k != "inside"}
    if cand["i"].size == 0:
        return "too few points for any candidate range"
    crit = cand["criteria"] | ~enforce
    score = crit.sum(axis=-1) + (cand["r2"] >= min_r2)
    npts = cand["j"] - cand["i"] + 1
    order = np.lexsort((-npts, -score))[:k]
    parts = []
    for o in order:
        failed = [name for name, ok in zip(CRITERIA, crit[o]) if not ok]
        if cand["r2"][o] < min_r2:
            failed.append(f"r2={cand['r2'][o]:.4f}<{min_r2}")
        parts.append(f"p/p0 {x[cand['i'][o]]:.4g}-{x[cand['j'][o]]:.4g} ({npts[o]} pts) fails "
                     + ", ".join(failed))
    return "; ".join(parts)
