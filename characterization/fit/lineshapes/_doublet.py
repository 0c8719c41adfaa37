r"""Kα1/Kα2 doublet of pseudo-Voigt profiles for X-ray diffraction (angles in degrees 2θ).

A laboratory X-ray tube emits the Kα1 and Kα2 lines (wavelengths :math:`\lambda_1 <
\lambda_2`); every Bragg reflection is therefore a doublet. With ``c = 2θ1`` the Kα1 position,
``k = λ2/λ1`` the ``wavelength_ratio`` and ``R`` the ``alpha2_ratio`` (Kα2/Kα1 intensity),

.. math::
    f(x) = A\,\bigl[p(x - 2\theta_1; F, \eta) + R\,p(x - 2\theta_2; F, \eta)\bigr],
    \qquad 2\theta_2 = 2\arcsin\!\bigl(k \sin(2\theta_1/2)\bigr)

with :math:`p` the unit-area pseudo-Voigt of :class:`~._symmetric.PseudoVoigt` (same FWHM
``F`` and Lorentzian fraction ``eta`` for both lines). The Kα2 position follows Bragg's law
:math:`\lambda = 2d\sin\theta` at fixed ``d``, hence

.. math:: \frac{\partial\,2\theta_2}{\partial\,2\theta_1} = \frac{k\cos\theta_1}{\cos\theta_2},
          \qquad \frac{\partial\,2\theta_2}{\partial k} = \frac{360}{\pi}
          \frac{\sin\theta_1}{\cos\theta_2}\ \text{(deg)}.

``wavelength_ratio`` and ``alpha2_ratio`` are ordinary shape parameters, normally fixed by the
user (``Param(value, vary=False)``) from the source's lines; both still have analytic
derivatives so they may be refined. The amplitude, and the derived ``center``, ``fwhm``,
``height`` and ``area``, refer to the **Kα1 component only** (the total area of the doublet is
``area * (1 + alpha2_ratio)``).

References
----------
G. Hölzer, M. Fritsch, M. Deutsch, J. Härtwig, E. Förster, Phys. Rev. A 56, 4554 (1997)
(Cu Kα1 = 1.540598 Å, Kα2 = 1.544426 Å); P. Thompson, D. E. Cox, J. B. Hastings,
J. Appl. Cryst. 20, 79 (1987) (pseudo-Voigt); W. A. Rachinger, J. Sci. Instrum. 25, 254
(1948) (Kα2 intensity ratio 1/2).
"""

from __future__ import annotations

import numpy as np

from ._base import LineShape, ShapeParam
from ._symmetric import PseudoVoigt

#: Cu Kα2/Kα1 wavelength ratio (Hölzer et al. 1997).
CU_WAVELENGTH_RATIO = 1.544426 / 1.540598
_RAD = np.pi / 180.0


def kalpha2_position(center, wavelength_ratio):
    """Kα2 position 2θ2 (deg) and its derivatives w.r.t. 2θ1 and the wavelength ratio."""
    th1 = 0.5 * _RAD * np.asarray(center, dtype=float)
    k = np.asarray(wavelength_ratio, dtype=float)
    s2 = np.clip(k * np.sin(th1), -1.0, 1.0)
    th2 = np.arcsin(s2)
    cos2 = np.maximum(np.cos(th2), 1e-12)
    return 2.0 * th2 / _RAD, k * np.cos(th1) / cos2, (2.0 / _RAD) * np.sin(th1) / cos2


class KAlphaPseudoVoigt(LineShape):
    r"""Kα1 + Kα2 doublet of pseudo-Voigts (see the module docstring for the formula).

    Shape parameters: ``fwhm`` (deg, both lines), ``eta`` (Lorentzian fraction),
    ``wavelength_ratio`` (λ2/λ1, default Cu 1.0024847) and ``alpha2_ratio`` (Kα2/Kα1 area
    ratio, default 0.5). Natural normalisation "area": the amplitude is the Kα1 area (or the
    Kα1 height). ``x`` and ``center`` are in degrees 2θ.
    """

    name = "kalpha_pseudo_voigt"
    aliases = ("kalpha_pv", "kalpha_pvoigt", "doublet_pseudo_voigt")
    natural = "area"
    shape_params = (*PseudoVoigt.shape_params,
                    ShapeParam("wavelength_ratio", "dimensionless", CU_WAVELENGTH_RATIO, 0.5,
                               2.0, "Kα2/Kα1 wavelength ratio"),
                    ShapeParam("alpha2_ratio", "dimensionless", 0.5, 0.0, 1.0,
                               "Kα2/Kα1 intensity ratio"))
    _single = PseudoVoigt()

    def _pv_theta(self, theta):
        return list(theta[:2])

    def evaluate(self, x, amplitude, center, theta, amplitude_type: str = "area"):
        theta = [np.asarray(t, dtype=float) for t in theta]
        x = np.asarray(x, dtype=float)
        center = np.asarray(center, dtype=float)
        s, _ = self._scale(theta, amplitude_type, grad=False)
        c2, _, _ = kalpha2_position(center, theta[2])
        pv = self._pv_theta(theta)
        values = self._single.profile(x - center, pv) + theta[3] * self._single.profile(
            x - c2, pv)
        return (amplitude if s is None else amplitude * s) * values

    def accumulate(self, x, amplitude, center, theta, amplitude_type, f_out, jac_out=None):
        if jac_out is None:
            f_out += self.evaluate(x, amplitude, center, theta, amplitude_type)
            return
        pv = self._pv_theta(theta)
        ratio = theta[3]
        c2, dc2_dc1, dc2_dk = kalpha2_position(center, theta[2])
        s, ds = self._scale(theta, amplitude_type, grad=True)
        d1 = x - center
        shape = d1.shape
        one = np.empty((4, *shape))
        two = np.empty((4, *shape))
        self._single.profile_jac(d1, pv, one, 1.0)
        self._single.profile_jac(x - c2, pv, two, 1.0)
        total = one[0] + ratio * two[0]
        amp_s = amplitude if s is None else amplitude * s
        jac_out[0] = total if s is None else s * total
        jac_out[1] = amp_s * (one[1] + (ratio * dc2_dc1) * two[1])
        jac_out[2] = amp_s * (one[2] + ratio * two[2])
        jac_out[3] = amp_s * (one[3] + ratio * two[3])
        if s is not None:
            jac_out[2] += (amplitude * ds[0]) * total
            jac_out[3] += (amplitude * ds[1]) * total
        jac_out[4] = (amp_s * ratio * dc2_dk) * two[1]
        jac_out[5] = amp_s * two[0]
        f_out += amp_s * total

    def profile(self, d, theta):
        """Kα1 component only (the Kα2 position needs the absolute center: see evaluate)."""
        return self._single.profile(d, self._pv_theta(theta))

    def area_per_height(self, theta):
        r, dr = self._single.area_per_height(self._pv_theta(theta))
        zero = 0 * r
        return r, [*dr, zero, zero]

    def fwhm(self, theta):
        return self._single.fwhm(self._pv_theta(theta)) + 0 * theta[2] + 0 * theta[3]
