r"""Asymmetric Lorentzian with a damped high-binding-energy tail, broadened by a Gaussian: LF.

CasaXPS's ``LF(α, β, w, m)`` is its ``LA(α, β, m)`` (:mod:`._asymmetric_lorentzian`) with the
asymmetric tail forced back to zero by a damping parameter ``w``, so that a tail exponent
``α <= 1/2`` (a non-integrable LA) still gives a finite area. CasaXPS does not publish the
damping function nor the mapping of its integers ``w`` and ``m`` (0..499) to energies, so this
module implements its own, stated definition:

.. math:: h(t) = \begin{cases} (1 + 4t^2)^{-\alpha}\, e^{-t^2/w^2} & t > 0 \\
          (1 + 4t^2)^{-\beta} & t \le 0 \end{cases}, \qquad t = \frac{x - c}{F}

``t > 0`` is the high-binding-energy side; ``w`` (``damping``, in units of ``F``) is the
1/e half-width of a Gaussian cut-off of that tail. ``w -> inf`` gives LA exactly. The area is
analytic (substituting ``u = 4t^2`` in the integral of each side):

.. math:: \int h\,dx = \frac{F\sqrt\pi}{4}\left[U\!\left(\tfrac12, \tfrac32 - \alpha,
          \tfrac{1}{4w^2}\right) + \frac{\Gamma(\beta - \frac12)}{\Gamma(\beta)}\right]

with ``U`` Tricomi's confluent hypergeometric function (``U(1/2, 3/2-α, 0) = Γ(α-1/2)/Γ(α)``
for ``α > 1/2``, the LA limit). The area-normalised profile is convolved with a Gaussian of
FWHM ``fwhm_g`` (eV) by 32-point Gauss–Hermite quadrature, as LA. Jacobian: analytic in
``center``, ``F``, ``β``, ``w`` and ``fwhm_g`` (``dU/dz = -a U(a+1, b+1, z)``); the derivative of
the area in ``α`` is a central difference of ``U`` (relative accuracy ~1e-8).

Differences from CasaXPS: the damping function and the units of ``w`` and ``m`` (here a
dimensionless width and a Gaussian FWHM in eV); a fifth LF argument written by some CasaXPS
versions (``LF(0.54,10,80,100,6)``) has no published meaning and no counterpart here. Shapes
fitted by CasaXPS therefore cannot be transferred parameter-for-parameter: refit ``w`` and
``fwhm_g`` (the peak area, FWHM and position are comparable).

References: CasaXPS manual, "Line shapes" (LA, LF); N. Fairley et al., Appl. Surf. Sci. Adv. 5
(2021) 100112; NIST DLMF §13.4 (integral representation of U).
"""

from __future__ import annotations

import numpy as np
from scipy.special import hyperu

from ._asymmetric_lorentzian import (_G_SCALE, _NODES, _WEIGHTS, AsymmetricLorentzian,
                                     _side_area)
from ._base import TINY, ShapeParam


_GL_T, _GL_W = np.polynomial.legendre.leggauss(200)


def _damped_side_quadrature(a, w):
    """Same as :func:`_damped_side` by 200-point Gauss–Legendre quadrature of
    ``(4/√π) ∫ h dt`` over ``0 <= t <= 12 s``, ``s = (4a + 1/w²)^(-1/2)`` (used where SciPy's
    ``hyperu`` overflows: large ``a``, where the integrand is Gaussian-like of width ``s``)."""
    a, w = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(w, dtype=float))
    top = 12.0 / np.sqrt(4.0 * a + 1.0 / (w * w))
    t = 0.5 * top[..., None] * (_GL_T + 1.0)
    wt = 0.5 * top[..., None] * _GL_W * (4.0 / np.sqrt(np.pi))
    lnq = np.log1p(4.0 * t * t)
    h = np.exp(-a[..., None] * lnq - t * t / (w * w)[..., None])
    return ((wt * h).sum(-1), (-wt * h * lnq).sum(-1),
            (wt * h * 2.0 * t * t).sum(-1) / w ** 3)


def _damped_side(a, w):
    """Area factor ``U(1/2, 3/2 - a, 1/(4 w^2))`` and its derivatives in ``a`` and ``w``."""
    z = 0.25 / (w * w)
    with np.errstate(all="ignore"):
        r = hyperu(0.5, 1.5 - a, z)
        step = 1e-6 * np.maximum(np.abs(a), 1.0)
        dr_da = (hyperu(0.5, 1.5 - (a + step), z)
                 - hyperu(0.5, 1.5 - (a - step), z)) / (2 * step)
        dr_dw = 0.5 * hyperu(1.5, 2.5 - a, z) / (2.0 * w ** 3)
    bad = ~(np.isfinite(r) & np.isfinite(dr_da) & np.isfinite(dr_dw) & (r > 0))
    if np.any(bad):
        rq, daq, dwq = _damped_side_quadrature(a, w)
        r, dr_da, dr_dw = (np.where(bad, q, v) for q, v in
                           ((rq, r), (daq, dr_da), (dwq, dr_dw)))
    return r, dr_da, dr_dw


