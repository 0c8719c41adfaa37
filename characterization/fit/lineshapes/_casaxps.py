"""CasaXPS Gaussian–Lorentzian product GL(m) and sum SGL(m) profiles (height-normalised).

Both take ``m`` as the Lorentzian *percentage* (0 = pure Gaussian, 100 = pure Lorentzian), as
in CasaXPS (``GL(30)`` is the common XPS default). Reference: CasaXPS manual, "Line shapes and
backgrounds"; N. Fairley, CasaXPS Manual 2.3.15 (2009), section "GL(p) and SGL(p)".
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfcx

from ._base import FOUR_LN2, TINY, LineShape, ShapeParam, bisect_decreasing

_SQRT_PI = np.sqrt(np.pi)
_G_AREA = np.sqrt(np.pi / FOUR_LN2)      # area of exp(-4ln2 t^2)
_L_AREA = np.pi / 2.0                    # area of 1/(1 + 4 t^2)
_SERIES_KAPPA = 0.005                    # below this, the asymptotic series is used
_MU_MAX = 1.0 - 1.0e-12                  # m = 100 is a removable endpoint for the area


def _params(theta):
    return np.maximum(theta[0], TINY), theta[1] / 100.0


def _gl_unit_area(mu):
    r"""``J(mu) = \int exp(-a (1-mu) t^2) / (1 + 4 mu t^2) dt`` and ``dJ/dmu``.

    Closed form ``J = pi/sqrt(beta) erfcx(sqrt(alpha/beta))`` (alpha = a(1-mu), beta = 4 mu);
    for small ``kappa = beta/alpha`` the asymptotic series
    ``sqrt(pi/alpha) sum_k (-kappa)^k (2k-1)!!/2^k`` avoids the cancellation of the closed form.
    """
    mu = np.minimum(np.asarray(mu, dtype=float), _MU_MAX)
    alpha = FOUR_LN2 * (1.0 - mu)
    beta = 4.0 * mu
    kappa = beta / alpha
    small = kappa < _SERIES_KAPPA
    # series branch: S(kappa) = sum_k c_k (-kappa)^k, c_0 = 1, c_k = c_{k-1} (2k-1)/2
    ks = np.where(small, kappa, 0.0)
    series, dseries = np.ones_like(ks), np.zeros_like(ks)
    coef, prev_power = 1.0, np.ones_like(ks)          # prev_power = kappa^(k-1)
    for k in range(1, 12):
        coef *= (2 * k - 1) / 2.0
        sign = -1.0 if k % 2 else 1.0
        dseries += sign * coef * k * prev_power
        prev_power = prev_power * ks
        series += sign * coef * prev_power
    dseries_dkappa = dseries
    a_s = np.where(small, alpha, 1.0)
    j_series = np.sqrt(np.pi / a_s) * series
    dkappa = 4.0 / (FOUR_LN2 * (1.0 - mu) ** 2)
    dj_series = _SQRT_PI * (0.5 * FOUR_LN2 * a_s ** -1.5 * series
                            + a_s ** -0.5 * dseries_dkappa * dkappa)
    # closed-form branch
    b_c = np.where(small, 1.0, beta)
    a_c = np.where(small, 1.0, alpha)
    z = np.sqrt(a_c / b_c)
    e = erfcx(z)
    de = 2.0 * z * e - 2.0 / _SQRT_PI
    j_closed = np.pi / np.sqrt(b_c) * e
    dj_dbeta = -0.5 * np.pi * b_c ** -1.5 * e + np.pi / np.sqrt(b_c) * de * (-z / (2.0 * b_c))
    dj_dalpha = np.pi / np.sqrt(b_c) * de / (2.0 * np.sqrt(a_c * b_c))
    dj_closed = -FOUR_LN2 * dj_dalpha + 4.0 * dj_dbeta
    return np.where(small, j_series, j_closed), np.where(small, dj_series, dj_closed)


class GaussianLorentzianProduct(LineShape):
    r"""CasaXPS GL(m): product of a Gaussian and a Lorentzian.

    .. math:: p(x) = \frac{\exp\!\left[-4\ln 2\,(1-\mu)\,t^2\right]}{1 + 4\mu t^2},
              \qquad t = \frac{x - c}{F}, \quad \mu = m/100

    Unit height at ``c``. ``F`` is the FWHM only at ``m = 0`` and ``m = 100``; in between the
    true FWHM is smaller and is found numerically (bisection). The area is exact:

    .. math:: A/H = F\,\frac{\pi}{2\sqrt\mu}\,\operatorname{erfcx}\!
              \left(\sqrt{\ln 2\,(1-\mu)/\mu}\right)

    (``F sqrt(pi/(4 ln2))`` at ``m = 0``), with an asymptotic series for small ``m``.
    Default bounds ``0 <= m <= 100``, default start ``m = 30``.
    """

    name = "gl"
    aliases = ("gl_product", "gaussian_lorentzian_product")
    natural = "height"
    shape_params = (
        ShapeParam("fwhm", "width", None, 0.0, np.inf, "Width parameter F"),
        ShapeParam("m", "dimensionless", 30.0, 0.0, 100.0, "Lorentzian percentage"),
    )

    def profile(self, d, theta):
        F, mu = _params(theta)
        t2 = (d / F) ** 2
        return np.exp(-FOUR_LN2 * (1.0 - mu) * t2) / (1.0 + 4.0 * mu * t2)

    def profile_jac(self, d, theta, out, scale):
        F, mu = _params(theta)
        t = d / F
        t2 = t * t
        lq = 1.0 / (1.0 + 4.0 * mu * t2)
        h = np.exp(-FOUR_LN2 * (1.0 - mu) * t2) * lq
        out[0] = h
        dh_dt = h * t * (-2.0 * FOUR_LN2 * (1.0 - mu) - 8.0 * mu * lq)
        out[1] = (-scale / F) * dh_dt
        out[2] = (-scale / F) * dh_dt * t
        out[3] = (scale / 100.0) * h * t2 * (FOUR_LN2 - 4.0 * lq)

    def area_per_height(self, theta):
        F, mu = _params(theta)
        j, dj = _gl_unit_area(mu)
        return F * j, [j + 0 * F, F * dj / 100.0]

    def fwhm(self, theta):
        F, mu = _params(theta)
        mu = np.asarray(mu, dtype=float)

        def excess(t):
            return np.exp(-FOUR_LN2 * (1.0 - mu) * t * t) / (1.0 + 4.0 * mu * t * t) - 0.5

        return 2.0 * F * bisect_decreasing(excess, 0.0 * mu, 0.5 + 0.0 * mu)


class GaussianLorentzianSum(LineShape):
    r"""CasaXPS SGL(m): height-weighted sum of a Gaussian and a Lorentzian of equal FWHM.

    .. math:: p(x) = (1-\mu)\exp\!\left(-4\ln 2\,t^2\right) + \frac{\mu}{1 + 4t^2},
              \qquad t = \frac{x - c}{F}, \quad \mu = m/100

    Unit height; FWHM exactly ``F``; area ``F [(1-mu) sqrt(pi/(4 ln2)) + mu pi/2]``.
    Note that ``mu`` weights *heights* here, whereas ``eta`` of the pseudo-Voigt weights areas.
    """

    name = "sgl"
    aliases = ("gl_sum", "gaussian_lorentzian_sum")
    natural = "height"
    shape_params = (
        ShapeParam("fwhm", "width", None, 0.0, np.inf, "Full width at half maximum"),
        ShapeParam("m", "dimensionless", 30.0, 0.0, 100.0, "Lorentzian percentage"),
    )

    def profile(self, d, theta):
        F, mu = _params(theta)
        t2 = (d / F) ** 2
        return (1.0 - mu) * np.exp(-FOUR_LN2 * t2) + mu / (1.0 + 4.0 * t2)

    def profile_jac(self, d, theta, out, scale):
        F, mu = _params(theta)
        t = d / F
        t2 = t * t
        g = np.exp(-FOUR_LN2 * t2)
        lo = 1.0 / (1.0 + 4.0 * t2)
        out[0] = (1.0 - mu) * g + mu * lo
        dh_dt = t * ((1.0 - mu) * (-2.0 * FOUR_LN2) * g - 8.0 * mu * lo * lo)
        out[1] = (-scale / F) * dh_dt
        out[2] = (-scale / F) * dh_dt * t
        out[3] = (scale / 100.0) * (lo - g)

    def area_per_height(self, theta):
        F, mu = _params(theta)
        unit = (1.0 - mu) * _G_AREA + mu * _L_AREA
        return F * unit, [unit + 0 * F, F * (_L_AREA - _G_AREA) / 100.0 + 0 * mu]

    def fwhm(self, theta):
        F, mu = _params(theta)
        return F + 0 * mu
