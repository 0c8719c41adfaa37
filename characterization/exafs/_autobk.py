r"""Batched AUTOBK: larch's spline background solved for a whole batch at once (no larch).

``larch.xafs.autobk`` fits, per spectrum, the ``N`` coefficients ``c`` of a cubic B-spline
μ0(k) so that the residual

.. math::

    r(c) = \Big[\, \mathrm{re/im}\,\mathrm{FT}[k^w\,\Omega(k)\,\chi_c(k)]_{R<r_{bkg}},\;
    s(c)\,|c_{lo}|\,\chi_c(k_{0..2}),\; s(c)\,|c_{hi}|\,\chi_c(k_{-3..-1}) \Big],
    \qquad s(c) = 0.1 + 10\,\overline{\mathrm{FT}^2}

is least squares, with :math:`\chi_c = \mathcal{L}(\mu - B c)`: ``B`` the B-spline basis at the
raw k of the data and :math:`\mathcal{L}` the interpolating cubic spline (FITPACK ``s=0``, i.e.
not-a-knot) from the raw k onto the uniform output grid. ``B``, :math:`\mathcal{L}` and the FT are
linear, so the FT rows are an affine map ``a0 - A c`` and the clamp rows ``d0 - D c``; only the
clamp scale ``s(c)`` (which depends on the FT rows) makes the problem non-linear. It is solved for
every spectrum of the batch together by :func:`characterization.fit.solver.levenberg_marquardt`
with the exact (analytic) Jacobian, started from the linear solution at a fixed scale.

Everything else (the k grid, knots from ``splrep``, ``rbkg`` floor, ``irbkg``, ``iemax``, the
window, the chi and background outputs) follows ``larch/xafs/autobk.py`` line by line, so the
answer is larch's minimum; larch stops its ``leastsq`` at ``ftol=1e-6`` with a finite-difference
Jacobian, this solve goes to ``ftol=1e-12`` with the exact one.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import BSpline, make_interp_spline, splrep

from ..fit.solver import STATUS, SolverOptions, levenberg_marquardt
from . import _kernels as K

#: Stopping rules of the batched solve (tighter than larch's ftol = xtol = 1e-6).
OPTIONS = SolverOptions(max_nfev=200, xtol=1e-12, ftol=1e-12, gtol=0.0, block_size=256)
#: A spline coefficient the residual constrains less than this (relative column norm of the
#: FT rows + clamps) is called unconstrained: larch's leastsq fails there (no covariance).
_UNCONSTRAINED = 1e-9


def _index_of(array, value):
    """larch.math.index_of: index at or below ``value`` (0 below the array)."""
    if value < array.min():
        return 0
    return int(np.nonzero(array <= value)[0].max())


def setup(energy, mu, e0, step, *, rbkg, k_lo, k_hi, k_weight, dk, taper, k_step, nfft,
          nclamp=3, clamp_lo=0.0, clamp_hi=1.0):
    """The linear pieces of one spectrum's AUTOBK problem (larch's autobk set-up, verbatim).

    ``energy``/``mu`` are the finite, increasing points of one spectrum. Returns a dict with
    ``a0 (M,)``, ``A (M, N)``, ``d0 (C,)``, ``D (C, N)`` (clamp rows without the scale),
    ``lmu (nk,)``, ``lB (nk, N)`` (χ on the output grid = (lmu - lB c)), ``B`` (raw-k basis),
    ``iek0``, ``n_out`` (nk) and the initial coefficients ``c0`` (larch's knot values).
    """
    iek0 = _index_of(energy, e0)
    rgrid = np.pi / (k_step * nfft)
    rbkg = max(rbkg, 2 * rgrid)
    enpe = energy[iek0:] - e0
    kraw = np.sign(enpe) * np.sqrt(K.ETOK * np.abs(enpe))
    kmax = kraw.max() if (k_hi is None or k_hi < 0) else max(0.0, min(kraw.max(), k_hi))
    kout = k_step * np.arange(int(1.01 + kmax / k_step), dtype="float64")
    iemax = min(energy.size, 2 + _index_of(energy, e0 + kmax * kmax / K.ETOK)) - 1
    ftwin = kout ** k_weight * K.ft_window(kout, k_lo, kmax, dk, taper)
    nspl = 1 + int(2 * rbkg * (kmax - k_lo) / np.pi)
    irbkg = int(1 + (nspl - 1) * np.pi / (2 * rgrid * (kmax - k_lo)))
    nspl = max(5, min(128, nspl))
    spl_k, spl_y = np.zeros(nspl), np.ones(nspl)
    for i in range(nspl):
        q = k_lo + i * (kmax - k_lo) / (nspl - 1)
        ik = int(np.abs(kraw - q).argmin())
        i1, i2 = min(kraw.size - 1, ik + 5), max(0, ik - 5)
        spl_k[i] = kraw[ik]
        spl_y[i] = (2 * mu[ik + iek0] + mu[i1 + iek0] + mu[i2 + iek0]) / 4.0
    knots, coefs, _ = splrep(spl_k, spl_y, k=3)
    kr, mr = kraw[:iemax - iek0 + 1], mu[iek0:iemax + 1]
    basis = BSpline(knots, np.eye(nspl), 3)(kr)                       # (nraw, N)
    onk = make_interp_spline(kr, np.column_stack([mr, basis]), k=3)(kout)  # (nk, 1+N)
    onk_w = onk * ftwin[:, None]
    ft = (k_step / np.sqrt(np.pi)) * np.fft.fft(onk_w, n=nfft, axis=0)[:irbkg]
    rows = np.empty((2 * irbkg, nspl + 1))
    rows[0::2], rows[1::2] = ft.real, ft.imag                        # larch's realimag order
    clamp = np.concatenate([abs(clamp_lo) * onk[:nclamp], abs(clamp_hi) * onk[-nclamp:]]) \
        if nclamp > 0 else np.zeros((0, nspl + 1))
    return dict(a0=rows[:, 0], A=rows[:, 1:], d0=clamp[:, 0], D=clamp[:, 1:],
                lmu=onk[:, 0], lB=onk[:, 1:], B=basis, iek0=iek0, n_out=kout.size,
                c0=coefs[:nspl].copy(), n_raw=kr.size)


class _Problem:
    """Batched residual of AUTOBK for :func:`levenberg_marquardt` (padded to common sizes)."""

    def __init__(self, parts):
        b = len(parts)
        self.n = np.array([p["A"].shape[1] for p in parts])
        self.m = np.array([p["A"].shape[0] for p in parts], dtype=float)
        big_m = max(p["A"].shape[0] for p in parts)
        big_c = max(p["D"].shape[0] for p in parts)
        big_n = int(self.n.max())
        self.a0 = np.zeros((b, big_m))
        self.A = np.zeros((b, big_m, big_n))
        self.d0 = np.zeros((b, big_c))
        self.D = np.zeros((b, big_c, big_n))
        self.pad = np.ones((b, big_n), dtype=bool)
        for i, p in enumerate(parts):
            m, n = p["A"].shape
            c = p["D"].shape[0]
            self.a0[i, :m], self.A[i, :m, :n] = p["a0"], p["A"]
            self.d0[i, :c], self.D[i, :c, :n] = p["d0"], p["D"]
            self.pad[i, :n] = False

    def scale(self, p, rows):
        u = self.a0[rows] - np.einsum("bmn,bn->bm", self.A[rows], p)
        return u, 0.1 + 10.0 * np.einsum("bm,bm->b", u, u) / self.m[rows]

    def linearize(self, p, rows):
        A, D = self.A[rows], self.D[rows]
        u, s = self.scale(p, rows)
        v = self.d0[rows] - np.einsum("bcn,bn->bc", D, p)
        # r = [u; s v]; J = -dr/dp = [A; s D + v (ds/dp)^-], ds/dp = -(20/M) A^T u
        grad_s = (20.0 / self.m[rows])[:, None] * np.einsum("bmn,bm->bn", A, u)
        jd = s[:, None, None] * D + v[:, :, None] * grad_s[:, None, :]
        pad = self.pad[rows]
        r_pad = np.where(pad, -p, 0.0)                       # pinned padded coefficients
        chi2 = (np.einsum("bm,bm->b", u, u) + s * s * np.einsum("bc,bc->b", v, v)
                + np.einsum("bn,bn->b", r_pad, r_pad))
        jtj = np.einsum("bmi,bmj->bij", A, A) + np.einsum("bci,bcj->bij", jd, jd)
        jtr = np.einsum("bmi,bm->bi", A, u) + np.einsum("bci,bc->bi", jd, s[:, None] * v)
        idx = np.arange(p.shape[1])
        jtj[:, idx, idx] += pad
        jtr += r_pad
        return chi2, jtj, jtr

    def start(self):
        """Linear least squares at the clamp scale of the previous iterate (3 passes)."""
        b, _, n = self.A.shape
        rows = np.arange(b)
        p = np.zeros((b, n))
        s = np.full(b, 0.1)
        idx = np.arange(n)
        for _ in range(3):
            ds = s[:, None, None] * self.D
            gram = np.einsum("bmi,bmj->bij", self.A, self.A) + np.einsum("bci,bcj->bij", ds, ds)
            rhs = (np.einsum("bmi,bm->bi", self.A, self.a0)
                   + np.einsum("bci,bc->bi", ds, s[:, None] * self.d0))
            gram[:, idx, idx] += self.pad
            with np.errstate(all="ignore"):
                try:
                    p = np.linalg.solve(gram, rhs[..., None])[..., 0]
                except np.linalg.LinAlgError:
                    p = np.stack([np.linalg.lstsq(g, r, rcond=None)[0]
                                  for g, r in zip(gram, rhs)])
            _, s = self.scale(p, rows)
        return p

    def unconstrained(self):
        """Spectra with a spline coefficient the residual does not constrain."""
        col = np.sqrt((self.A ** 2).sum(axis=1) + (self.D ** 2).sum(axis=1))
        ref = col.max(axis=1, keepdims=True)
        return ((col <= _UNCONSTRAINED * ref) & ~self.pad).any(axis=1)


def solve(parts):
    """Solve every prepared spectrum; returns (coefficients list, status (b,), reasons list)."""
    prob = _Problem(parts)
    p0 = prob.start()
    bad = prob.unconstrained() | ~np.isfinite(p0).all(axis=1)
    status0 = np.where(bad, -3, 0).astype(np.int8)
    p0 = np.where(np.isfinite(p0), p0, 0.0)
    res = levenberg_marquardt(prob, p0, -np.inf, np.inf, OPTIONS, status0=status0)
    coefs, reasons = [], []
    for i, part in enumerate(parts):
        n = part["A"].shape[1]
        coefs.append(res.params[i, :n])
        if bad[i]:
            reasons.append("autobk failed: singular spline fit (a knot the window does not "
                           "constrain); use dk > 0 or taper='hanning'")
        elif res.status[i] <= 0:
            reasons.append(f"autobk failed: {STATUS.get(int(res.status[i]), 'unknown')}")
        else:
            reasons.append("")
    return coefs, res.status, reasons


def outputs(part, coef, mu, step):
    """(background on the raw energy points, chi on the output grid) of one solved spectrum."""
    bkg = np.array(mu, dtype=float, copy=True)
    i0 = part["iek0"]
    bkg[i0:i0 + part["n_raw"]] = part["B"] @ coef
    chi = (part["lmu"] - part["lB"] @ coef) / step
    return bkg, chi
