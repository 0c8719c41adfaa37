"""Pearson VII and Breit–Wigner–Fano profiles (height-normalised)."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from ._base import TINY, LineShape, ShapeParam

_LN2 = np.log(2.0)


class PearsonVII(LineShape):
    r"""Pearson VII profile, parametrised by FWHM ``F`` and exponent ``m``.

    .. math:: p(x) = \left[1 + 4\,(2^{1/m} - 1)\,\frac{(x-c)^2}{F^2}\right]^{-m}

    Unit height at ``c``; FWHM exactly ``F``. ``m = 1`` is a Lorentzian, ``m -> inf`` a
    Gaussian; the area is finite only for ``m > 1/2``:

    .. math:: A/H = \frac{F\sqrt\pi\,\Gamma(m - 1/2)}{2\sqrt{2^{1/m}-1}\,\Gamma(m)}

    Equivalent to ``lmfit.models.Pearson7Model`` (``expon`` = m,
    ``sigma = F / (2 sqrt(2^{1/m} - 1))``). Default bounds ``0.51 <= m <= 100``.
    Reference: Hall, Veeraraghavan, Rubin & Winchell, J. Appl. Cryst. 10, 66 (1977).
    """

    name = "pearson7"
    aliases = ("pearson_vii", "pearsonvii", "pearson")
    natural = "height"
    shape_params = (
        ShapeParam("fwhm", "width", None, 0.0, np.inf, "Full width at half maximum"),
        ShapeParam("m", "dimensionless", 1.5, 0.51, 100.0, "Pearson VII exponent"),
    )

    @staticmethod
    def _k(m):
        return np.expm1(_LN2 / m)                  # 2^(1/m) - 1

    def profile(self, d, theta):
        F, m = np.maximum(theta[0], TINY), theta[1]
        s = self._k(m) * (2.0 * d / F) ** 2
        return np.exp(-m * np.log1p(s))

    def profile_jac(self, d, theta, out, scale):
        F, m = np.maximum(theta[0], TINY), theta[1]
        k = self._k(m)
        dk_dm = -(k + 1.0) * _LN2 / (m * m)
        v = 2.0 * d / F
        v2 = v * v
        s = k * v2
        log1p_s = np.log1p(s)
        h = np.exp(-m * log1p_s)
        q = m * h / (1.0 + s)                      # -dh/ds
        out[0] = h
        out[1] = (scale * 4.0 * k / F) * q * v  # dh/dc = m h/(1+s) * 4 k v / F
        out[2] = (scale * 2.0 / F) * q * s      # dh/dF = 2 m s h / ((1+s) F)
        out[3] = scale * (-h * log1p_s - q * v2 * dk_dm)

    def area_per_height(self, theta):
        F, m = np.maximum(theta[0], TINY), theta[1]
        k = self._k(m)
        dk_dm = -(k + 1.0) * _LN2 / (m * m)
        r = F * np.sqrt(np.pi) / (2.0 * np.sqrt(k)) * np.exp(gammaln(m - 0.5) - gammaln(m))
        dr_dm = r * (digamma(m - 0.5) - digamma(m) - 0.5 * dk_dm / k)
        return r, [r / F, dr_dm]

    def fwhm(self, theta):
        return np.maximum(theta[0], TINY) + 0 * theta[1]


class BreitWignerFano(LineShape):
    r"""Breit–Wigner–Fano profile (asymmetric; used for the graphite G band).

    .. math:: I(x) = I_0\,\frac{(1 + u/q)^2}{1 + u^2}, \qquad u = \frac{2(x - c)}{\Gamma}

    (Ferrari & Robertson, Phys. Rev. B 61, 14095 (2000)). Here the profile is normalised to
    its **maximum**, ``H = I_0 (1 + 1/q^2)``, reached at ``x_max = c + Gamma/(2 q)``:

    .. math:: p(x) = \frac{(1 + u/q)^2}{(1 + u^2)(1 + 1/q^2)}

    ``q -> +-inf`` gives a Lorentzian of FWHM ``Gamma`` (parameter ``fwhm``); for the G band
    ``1/q`` is typically -0.1 ... -0.3. Derived values (exact): position of the maximum
    ``c + Gamma/(2q)``; FWHM ``Gamma (1 + 1/q^2)/|1 - 1/q^2|`` (NaN for ``|q| <= 1``, where
    the tails never fall to half maximum); area, defined as the integral of the profile above
    its asymptote ``I_0/q^2`` (the raw integral diverges):
    ``A = (pi Gamma / 2) I_0 (1 - 1/q^2)``.

    ``lmfit.models.BreitWignerModel`` is the same function with ``sigma = Gamma`` and
    lmfit ``amplitude = H / (1 + q^2)``. Limitation: ``q`` near 0 is singular (start with
    ``|q| > 2``; default starting value -10).
    """

    name = "bwf"
    aliases = ("breit_wigner", "breit_wigner_fano", "fano")
    natural = "height"
    shape_params = (
        ShapeParam("fwhm", "width", None, 0.0, np.inf, "Lorentzian width Gamma"),
        ShapeParam("q", "dimensionless", -10.0, -np.inf, np.inf, "Fano asymmetry parameter q"),
    )

    def profile(self, d, theta):
        F, a = np.maximum(theta[0], TINY), 1.0 / theta[1]
        u = 2.0 * d / F
        return (1.0 + a * u) ** 2 / ((1.0 + u * u) * (1.0 + a * a))

    def profile_jac(self, d, theta, out, scale):
        F, a = np.maximum(theta[0], TINY), 1.0 / theta[1]
        u = 2.0 * d / F
        one_au = 1.0 + a * u
        den = 1.0 / (1.0 + u * u)
        norm = 1.0 / (1.0 + a * a)
        out[0] = one_au * one_au * den * norm
        dh_du = 2.0 * one_au * (a - u) * den * den * norm
        out[1] = (-2.0 * scale / F) * dh_du
        out[2] = (-scale / F) * dh_du * u
        dh_da = 2.0 * one_au * (u - a) * den * norm * norm
        out[3] = (-scale * a * a) * dh_da       # da/dq = -1/q^2

    def area_per_height(self, theta):
        F, a = np.maximum(theta[0], TINY), 1.0 / theta[1]
        ratio = (1.0 - a * a) / (1.0 + a * a)
        r = 0.5 * np.pi * F * ratio
        dr_da = 0.5 * np.pi * F * (-4.0 * a) / (1.0 + a * a) ** 2
        return r, [0.5 * np.pi * ratio + 0 * F, -a * a * dr_da]

    def fwhm(self, theta):
        F, a = np.maximum(theta[0], TINY), 1.0 / theta[1]
        a2 = a * a
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(a2 < 1.0, F * (1.0 + a2) / np.abs(1.0 - a2), np.nan)

    def peak_offset(self, theta):
        return 0.5 * np.maximum(theta[0], TINY) / theta[1]
