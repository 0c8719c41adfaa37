r"""Doniach–Šunjić line shape broadened by a Gaussian, with a finite-window area convention.

The Doniach–Šunjić (DS) profile of a core level in a metal, lifetime half-width ``γ = F/2``
and singularity (asymmetry) index ``α`` (0 <= α < 1), is, with ``ε = c - x`` on the
binding-energy axis (Doniach and Šunjić write it in kinetic energy, ``ε = E_K - E_0``; the
tail is on the low-kinetic, i.e. high-binding-energy side, ``x > c``):

.. math:: D(\varepsilon) = \frac{\Gamma(1-\alpha)\,\cos\!\left[\frac{\pi\alpha}{2}
          + (1-\alpha)\arctan(\varepsilon/\gamma)\right]}
          {(\varepsilon^2 + \gamma^2)^{(1-\alpha)/2}}
          = \Gamma(1-\alpha)\,\mathrm{Re}\!\left[e^{i\pi\alpha/2}(\gamma - i\varepsilon)^{\alpha-1}
          \right]

``α = 0`` is the Lorentzian of FWHM ``F``. For ``α > 0`` the tail falls as
``ε^{-(1-α)}``: the integral over the real line diverges, so an "area" needs a convention.
**Convention used here:** the amplitude is the area of the unbroadened profile within
``c ± K F`` with ``K = WINDOW_FWHM = 25`` (``window``, the half-width of the integration window,
in units of the Lorentzian FWHM), obtained in closed form from the antiderivative
``i (γ - iε)^α / α``:

.. math:: A = \Gamma(1-\alpha)\,\mathrm{Re}\!\left\{\frac{i\,e^{i\pi\alpha/2}}{\alpha}
          \left[(\gamma - iE)^\alpha - (\gamma + iE)^\alpha\right]\right\}, \qquad E = K F

The profile itself is *not* truncated (it stays smooth for the fit); ``D/A`` is convolved with a
Gaussian of FWHM ``fwhm_g`` by 32-point Gauss–Hermite quadrature (as the LA shape), which keeps
the Jacobian analytic (the α-derivative of ``A`` is a central difference). Because the window
scales with ``F``, areas of DS peaks of different widths or α are not comparable with areas of
integrable shapes nor with CasaXPS's DS areas (CasaXPS integrates over the fitted region); use
:mod:`LF <._lf>` or LA when quantification matters. Height, FWHM and the position of the
maximum are numerical (401-point grid, parabolic refinement).

References: S. Doniach, M. Šunjić, J. Phys. C 3 (1970) 285; CasaXPS manual, "Line shapes" (DS).
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from ._asymmetric_lorentzian import _G_SCALE, _NODES, _WEIGHTS
from ._base import TINY, ShapeParam
from ._lf import DampedAsymmetricLorentzian

#: Half-width of the area window, in units of the Lorentzian FWHM F.
WINDOW_FWHM = 25.0


def _window_area(a):
    """Window area ``A1(α)`` for ``F = 1`` (``A = F^α A1``) and ``dA1/dα``."""

    def area(a):
        a = np.asarray(a, dtype=float)
        g, e = 0.5, WINDOW_FWHM
        safe = np.where(np.abs(a) < 1e-8, 1e-8, a)
        val = (1j * np.exp(0.5j * np.pi * safe) / safe
               * ((g - 1j * e) ** safe - (g + 1j * e) ** safe))
        lorentz = 2.0 * np.arctan(e / g)                  # the α -> 0 limit
        return np.where(np.abs(a) < 1e-8, lorentz, np.exp(gammaln(1.0 - a)) * val.real)

    h = 1e-6
    return area(a), (area(a + h) - area(a - h)) / (2.0 * h)


class DoniachSunjic(DampedAsymmetricLorentzian):
    """Doniach–Šunjić ⊗ Gaussian; amplitude = area of the unbroadened DS within ``c ± 25 F``."""

    name = "doniach_sunjic"
    aliases = ("ds", "doniach", "casaxps_ds")
    natural = "area"
    shape_params = (
        ShapeParam("fwhm", "width", None, 0.0, np.inf, "Lorentzian (lifetime) FWHM F"),
        ShapeParam("alpha", "dimensionless", 0.1, 0.0, 0.5,
                   "Singularity (asymmetry) index, tail to high binding energy"),
        ShapeParam("fwhm_g", "width", None, 0.0, np.inf, "Gaussian FWHM"),
    )
    _WIDTHS = (0, 2)
    _G_INDEX = 2

    @staticmethod
    def _core(d, F, a, grad=False):
        gam = 0.5 * F
        r2 = d * d + gam * gam
        theta = np.arctan2(-d, gam)       # x - c > 0 (high BE) carries the tail
        phi = 0.5 * np.pi * a + (1.0 - a) * theta
        cos, sin = np.cos(phi), np.sin(phi)
        gam1 = np.exp(gammaln(1.0 - a))
        rp = r2 ** (0.5 * (a - 1.0))
        a1, da1 = _window_area(a)
        area = F ** a * a1
        v = gam1 * cos * rp / area
        if not grad:
            return v
        k = gam1 * (1.0 - a) * rp / r2 / area
        dv_dd = -k * (-sin * gam + cos * d)
        dv_dF = 0.5 * k * (-sin * d - cos * gam) - v * a / F
        dv_da = (v * (-digamma(1.0 - a) + 0.5 * np.log(r2))
                 - gam1 * sin * (0.5 * np.pi - theta) * rp / area
                 - v * (np.log(F) + da1 / a1))
        return v, dv_dd, dv_dF, dv_da

    def profile(self, d, theta):
        F = np.maximum(theta[0], TINY)
        a = theta[1]
        s = np.maximum(theta[2], 0.0) * _G_SCALE
        out = 0.0
        for z, wt in zip(_NODES, _WEIGHTS):
            out = out + wt * self._core(d - s * z, F, a)
        return out

    def profile_jac(self, d, theta, out, scale):
        F = np.maximum(theta[0], TINY)
        a = theta[1]
        s = np.maximum(theta[2], 0.0) * _G_SCALE
        for row in out:
            row[...] = 0.0
        for z, wt in zip(_NODES, _WEIGHTS):
            v, dd, dF, da = self._core(d - s * z, F, a, grad=True)
            out[0] += wt * v
            out[1] -= wt * dd
            out[2] += wt * dF
            out[3] += wt * da
            out[4] -= wt * dd * (z * _G_SCALE)
        out[1:] *= scale
