"""Batched shell-fit engine: the EXAFS path sum of :mod:`.path_sum`, larch's transform and noise
rules (:mod:`._xft`) and the package's vectorised Levenberg–Marquardt
(:func:`characterization.fit.solver.levenberg_marquardt`).

The solver takes any problem object with ``linearize(p, rows)``; the peak engine's model layer
(``fit.engine``/``fit._problem``) is specific to line shapes, so this module supplies its own
problem: the residual is feffit's (data − model transformed to R, k or q space and divided by
the noise ε), the Jacobian comes from forward differences evaluated for all spectra and all
parameters in one vectorised call. One *group* is one least-squares problem: a single spectrum,
or a series of S spectra co-refined with shared parameters.
"""

from __future__ import annotations

import numpy as np

from ..fit.solver import STATUS, SolverOptions, covariance, levenberg_marquardt
from . import _spec
from .path_sum import path_chi, path_chi_grad


class Layout:
    """Free-parameter columns of a group: shared ones once, the others once per spectrum."""

    def __init__(self, spec, n_series: int, shared):
        self.spec = spec
        self.names = [p.name for p in spec.free]
        self.S = n_series
        self.columns = []          # (name index, spectrum or None)
        for i, name in enumerate(self.names):
            if name in shared or n_series == 1:
                self.columns.append((i, None))
            else:
                self.columns.extend((i, s) for s in range(n_series))
        self.index = np.zeros((n_series, len(self.names)), dtype=int)
        for c, (i, s) in enumerate(self.columns):
            for ss in (range(n_series) if s is None else [s]):
                self.index[ss, i] = c
        free = spec.free
        self.lower = np.array([free[i].min for i, _ in self.columns])
        self.upper = np.array([free[i].max for i, _ in self.columns])
        self.start = np.array([free[i].value for i, _ in self.columns])

    @property
    def n(self) -> int:
        return len(self.columns)

    def expand(self, p):
        """(..., P) -> (..., S, n_free)."""
        return p[..., self.index]


class AnalyticProblem:
    """Residual and Jacobian from the analytic path-parameter derivatives of the path sum
    (:func:`.path_sum.path_chi_grad`), chained with the derivatives of the parameter
    expressions (forward differences of the cheap expression evaluation only)."""

    def __init__(self, pieces, layout: Layout):
        self.pieces = pieces          # (p, rows) -> (r0 (b, M), J (b, P, M))
        self.layout = layout

    def linearize(self, p, rows):
        r0, jac = self.pieces(p, rows)
        with np.errstate(all="ignore"):
            jtj = np.einsum("bim,bjm->bij", jac, jac)
            jtr = np.einsum("bim,bm->bi", jac, r0)
            chi2 = np.einsum("bm,bm->b", r0, r0)
        chi2[~np.isfinite(chi2)] = np.inf
        return chi2, jtj, jtr


class Problem:
    def __init__(self, model, layout: Layout, data_res_shape):
        self.model = model            # p (b, P), rows -> residual (b, M)
        self.layout = layout

    def linearize(self, p, rows):
        b, n = p.shape
        h = np.sqrt(np.finfo(float).eps) * np.where(np.abs(p) > 0, np.abs(p), 1.0)
        h = np.where(p + h > self.layout.upper, -h, h)
        trial = np.repeat(p[:, None, :], n + 1, axis=1)
        trial[:, 1:, :] += np.eye(n)[None] * h[:, None, :]
        res = self.model(trial.reshape(b * (n + 1), n), np.repeat(rows, n + 1))
        res = res.reshape(b, n + 1, -1)
        r0 = res[:, 0]
        jac = -(res[:, 1:] - r0[:, None, :]) / h[:, :, None]       # df/dp: (b, n, M)
        with np.errstate(all="ignore"):
            jtj = np.einsum("bim,bjm->bij", jac, jac)
            jtr = np.einsum("bim,bm->bi", jac, r0)
            chi2 = np.einsum("bm,bm->b", r0, r0)
        bad = ~np.isfinite(chi2)
        chi2[bad] = np.inf
        return chi2, jtj, jtr


