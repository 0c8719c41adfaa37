"""Gaussian, Lorentzian and pseudo-Voigt profiles (shared FWHM parametrisation).

All three are parametrised by their full width at half maximum ``F`` so that widths of
different shapes compare directly; ``d = x - center``.
"""

from __future__ import annotations

import numpy as np

from ._base import FOUR_LN2, TINY, LineShape, ShapeParam

_FWHM = ShapeParam("fwhm", "width", None, 0.0, np.inf, "Full width at half maximum")
#: Peak value of a unit-area Gaussian of unit FWHM: sqrt(4 ln2 / pi).
_G0 = np.sqrt(FOUR_LN2 / np.pi)
#: Peak value of a unit-area Lorentzian of unit FWHM: 2 / pi.
_L0 = 2.0 / np.pi


def _width(theta):
    return np.maximum(theta[0], TINY)


class Gaussian(LineShape):
    r"""Gaussian (normal) profile.

    .. math:: p(x) = \frac{1}{F}\sqrt{\frac{4\ln 2}{\pi}}
              \exp\!\left(-4\ln 2\,\frac{(x-c)^2}{F^2}\right)

    Unit area; height ``sqrt(4 ln2/pi)/F``; FWHM ``F`` (``sigma = F / (2 sqrt(2 ln 2))``).
    Equivalent to ``lmfit.models.GaussianModel`` with ``amplitude`` = area.
    """

    name = "gaussian"
    aliases = ("gauss", "normal")
    natural = "area"
    shape_params = (_FWHM,)

    def profile(self, d, theta):
        F = _width(theta)
        return (_G0 / F) * np.exp(-FOUR_LN2 * (d / F) ** 2)

    def profile_jac(self, d, theta, out, scale):
        F = _width(theta)
        t, dF, p = out[1], out[2], out[0]
        np.multiply(d, 1.0 / F, out=t)             # t = d / F
        np.multiply(t, t, out=dF)                  # t^2
        np.multiply(dF, -FOUR_LN2, out=p)
        np.exp(p, out=p)
        p *= _G0 / F                               # p = G0/F exp(-a t^2)
        dF *= 2.0 * FOUR_LN2                       # dp/dF = (p/F) (2 a t^2 - 1)
        dF -= 1.0
        dF *= p
        dF *= scale / F
        t *= p                                     # dp/dc = p 2 a t / F
        t *= (2.0 * FOUR_LN2) * scale / F

    def area_per_height(self, theta):
        F = _width(theta)
        return F / _G0, [np.full_like(F, 1.0 / _G0)]

    def fwhm(self, theta):
        return _width(theta)


class Lorentzian(LineShape):
    r"""Lorentzian (Cauchy) profile.

    .. math:: p(x) = \frac{2}{\pi F}\,\frac{1}{1 + u^2}, \qquad u = \frac{2(x-c)}{F}

    Unit area; height ``2/(pi F)``; FWHM ``F`` (``F = 2 gamma``, gamma the HWHM). Equivalent
    to ``lmfit.models.LorentzianModel`` with ``sigma = F/2`` and ``amplitude`` = area.
    """

    name = "lorentzian"
    aliases = ("lorentz", "cauchy")
    natural = "area"
    shape_params = (_FWHM,)

    def profile(self, d, theta):
        F = _width(theta)
        u = d * (2.0 / F)
        return (_L0 / F) / (1.0 + u * u)

    def profile_jac(self, d, theta, out, scale):
        # With p = (2/(pi F)) / (1 + u^2), u = 2d/F:
        #   dp/dc = 2 pi u p^2 / ... = (4 pi / F) d p^2,   dp/dF = p (1/F - pi p)
        # (scale folded into the per-spectrum factors: 13 passes over the data)
        F = _width(theta)
        k = 2.0 / F
        p, d_c, d_f = out[0], out[1], out[2]
        np.multiply(d, k, out=d_f)                 # u (scratch in the F row)
        np.multiply(d_f, d_f, out=d_f)
        d_f += 1.0
        np.divide(k / np.pi, d_f, out=p)           # p = 2 / (pi F (1 + u^2))
        np.multiply(d, (2.0 * np.pi * k) * scale, out=d_c)
        d_c *= p
        d_c *= p                                   # dp/dc = 4 pi d p^2 / F
        np.multiply(p, -np.pi * scale, out=d_f)
        d_f += scale / F
        d_f *= p                                   # dp/dF = p (1/F - pi p)

    def area_per_height(self, theta):
        F = _width(theta)
        return F / _L0, [np.full_like(F, 1.0 / _L0)]

    def fwhm(self, theta):
        return _width(theta)


