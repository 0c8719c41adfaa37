r"""Vectorised Levenberg–Marquardt over a batch of independent least-squares problems.

Each spectrum ``b`` minimises ``chi2_b(p) = || w_b (y_b - f(p)) ||^2`` over its own ``Pf``
free parameters. All spectra of a block advance together; each has its own damping and its own
convergence state, and converged (or failed) spectra drop out of the active set, so the work per
iteration shrinks as the block converges.

Step (Marquardt scaling, ``D = diag(J^T J)``):

.. math:: (J^T J + \lambda D)\,\delta = J^T r

solved in the scaled variables ``D^{1/2} delta`` (unit-diagonal normal matrix), batched with
:func:`numpy.linalg.solve` on ``(B, Pf, Pf)``. The damping follows Nielsen (1999): after an
accepted step ``lambda *= max(1/3, 1 - (2 rho - 1)^3)``, after a rejected one
``lambda *= nu, nu *= 2``, with ``rho`` the ratio of actual to predicted reduction.

Convergence (as MINPACK ``lmder``, the engine behind lmfit's ``leastsq``):

* ``ftol``: actual and predicted relative reductions of chi2 both below ``ftol``;
* ``xtol``: relative scaled step ``||D^{1/2} delta|| <= xtol ||D^{1/2} p||``;
* ``gtol``: largest cosine between the residual and a Jacobian column below ``gtol``;
* an exact fit (chi2 = 0) or a damping that had to grow beyond ``1e16`` (no step reduces chi2
  any more: the minimum is reached to machine precision) also count as converged.

Bounds are handled by **projection**, not by a variable transform: a parameter sitting on a
bound whose gradient points outwards is frozen for that step (removed from the linear system),
and trial points are kept inside the box with a *fraction-to-the-boundary* rule (a parameter
covers at most half of its remaining distance to a bound per step, and lands exactly on a
non-zero bound once it is within 1e-3 of it). Reasons: where no bound is active this is exactly
plain LM, so the optimum, the path and the covariance are those of the unbounded problem (what
lmfit's MINUIT-style ``sin``/``sqrt`` transform reproduces only at convergence); and unlike plain
clipping, one wild step cannot slam a peak width onto 0, where the peak and its derivatives
vanish for good (measured: plain clipping left 0.5 % of 4-band carbon spectra in such dead
minima, this rule none). The problem may also cap each parameter's step
(``problem.step_limits``; the peak problem limits a center's move to the peak's width).

Failures never raise: non-finite data or model values, a singular system or ``max_nfev`` reached
set a negative status for that spectrum only.

References: K. Levenberg, Q. Appl. Math. 2, 164 (1944); D. W. Marquardt, J. SIAM 11, 431
(1963); J. J. Moré, "The Levenberg–Marquardt algorithm: implementation and theory", Lecture
Notes in Mathematics 630 (1978); H. B. Nielsen, IMM-REP-1999-05, DTU (1999).
"""

from __future__ import annotations

import dataclasses

import numpy as np

#: Status codes per spectrum (>0 converged, <0 failed).
STATUS = {
    1: "ftol: relative reduction of chi-square below ftol",
    2: "xtol: relative step below xtol",
    3: "gtol: gradient orthogonal to the residual",
    4: "exact fit (chi-square = 0)",
    5: "no further reduction possible (damping at its maximum)",
    6: "converged, but a free parameter is at a bound (see at_bound)",
    7: "converged, but a peak is not detected (see detected)",
    0: "running",
    -1: "max_nfev reached",
    -2: "non-finite data or model",
    -3: "singular normal matrix",
    -4: "too few valid points",
    -5: "degenerate data: all valid points are equal (all zero or constant)",
    -6: "no peak detected above the noise and its standard error",
}
_LAMBDA_MAX = 1.0e16


