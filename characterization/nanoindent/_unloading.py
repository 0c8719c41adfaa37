"""numpy kernels of the Oliver–Pharr unloading analysis, vectorised over indents.

Shapes: ``(..., N)`` arrays (leading batch dims, ``N`` points, NaN padding allowed); every
function works on all indents at once (no Python loop over indents), which is what makes a
10 000-indent grid cheap.
"""

from __future__ import annotations

import numpy as np

#: status codes of :func:`unloading_kernel` -> reason text
REASONS = {
    0: "",
    1: "no valid points",
    2: "fewer than 4 points in the unloading window",
    3: "power-law fit did not converge",
    4: "unloading exponent m at its bound (outside 0.8-3: not an elastic unloading)",
    5: "fit poor (R^2 < 0.95)",
    6: "non-physical contact (stiffness, contact depth or area not positive)",
    7: "final depth h_f at its bound (the window's smallest depth): no power law",
}

M_BOUNDS = (0.8, 3.0)
HOLD_FRACTION = 0.999


def unloading_window(load, depth, unloading, *, lo, hi):
    """Start index of unloading and the boolean fit window, per indent.

    ``unloading`` is a boolean (..., N) array of points marked as unloading by the file (all
    False when the file has no markers). The branch starts at the first marked point at or
    after the load maximum (the vendor's "start of unload"); without markers, at the last
    point of the run at >= 99.9 % of P_max following the maximum (so a hold at peak load is
    excluded from the fit). It ends at the first
    point below ``lo * P`` (or the first non-marked/NaN point). The window is the branch points
    with ``lo * P <= load <= hi * P`` where P is the load at the start of unloading.
    """
    n = load.shape[-1]
    idx = np.arange(n)
    valid = np.isfinite(load) & np.isfinite(depth)
    any_valid = valid.any(axis=-1)
    filled = np.where(valid, load, -np.inf)
    peak = np.argmax(filled, axis=-1)[..., None]
    has_marks = (unloading & valid).any(axis=-1, keepdims=True)
    after = idx >= peak
    # the first labelled unloading point, as KLA NanoSuite ("load on sample at the start of
    # each unload"): its stiffness then matches the vendor's to < 0.4 % on FQ.xls
    first_marked = np.argmax(unloading & valid & after, axis=-1)[..., None]
    marked_ok = (unloading & valid & after).any(axis=-1, keepdims=True)
    pmax = np.take_along_axis(filled, peak, axis=-1)
    below = after & (~valid | (load < HOLD_FRACTION * pmax))
    first_below = np.where(below.any(axis=-1, keepdims=True),
                           np.argmax(below, axis=-1)[..., None], n)
    unmarked_start = np.maximum(first_below - 1, peak)
    start = np.where(has_marks & marked_ok, first_marked, unmarked_start)
    p_start = np.take_along_axis(np.where(valid, load, np.nan), np.minimum(start, n - 1), -1)
    stop_cond = (idx > start) & (~valid | (load < lo * p_start)
                                 | (has_marks & ~unloading))
    stop = np.where(stop_cond.any(axis=-1, keepdims=True),
                    np.argmax(stop_cond, axis=-1)[..., None], n)
    with np.errstate(invalid="ignore"):
        window = ((idx >= start) & (idx < stop) & valid & (load >= lo * p_start)
                  & (load <= hi * p_start))
    window &= any_valid[..., None]
    return start[..., 0], window


def _compress(h, p, w):
    """Move the window points of each row to the front: (B, K) arrays, K = max window size."""
    k = max(int(w.sum(-1).max()) if w.size else 0, 1)
    order = np.argsort(~w, axis=-1, kind="stable")[..., :k]
    take = lambda a: np.take_along_axis(a, order, -1)  # noqa: E731
    wc = take(w)
    return np.where(wc, take(h), 0.0), np.where(wc, take(p), 0.0), wc.astype(float)


def _evaluate(h, p, w, m, hf):
    """Projected prefactor, residuals and SSE of P = alpha (h - h_f)^m, rows of (B, K)."""
    x = h - hf[:, None]
    ok = np.where(w > 0, x > 0, True).all(-1)
    x = np.where((w > 0) & (x > 0), x, 1.0)
    xm = x ** m[:, None]
    num = (w * p * xm).sum(-1)
    den = (w * xm * xm).sum(-1)
    alpha = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    r = w * (alpha[:, None] * xm - p)
    sse = np.where(ok, (r * r).sum(-1), np.inf)
    return alpha, xm, x, r, sse