class DampedAsymmetricLorentzian(AsymmetricLorentzian):
    """LF: asymmetric Lorentzian, Gaussian-damped high-BE tail, ⊗ Gaussian, area-normalised."""

    name = "lf"
    aliases = ("casaxps_lf", "damped_asymmetric_lorentzian")
    natural = "area"
    shape_params = (
        ShapeParam("fwhm", "width", None, 0.0, np.inf, "Lorentzian width F"),
        ShapeParam("alpha", "dimensionless", 1.0, 0.0, 1000.0,
                   "Tail exponent, high-binding-energy side"),
        ShapeParam("beta", "dimensionless", 1.0, 0.51, 1000.0,
                   "Tail exponent, low-binding-energy side"),
        ShapeParam("damping", "dimensionless", 5.0, 0.05, 1.0e4,
                   "1/e half-width of the tail cut-off, in units of F"),
        ShapeParam("fwhm_g", "width", None, 0.0, np.inf, "Gaussian FWHM"),
    )
    _WIDTHS = (0, 4)          # indices of theta floored at zero (area_per_height differences)
    _G_INDEX = 4              # index of fwhm_g in theta

    @staticmethod
    def _core(d, F, a, b, w, grad=False):
        t = d / F
        q = 1.0 + 4.0 * t * t
        high = t > 0
        p = np.where(high, a, b)
        damp = np.where(high, np.exp(-(t * t) / (w * w)), 1.0)
        h = q ** (-p) * damp
        ra, dra_a, dra_w = _damped_side(a, w)
        rb, drb = _side_area(b)
        total = ra + rb
        v = h / (F * np.sqrt(np.pi) / 4.0 * total)
        if not grad:
            return v
        dlog_dt = -p * 8.0 * t / q - np.where(high, 2.0 * t / (w * w), 0.0)
        dv_dd = v * dlog_dt / F
        dv_dF = -v * dlog_dt * t / F - v / F
        lnq = np.log(q)
        dv_da = np.where(high, -v * lnq, 0.0) - v * dra_a / total
        dv_db = np.where(high, 0.0, -v * lnq) - v * drb / total
        dv_dw = np.where(high, v * 2.0 * t * t / w ** 3, 0.0) - v * dra_w / total
        return v, dv_dd, dv_dF, dv_da, dv_db, dv_dw

    def profile(self, d, theta):
        F = np.maximum(theta[0], TINY)
        a, b, w = theta[1], theta[2], np.maximum(theta[3], TINY)
        s = np.maximum(theta[4], 0.0) * _G_SCALE
        out = 0.0
        for z, wt in zip(_NODES, _WEIGHTS):
            out = out + wt * self._core(d - s * z, F, a, b, w)
        return out

    def profile_jac(self, d, theta, out, scale):
        F = np.maximum(theta[0], TINY)
        a, b, w = theta[1], theta[2], np.maximum(theta[3], TINY)
        s = np.maximum(theta[4], 0.0) * _G_SCALE
        for row in out:
            row[...] = 0.0
        for z, wt in zip(_NODES, _WEIGHTS):
            v, dd, dF, da, db, dw = self._core(d - s * z, F, a, b, w, grad=True)
            out[0] += wt * v
            out[1] -= wt * dd
            out[2] += wt * dF
            out[3] += wt * da
            out[4] += wt * db
            out[5] += wt * dw
            out[6] -= wt * dd * (z * _G_SCALE)
        out[1:] *= scale

    def _grid(self, theta):
        theta = [np.asarray(t, dtype=float)[..., None] for t in theta]
        F = np.maximum(theta[0], TINY)
        half = 6.0 * (F + np.maximum(theta[self._G_INDEX], 0.0))
        d = half * np.linspace(-1.0, 1.0, 401)
        return d, self.profile(d, theta)

    def area_per_height(self, theta):
        """``area / height`` (height found numerically) and its central-difference gradient."""
        r = 1.0 / self._maximum(theta)[1]
        grads = []
        for j in range(len(theta)):
            t = [np.asarray(x, dtype=float) for x in theta]
            h = 1e-6 * np.maximum(np.abs(t[j]), 1e-3)
            tp, tm = list(t), list(t)
            tp[j] = t[j] + h
            tm[j] = np.maximum(t[j] - h, 0.0) if j in self._WIDTHS else t[j] - h
            grads.append((1.0 / self._maximum(tp)[1] - 1.0 / self._maximum(tm)[1])
                         / (tp[j] - tm[j]))
        return r, grads