def _mix_peak_value(eta):
    """Peak value per unit area and FWHM of the pseudo-Voigt: eta 2/pi + (1-eta) sqrt(4ln2/pi)."""
    return eta * _L0 + (1.0 - eta) * _G0


class PseudoVoigt(LineShape):
    r"""Pseudo-Voigt: area-weighted sum of a Lorentzian and a Gaussian of the same FWHM.

    .. math:: p(x) = \eta\,L(x; c, F) + (1-\eta)\,G(x; c, F)

    with ``L`` and ``G`` the unit-area profiles above, ``eta`` in [0, 1] the Lorentzian
    fraction (of the area). Unit area; FWHM exactly ``F``; height
    ``(eta 2/pi + (1-eta) sqrt(4ln2/pi)) / F``. This is the convention of
    Thompson, Cox & Hastings (J. Appl. Cryst. 20, 79, 1987) and of
    ``lmfit.models.PseudoVoigtModel`` (``fraction`` = eta, ``sigma = F/2``).
    It is an approximation of the Voigt profile, not equal to it.
    """

    name = "pseudo_voigt"
    aliases = ("pvoigt", "pseudovoigt", "pv")
    natural = "area"
    shape_params = (_FWHM, ShapeParam("eta", "dimensionless", 0.5, 0.0, 1.0,
                                      "Lorentzian fraction"))

    def profile(self, d, theta):
        F = _width(theta)
        eta = theta[1]
        t2 = (d / F) ** 2
        return (eta * _L0 / F) / (1.0 + 4.0 * t2) + ((1.0 - eta) * _G0 / F) * np.exp(
            -FOUR_LN2 * t2)

    def profile_jac(self, d, theta, out, scale):
        F = _width(theta)
        eta = theta[1]
        t = d / F
        t2 = t * t
        h_l = 1.0 / (1.0 + 4.0 * t2)               # height-normalised Lorentzian
        h_g = np.exp(-FOUR_LN2 * t2)               # height-normalised Gaussian
        wl, wg = eta * _L0 / F, (1.0 - eta) * _G0 / F
        out[0] = wl * h_l + wg * h_g
        # dh_l/dc = 8 t h_l^2 / F ; dh_g/dc = 2 a t h_g / F
        out[1] = (scale / F) * t * (wl * 8.0 * h_l * h_l + wg * 2.0 * FOUR_LN2 * h_g)
        # d(w h)/dF = (w/F) (-h + t dh/dt·(-1)) : L -> h_l (1 - 2 h_l) ; G -> h_g (2 a t2 - 1)
        out[2] = (scale / F) * (wl * h_l * (1.0 - 2.0 * h_l)
                                   + wg * h_g * (2.0 * FOUR_LN2 * t2 - 1.0))
        out[3] = (scale / F) * (_L0 * h_l - _G0 * h_g)

    def area_per_height(self, theta):
        F = _width(theta)
        peak = _mix_peak_value(theta[1])
        dpeak = _L0 - _G0
        return F / peak, [1.0 / peak + 0 * F, -F * dpeak / peak ** 2]

    def fwhm(self, theta):
        return _width(theta) + 0 * theta[1]