def power_law_fit(h, p, w, *, max_iter=100, xtol=1e-10):
    r"""Least-squares fit :math:`P = \alpha (h - h_f)^m` on the points where ``w``, all at once.

    Variable projection: for given :math:`(m, h_f)` the prefactor α is linear and solved in
    closed form; Levenberg–Marquardt (Marquardt scaling, per-indent damping) on
    :math:`(m, h_f)` with the constraint :math:`h_f < \min h` of the window (steps violating
    it are rejected) and m clipped to :data:`M_BOUNDS`. Start values: a golden-section
    search over :math:`\log(h_{min} - h_f)` (1e-4 to 30 window spans) of the log-log line
    fit's SSE in P, so LM starts in the valley and converges in a few steps.
    Only indents still iterating are computed in each iteration.

    Returns alpha, m, h_f, sse, r2, converged (arrays of the batch shape).
    """
    shape = h.shape[:-1]
    h2, p2, w2 = _compress(h.reshape(-1, h.shape[-1]), p.reshape(-1, p.shape[-1]),
                           w.reshape(-1, w.shape[-1]))
    nb = h2.shape[0]
    npts = w2.sum(-1)
    hmin = np.where(w2 > 0, h2, np.inf).min(-1)
    hmax = np.where(w2 > 0, h2, -np.inf).max(-1)
    span = np.where(np.isfinite(hmax - hmin) & (hmax > hmin), hmax - hmin, 1.0)
    pos = (w2 > 0) & (p2 > 0)
    n_pos = np.maximum(pos.sum(-1), 1)
    ly = np.log(np.where(pos, p2, 1.0))
    finite = np.isfinite(hmin)
    hmin0 = np.where(finite, hmin, 0.0)

    def profile(t):
        """m from the log-log line at h_f = h_min - exp(t) * span; alpha projected; SSE."""
        hf_t = hmin0 - np.exp(t) * span
        lx = np.log(np.where(pos, h2 - hf_t[:, None], 1.0))
        mx = np.where(pos, lx, 0).sum(-1) / n_pos
        my = np.where(pos, ly, 0).sum(-1) / n_pos
        sxx = np.where(pos, (lx - mx[:, None]) ** 2, 0).sum(-1)
        sxy = np.where(pos, (lx - mx[:, None]) * (ly - my[:, None]), 0).sum(-1)
        m_t = np.clip(np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1), 1.5), *M_BOUNDS)
        return m_t, hf_t, _evaluate(h2, p2, w2, m_t, hf_t)[-1]

    # golden-section search of the profile over log(h_min - h_f), all indents at once
    lo_t, hi_t = np.full(nb, np.log(1e-4)), np.full(nb, np.log(30.0))
    g = (np.sqrt(5) - 1) / 2
    c_t, d_t = hi_t - g * (hi_t - lo_t), lo_t + g * (hi_t - lo_t)
    fc, fd = profile(c_t)[-1], profile(d_t)[-1]
    for _ in range(40):
        left = fc < fd
        hi_t = np.where(left, d_t, hi_t)
        lo_t = np.where(left, lo_t, c_t)
        new_c, new_d = hi_t - g * (hi_t - lo_t), lo_t + g * (hi_t - lo_t)
        fnew = profile(np.where(left, new_c, new_d))[-1]
        fd, fc = np.where(left, fc, fnew), np.where(left, fnew, fd)
        c_t, d_t = np.where(left, new_c, d_t), np.where(left, c_t, new_d)
    m, hf, _ = profile((lo_t + hi_t) / 2)
    alpha, xm, x, r, sse = _evaluate(h2, p2, w2, m, hf)
    lam = np.full(nb, 1e-3)
    converged = np.zeros(nb, bool)
    act = np.flatnonzero((npts >= 4) & np.isfinite(sse))
    eye = np.eye(3)
    for _ in range(max_iter):
        if act.size == 0:
            break
        ha, pa, wa = h2[act], p2[act], w2[act]
        ma, hfa, la, ala = m[act], hf[act], lam[act], alpha[act]
        xma, xa, ra = xm[act], x[act], r[act]
        jac = np.stack([wa * xma, wa * ala[:, None] * xma * np.log(xa),
                        -wa * ala[:, None] * ma[:, None] * xma / xa], axis=-1)
        jtj = np.einsum("bki,bkj->bij", jac, jac)
        grad = np.einsum("bki,bk->bi", jac, ra)
        diag = np.diagonal(jtj, axis1=1, axis2=2)
        lhs = jtj + (la[:, None] * np.where(diag > 0, diag, 1.0))[:, :, None] * eye
        try:
            step = -np.linalg.solve(lhs, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.zeros_like(grad)
            for i in range(len(act)):
                try:
                    step[i] = -np.linalg.solve(lhs[i], grad[i])
                except np.linalg.LinAlgError:
                    pass
        a_new = ala + step[:, 0]
        m_new = np.clip(ma + step[:, 1], *M_BOUNDS)
        hf_new = np.minimum(hfa + step[:, 2], hmin[act] - 1e-6 * span[act])
        x_new = ha - hf_new[:, None]
        ok = np.where(wa > 0, x_new > 0, True).all(-1)
        x_new = np.where((wa > 0) & (x_new > 0), x_new, 1.0)
        xm_new = x_new ** m_new[:, None]
        r_new = wa * (a_new[:, None] * xm_new - pa)
        sse_new = np.where(ok, (r_new * r_new).sum(-1), np.inf)
        better = sse_new <= sse[act]
        tiny = (np.abs(m_new - ma) <= xtol * np.abs(ma)) & \
            (np.abs(hf_new - hfa) <= xtol * span[act]) | \
            (np.abs(sse[act] - sse_new) <= 1e-14 * sse[act])
        upd = act[better]
        m[upd], hf[upd], alpha[upd], sse[upd] = (m_new[better], hf_new[better], a_new[better],
                                                 sse_new[better])
        xm[upd], x[upd], r[upd] = xm_new[better], x_new[better], r_new[better]
        lam[act] = np.where(better, la / 4, la * 4)
        done = (better & tiny) | (lam[act] > 1e10)
        converged[act[done]] = True
        act = act[~done]
    pmean = np.where(npts > 0, (w2 * p2).sum(-1) / np.maximum(npts, 1), np.nan)
    sst = (w2 * (p2 - pmean[:, None]) ** 2).sum(-1)
    r2 = np.where(sst > 0, 1 - sse / np.where(sst > 0, sst, 1.0), np.nan)
    return tuple(a.reshape(shape) for a in (alpha, m, hf, sse, r2, converged))


def unloading_kernel(load, depth, unloading, *, lo, hi):
    """Window + power-law fit + stiffness at the start of unloading, per indent.

    Returns (p_max [mN], h_max [nm], stiffness [mN/nm], m, h_f [nm], r2, n_points,
    window_load_min, window_load_max, status).
    """
    load = np.asarray(load, float)
    depth = np.asarray(depth, float)
    unloading = np.asarray(unloading, bool)
    start, window = unloading_window(load, depth, unloading, lo=lo, hi=hi)
    n = load.shape[-1]
    s = np.minimum(start, n - 1)[..., None]
    p_max = np.take_along_axis(load, s, -1)[..., 0]
    h_max = np.take_along_axis(depth, s, -1)[..., 0]
    alpha, m, hf, sse, r2, converged = power_law_fit(depth, load, window)
    npts = window.sum(-1)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        stiffness = alpha * m * (h_max - hf) ** (m - 1)
        wl = np.where(window, load, np.nan)
        any_w = window.any(-1)
        wmin = np.where(any_w, np.nanmin(np.where(any_w[..., None], wl, 0.0), -1), np.nan)
        wmax = np.where(any_w, np.nanmax(np.where(any_w[..., None], wl, 0.0), -1), np.nan)
    valid_any = (np.isfinite(load) & np.isfinite(depth)).any(-1)
    status = np.zeros(p_max.shape, int)
    at_bound = (m <= M_BOUNDS[0] + 1e-6) | (m >= M_BOUNDS[1] - 1e-6)
    wh = np.where(window, depth, np.nan)
    with np.errstate(invalid="ignore"):
        h_lo = np.where(npts > 0, np.nanmin(np.where(npts[..., None] > 0, wh, 0.0), -1), 0.0)
        h_hi = np.where(npts > 0, np.nanmax(np.where(npts[..., None] > 0, wh, 0.0), -1), 1.0)
        hf_bound = hf >= h_lo - 1e-5 * np.maximum(h_hi - h_lo, 1e-12)
    bad_contact = ~(stiffness > 0) | ~(h_max > hf)
    conditions = [(~valid_any, 1), (npts < 4, 2), (~converged, 3), (at_bound, 4),
                  (hf_bound, 7), (~(r2 >= 0.95), 5), (bad_contact, 6)]
    for cond, code in reversed(conditions):
        status = np.where(cond, code, status)
    failed = status != 0
    nan = np.nan
    out_m = np.where(failed, nan, m)
    out_hf = np.where(failed, nan, hf)
    out_s = np.where(failed, nan, stiffness)
    p_max = np.where(valid_any, p_max, nan)
    h_max = np.where(valid_any, h_max, nan)
    return (p_max, h_max, out_s, out_m, out_hf, np.where(npts >= 4, r2, nan),
            npts.astype(float), wmin, wmax, status)