def fit(chi, k_data, table, spec, trans, *, shared=(), extras=None, fit_kwargs=None):
    """Fit groups of spectra.

    Parameters
    ----------
    chi : ndarray (G, S, nk)
        Data χ(k) on ``k_data``.
    extras : dict of name -> ndarray (G, S)
        Per-spectrum values usable in expressions.

    Returns
    -------
    dict of ndarrays, leading axes (G, S).
    """
    G, S, _ = chi.shape
    extras = {n: np.asarray(v, dtype=float) for n, v in (extras or {}).items()}
    ok_k = np.isfinite(k_data)
    ikmax = int(1.01 + np.nanmax(k_data) / trans.kstep)
    kfit = trans.k[:ikmax]
    data = np.empty((G, S, ikmax))
    for g in range(G):
        for s in range(S):
            good = ok_k & np.isfinite(chi[g, s])
            data[g, s] = (np.interp(kfit, k_data[good], chi[g, s, good])
                          if good.sum() > 3 else np.nan)
    eps_k, eps_r = trans.noise(np.nan_to_num(data))
    eps_k = np.where(np.isfinite(eps_k) & (eps_k > 0), eps_k, 1e-4)
    eps_r = np.where(np.isfinite(eps_r) & (eps_r > 0), eps_r, 1e-4)
    layout = Layout(spec, S, set(shared))
    kmax_path = table.kmax()

    def values_of(p, rows):
        free = layout.expand(p)                                    # (b, S, nf)
        ex = {n: v[rows] for n, v in extras.items()}
        vals = _spec.resolve_params(spec, free, ex)
        return vals, ex

    def model_chi(p, rows, fine=True):
        vals, ex = values_of(p, rows)
        pv = _spec.path_values(spec, table, vals, ex)
        return path_chi(table, kfit, fine=fine, **pv)              # (b, S, nk)

    def model(p, rows):
        with np.errstate(all="ignore"):
            diff = data[rows] - model_chi(p, rows)
            res = trans.residual(diff, eps_k[rows], eps_r[rows])   # (b, S, M)
        return res.reshape(res.shape[0], -1)

    def pieces(p, rows):
        """Residual (b, M) and Jacobian df/dp (b, P, M) with analytic path derivatives."""
        vals, ex = values_of(p, rows)
        pv = _spec.path_values(spec, table, vals, ex)
        b, P = p.shape
        dpv = {key: np.zeros(pv[key].shape + (P,)) for key in pv}
        h = 1e-7 * np.maximum(np.abs(p), 1e-3)
        for c in range(P):
            pc = p.copy()
            pc[:, c] += h[:, c]
            vc, exc = values_of(pc, rows)
            pvc = _spec.path_values(spec, table, vc, exc)
            for key in pv:
                dpv[key][..., c] = (pvc[key] - pv[key]) / h[:, c, None, None]
        with np.errstate(all="ignore"):
            chi, grads = path_chi_grad(table, kfit, **pv)
            dchi = sum(np.einsum("bsjk,bsjc->bcsk", grads[key], dpv[key]) for key in pv
                       if np.any(dpv[key]))
            if np.isscalar(dchi):
                dchi = np.zeros((b, P) + chi.shape[1:])
            r0 = trans.residual(data[rows] - chi, eps_k[rows], eps_r[rows])
            jac = trans.residual(dchi, eps_k[rows][:, None], eps_r[rows][:, None])
        return r0.reshape(b, -1), jac.reshape(b, P, -1)

    fit_kwargs = dict(fit_kwargs or {})
    numeric = fit_kwargs.pop("jacobian", "analytic") == "numeric"
    options = SolverOptions(**fit_kwargs)
    p0 = np.broadcast_to(layout.start, (G, layout.n)).copy()
    status0 = np.where(np.isfinite(data).all(axis=(1, 2)), 0, -2)
    if layout.n == 0:
        raise ValueError("no free parameter")
    problem = Problem(model, layout, None) if numeric else AnalyticProblem(pieces, layout)
    sol = levenberg_marquardt(problem, p0, layout.lower, layout.upper, options,
                              status0=status0)
    rows = np.arange(G)
    p = sol.params
    with np.errstate(all="ignore"):
        res = model(p, rows).reshape(G, S, -1)
        dat = trans.residual(data, eps_k, eps_r)
        fitted = model_chi(p, rows, fine=False)   # exact splines (also where k' < 0)
    npts_s = res.shape[-1]
    n_idp_s = trans.n_idp()
    n_idp = S * n_idp_s
    nvarys = layout.n
    chi2_raw = (res ** 2).sum(axis=(1, 2))
    chi_square = chi2_raw * n_idp / (S * npts_s)
    redchi = chi_square / (n_idp - nvarys)
    r_factor = (res ** 2).sum(-1) / (dat ** 2).sum(-1)
    r_joint = (res ** 2).sum(axis=(1, 2)) / (dat ** 2).sum(axis=(1, 2))
    # stderr as feffit: inv(J^T J) * chi2_raw / (N_idp - N_varys)
    _, jtj, _ = problem.linearize(p, rows)
    cov = covariance(jtj, chi2_raw, np.full(G, n_idp - nvarys))
    names = spec.names()
    npar = len(names)
    value = np.full((G, S, npar), np.nan)
    stderr = np.full((G, S, npar), np.nan)
    corr = np.full((G, S, npar, npar), np.nan)
    at_bound = np.zeros((G, S, npar), dtype=bool)
    vals, _ = values_of(p, rows)
    for j, name in enumerate(names):
        value[:, :, j] = vals[name]
    # derived parameters: stderr by the delta method with numeric gradients
    grads = {}
    hstep = 1e-7 * np.maximum(np.abs(p), 1e-3)
    for c in range(layout.n):
        pp = p.copy()
        pp[:, c] += hstep[:, c]
        vv, _ = values_of(pp, rows)
        grads[c] = {n: (vv[n] - vals[n]) / hstep[:, c, None] for n in names}
    for j, name in enumerate(names):
        gvec = np.stack([grads[c][name] for c in range(layout.n)], axis=-1)  # (G, S, P)
        var = np.einsum("gsi,gij,gsj->gs", gvec, cov, gvec)
        param = spec.params[j]
        stderr[:, :, j] = np.sqrt(var) if (param.free or param.expr) else 0.0
    free_index = {n: i for i, n in enumerate(layout.names)}
    sd_cols = np.sqrt(np.einsum("gii->gi", cov))
    for a, na in enumerate(names):
        for b_, nb in enumerate(names):
            if na in free_index and nb in free_index:
                ca = layout.index[:, free_index[na]]
                cb = layout.index[:, free_index[nb]]
                corr[:, :, a, b_] = cov[:, ca, cb] / (sd_cols[:, ca] * sd_cols[:, cb])
    for c, (i, s) in enumerate(layout.columns):
        j = names.index(layout.names[i])
        tol = 1e-6 * np.maximum(1.0, np.abs(p[:, c]))
        hit = ((np.abs(p[:, c] - layout.lower[c]) <= tol)
               | (np.abs(p[:, c] - layout.upper[c]) <= tol))
        for ss in (range(S) if s is None else [s]):
            at_bound[:, ss, j] |= hit
    status = sol.status.copy()
    any_bound = at_bound.any(axis=(1, 2))
    status[(status > 0) & any_bound] = 6
    reason = np.array([_reason(st, at_bound[g], names) for g, st in enumerate(status)])
    chir_data = trans.fftf(data, trans.k_weight[0])
    chir_fit = trans.fftf(fitted, trans.k_weight[0])
    rep = lambda a: np.repeat(np.asarray(a)[:, None], S, axis=1)  # noqa: E731
    return {"value": value, "stderr": stderr, "correlation": corr, "at_bound": at_bound,
            "r_factor": r_factor, "n_idp": np.full((G, S), n_idp_s),
            "redchi": rep(redchi), "chi_square": rep(chi_square),
            "n_varys": rep(np.full(G, float(nvarys))), "r_factor_joint": rep(r_joint),
            "n_idp_joint": rep(np.full(G, n_idp)), "nfev": rep(sol.nfev.astype(float)),
            "status": rep(status), "success": rep(status > 0) & rep(status != 6),
            "reason": rep(reason), "epsilon_k": eps_k[..., 0], "chi": data, "chi_fit": fitted,
            "chir_data": chir_data, "chir_fit": chir_fit, "kfit": kfit,
            "kmax_path": kmax_path}


def _reason(status, at_bound, names) -> str:
    if status == 6:
        hit = sorted({names[j] for j in np.flatnonzero(at_bound.any(axis=0))})
        return "parameter at a bound: " + ", ".join(hit)
    if status > 0:
        return ""
    return STATUS.get(int(status), "failed")