@dataclasses.dataclass(frozen=True)
class SolverOptions:
    """Stopping rules of :func:`levenberg_marquardt` (defaults as lmfit's ``leastsq``)."""

    max_nfev: int = 1000
    xtol: float = 1.5e-8
    ftol: float = 1.5e-8
    gtol: float = 0.0
    lambda0: float = 1.0e-3
    block_size: int = 128
    boundary_fraction: float = 0.5

    def __post_init__(self):
        if int(self.max_nfev) < 1:
            raise ValueError(f"max_nfev must be >= 1, got {self.max_nfev}")
        for name in ("xtol", "ftol", "gtol"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {getattr(self, name)}")
        if int(self.block_size) < 1:
            raise ValueError(f"block_size must be >= 1, got {self.block_size}")


@dataclasses.dataclass
class SolverResult:
    """Per-spectrum outcome: free parameters, chi2, ``J^T J`` at the optimum, counts, status."""

    params: np.ndarray
    chi2: np.ndarray
    jtj: np.ndarray
    nfev: np.ndarray
    status: np.ndarray

    @property
    def success(self) -> np.ndarray:
        return self.status > 0


def levenberg_marquardt(problem, p0, lower, upper, options: SolverOptions = SolverOptions(),
                        status0=None) -> SolverResult:
    """Minimise every spectrum's chi-square.

    Spectra are processed through an *active pool* of at most ``options.block_size`` spectra
    (which bounds memory: the problem's Jacobian buffer is ``block_size x P x N``). Each
    iteration advances every active spectrum by one LM step; spectra that converge or fail leave
    the pool and are replaced from the queue, so slow spectra never hold a half-empty block.

    Parameters
    ----------
    problem : object
        Provides ``linearize(p, rows) -> (chi2 (b,), JTJ (b, Pf, Pf), JTr (b, Pf))`` for the
        free parameters ``p`` (b, Pf) of the spectra ``rows`` (int array), with ``r`` the
        weighted residual ``w (y - f)``; optionally ``step_limits(p, rows) -> (b, Pf)``, the
        largest move per parameter and step (steps are clipped to it).
    p0 : ndarray (B, Pf)
        Starting values (clipped into the bounds).
    lower, upper : ndarray (Pf,) or (B, Pf)
        Bounds (``-inf``/``inf`` for none).
    options : SolverOptions
    status0 : ndarray (B,), optional
        Pre-set status; spectra with a non-zero value are not fitted.

    Returns
    -------
    SolverResult
    """
    p0 = np.asarray(p0, dtype=float)
    n_spec, n_free = p0.shape
    st = _State(n_spec, n_free, options)
    st.lower = np.broadcast_to(np.asarray(lower, dtype=float), p0.shape)
    st.upper = np.broadcast_to(np.asarray(upper, dtype=float), p0.shape)
    st.p = np.clip(p0, st.lower, st.upper)
    if status0 is not None:
        st.status[:] = status0
    st.status[~np.isfinite(st.p).all(axis=1) & (st.status == 0)] = -2
    queue = np.flatnonzero(st.status == 0)
    active = np.zeros(0, dtype=np.int64)
    refill_below = max(1, (3 * options.block_size) // 4)
    while queue.size or active.size:
        if queue.size and active.size < refill_below:
            new, queue = np.split(queue, [options.block_size - active.size])
            _start(problem, st, new)
            active = np.concatenate([active, new[st.status[new] == 0]])
        if active.size:
            _step(problem, st, active)
            active = active[st.status[active] == 0]
    return SolverResult(st.p, st.chi2, st.a, st.nfev, st.status)


class _State:
    """Per-spectrum solver state (all spectra; only the active pool changes per iteration)."""

    def __init__(self, n_spec, n_free, options):
        self.opt = options
        self.chi2 = np.full(n_spec, np.nan)
        self.a = np.full((n_spec, n_free, n_free), np.nan)
        self.g = np.full((n_spec, n_free), np.nan)
        self.lam = np.full(n_spec, options.lambda0)
        self.nu = np.full(n_spec, 2.0)
        self.nfev = np.zeros(n_spec, dtype=np.int64)
        self.status = np.zeros(n_spec, dtype=np.int8)


def _finite_rows(chi2, a, g):
    return np.isfinite(chi2) & np.isfinite(a).all(axis=(1, 2)) & np.isfinite(g).all(axis=1)


def _safe_solve(m, rhs):
    """Batched solve; singular systems give NaN rows instead of raising."""
    try:
        return np.linalg.solve(m, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full_like(rhs, np.nan)
        for k in range(m.shape[0]):
            try:
                out[k] = np.linalg.solve(m[k], rhs[k])
            except np.linalg.LinAlgError:
                pass
        return out


def _bounded_trial(p, step, lo, hi, fraction):
    """Trial point inside the bounds ("fraction to the boundary" projection).

    A parameter may cover at most ``fraction`` of its remaining distance to a bound in one
    step; it lands exactly on the bound only once it is already close to it (within
    ``1e-3 (|bound| + |p|)``; never for a bound at 0, which is approached geometrically).
    Plain clipping lets a single wild Gauss–Newton step slam a width onto 0, where the
    peak vanishes, its derivatives vanish and it can never come back.
    """
    trial = p + step
    with np.errstate(invalid="ignore"):
        close_lo = (p - lo) <= 1e-3 * (np.abs(lo) + np.abs(p)) * (lo != 0)
        close_hi = (hi - p) <= 1e-3 * (np.abs(hi) + np.abs(p)) * (hi != 0)
        limit_lo = np.where(close_lo, lo, p - fraction * (p - lo))
        limit_hi = np.where(close_hi, hi, p + fraction * (hi - p))
    trial = np.where(trial < limit_lo, limit_lo, trial)
    trial = np.where(trial > limit_hi, limit_hi, trial)
    return np.clip(trial, lo, hi)


def _start(problem, st: _State, rows):
    """First evaluation of the spectra entering the pool."""
    chi2, a, g = problem.linearize(st.p[rows], rows)
    st.chi2[rows], st.a[rows], st.g[rows] = chi2, a, g
    st.nfev[rows] = 1
    status = np.zeros(rows.size, dtype=np.int8)
    status[~_finite_rows(chi2, a, g)] = -2
    status[(status == 0) & (chi2 == 0.0)] = 4
    st.status[rows] = status


def _step(problem, st: _State, act):
    """One damped Gauss–Newton step for every spectrum in ``act``; updates state in place."""
    opt = st.opt
    n_free = st.p.shape[1]
    diag_idx = np.arange(n_free)
    a_act, g_act, p_act = st.a[act], st.g[act], st.p[act]
    lo, hi = st.lower[act], st.upper[act]
    d = a_act[:, diag_idx, diag_idx].copy()
    d = np.maximum(d, 1e-14 * d.max(axis=1, keepdims=True) + 1e-300)
    scale = np.sqrt(d)
    m = a_act / (scale[:, :, None] * scale[:, None, :])
    m[:, diag_idx, diag_idx] += st.lam[act, None]
    rhs = g_act / scale
    frozen = ((p_act <= lo) & (g_act < 0)) | ((p_act >= hi) & (g_act > 0))
    if frozen.any():
        keep = ~frozen
        m *= keep[:, :, None] & keep[:, None, :]
        m[:, diag_idx, diag_idx] += frozen
        rhs = rhs * keep
    step = _safe_solve(m, rhs) / scale
    singular = ~np.isfinite(step).all(axis=1)
    if hasattr(problem, "step_limits"):
        limit = problem.step_limits(p_act, act)
        step = np.clip(step, -limit, limit)
    trial = _bounded_trial(p_act, np.where(singular[:, None], 0.0, step), lo, hi,
                           opt.boundary_fraction)
    step = trial - p_act
    chi2_t, a_t, g_t = problem.linearize(trial, act)
    st.nfev[act] += 1
    ok = _finite_rows(chi2_t, a_t, g_t) & ~singular
    chi2_old = st.chi2[act]
    actual = chi2_old - chi2_t
    predicted = 2.0 * np.einsum("bi,bi->b", step, g_act) - np.einsum(
        "bi,bij,bj->b", step, a_act, step)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(predicted > 0, actual / predicted, 0.0)
        rel_actual = actual / chi2_old
        rel_predicted = predicted / chi2_old
    accept = ok & (actual > 0)
    # --- update accepted spectra, adapt the damping
    acc = act[accept]
    st.p[acc] = trial[accept]
    st.chi2[acc] = chi2_t[accept]
    st.a[acc] = a_t[accept]
    st.g[acc] = g_t[accept]
    st.lam[acc] *= np.maximum(1.0 / 3.0, 1.0 - (2.0 * rho[accept] - 1.0) ** 3)
    st.nu[acc] = 2.0
    rej = act[~accept]
    st.lam[rej] *= st.nu[rej]
    st.nu[rej] *= 2.0
    # --- convergence tests (MINPACK style)
    p_new = st.p[act]
    step_norm = np.sqrt(np.einsum("bi,bi->b", scale * step, scale * step))
    p_norm = np.sqrt(np.einsum("bi,bi->b", scale * p_new, scale * p_new))
    conv_x = ok & (step_norm <= opt.xtol * p_norm)
    conv_f = ok & (np.abs(rel_actual) <= opt.ftol) & (rel_predicted <= opt.ftol) & (rho <= 2)
    new_status = np.zeros(act.size, dtype=np.int8)
    new_status[conv_x] = 2
    new_status[conv_f] = 1
    chi2_new, lam_new = st.chi2[act], st.lam[act]
    if opt.gtol > 0:
        a_new = st.a[act]
        dg = np.sqrt(np.maximum(a_new[:, diag_idx, diag_idx], 0) * chi2_new[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            cosine = np.max(np.where(dg > 0, np.abs(st.g[act]) / dg, 0.0), axis=1)
        new_status[(new_status == 0) & (cosine <= opt.gtol)] = 3
    new_status[(new_status == 0) & (chi2_new == 0.0)] = 4
    new_status[(new_status == 0) & singular & (lam_new > _LAMBDA_MAX)] = -3
    new_status[(new_status == 0) & (lam_new > _LAMBDA_MAX)] = 5
    new_status[(new_status == 0) & (st.nfev[act] >= opt.max_nfev)] = -1
    st.status[act] = new_status


def covariance(jtj: np.ndarray, chi2: np.ndarray, dof: np.ndarray) -> np.ndarray:
    r"""Parameter covariance ``inv(J^T J) * chi2 / dof`` (lmfit's ``scale_covar=True``).

    The inverse is taken on the unit-diagonal scaled matrix for accuracy; singular or
    non-finite matrices, and ``dof <= 0``, give NaN for that spectrum.
    """
    n_spec, n = jtj.shape[:2]
    out = np.full_like(jtj, np.nan)
    diag = jtj[:, np.arange(n), np.arange(n)]
    good = np.isfinite(jtj).all(axis=(1, 2)) & (diag > 0).all(axis=1) & (dof > 0) & np.isfinite(
        chi2)
    if not good.any() or n == 0:
        return out
    idx = np.flatnonzero(good)
    s = np.sqrt(diag[idx])
    scaled = jtj[idx] / (s[:, :, None] * s[:, None, :])
    inv = np.full_like(scaled, np.nan)
    try:
        inv[:] = np.linalg.inv(scaled)
    except np.linalg.LinAlgError:
        for k in range(idx.size):
            try:
                inv[k] = np.linalg.inv(scaled[k])
            except np.linalg.LinAlgError:
                pass
    # guard against numerically singular matrices that inverted to garbage
    cond_bad = ~np.isfinite(inv).all(axis=(1, 2)) | (inv[:, np.arange(n), np.arange(n)] <= 0).any(
        axis=1)
    inv[cond_bad] = np.nan
    out[idx] = inv / (s[:, :, None] * s[:, None, :]) * (chi2[idx] / dof[idx])[:, None, None]
    return out
