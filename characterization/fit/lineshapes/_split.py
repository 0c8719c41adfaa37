"""Asymmetric profiles with separate left and right widths: split pseudo-Voigt, split Lorentzian."""

from __future__ import annotations

import numpy as np

from ._base import FOUR_LN2, TINY, LineShape, ShapeParam

_G0 = np.sqrt(FOUR_LN2 / np.pi)
_L0 = 2.0 / np.pi

_LEFT = ShapeParam("fwhm_left", "width", None, 0.0, np.inf, "Full width at half maximum, left side")
_RIGHT = ShapeParam("fwhm_right", "width", None, 0.0, np.inf,
                    "Full width at half maximum, right side")
_ETA = ShapeParam("eta", "dimensionless", 0.5, 0.0, 1.0, "Lorentzian fraction")


def _split_jac(d, f_left, f_right, eta, out, scale, with_eta: bool):
    """Shared Jacobian of the split pseudo-Voigt (eta row written only when ``with_eta``)."""
    left = d < 0
    fs = np.where(left, f_left, f_right)                 # width of the side of each point
    half_sum = 0.5 * (f_left + f_right)
    t = d / fs
    t2 = t * t
    h_l = 1.0 / (1.0 + 4.0 * t2)
    h_g = np.exp(-FOUR_LN2 * t2)
    wl, wg = eta * _L0, (1.0 - eta) * _G0
    q = wl * h_l + wg * h_g
    out[0] = q / half_sum
    out[1] = (scale / half_sum) * (t / fs) * (wl * 8.0 * h_l * h_l + wg * 2.0 * FOUR_LN2 * h_g)
    dq_dfs = (wl * 2.0 * (1.0 - h_l) * h_l + wg * 2.0 * FOUR_LN2 * t2 * h_g) / fs
    common = -q / (2.0 * half_sum * half_sum)
    out[2] = scale * (common + np.where(left, dq_dfs, 0.0) / half_sum)
    out[3] = scale * (common + np.where(left, 0.0, dq_dfs) / half_sum)
    if with_eta:
        out[4] = (scale / half_sum) * (_L0 * h_l - _G0 * h_g)


class SplitPseudoVoigt(LineShape):
    r"""Split pseudo-Voigt: a pseudo-Voigt with different FWHM left and right of ``c``.

    .. math:: p(x) = \frac{2}{F_l + F_r}\left[\eta\,\frac{2}{\pi}\,\frac{1}{1 + 4t^2}
              + (1-\eta)\sqrt{\frac{4\ln 2}{\pi}}\,e^{-4\ln 2\,t^2}\right],
              \quad t = \frac{x - c}{F_s},\ F_s = F_l\ (x < c),\ F_r\ (x \ge c)

    Unit area, continuous at ``c`` and equal to :class:`PseudoVoigt` when ``F_l = F_r``.
    Height ``(eta 2/pi + (1-eta) sqrt(4ln2/pi)) * 2/(F_l + F_r)``; FWHM ``(F_l + F_r)/2``.
    The first derivative w.r.t. ``x`` is continuous; the second is not (at ``c``).
    """

    name = "split_pseudo_voigt"
    aliases = ("split_pvoigt", "spv")
    natural = "area"
    shape_params = (_LEFT, _RIGHT, _ETA)

    def profile(self, d, theta):
        f_left, f_right = np.maximum(theta[0], TINY), np.maximum(theta[1], TINY)
        eta = theta[2]
        t2 = (d / np.where(d < 0, f_left, f_right)) ** 2
        q = eta * _L0 / (1.0 + 4.0 * t2) + (1.0 - eta) * _G0 * np.exp(-FOUR_LN2 * t2)
        return q / (0.5 * (f_left + f_right))

    def profile_jac(self, d, theta, out, scale):
        f_left, f_right = np.maximum(theta[0], TINY), np.maximum(theta[1], TINY)
        _split_jac(d, f_left, f_right, theta[2], out, scale, with_eta=True)

    def area_per_height(self, theta):
        half_sum = 0.5 * (np.maximum(theta[0], TINY) + np.maximum(theta[1], TINY))
        peak = theta[2] * _L0 + (1.0 - theta[2]) * _G0
        dr_dwidth = 0.5 / peak + 0 * half_sum
        return half_sum / peak, [dr_dwidth, dr_dwidth, -half_sum * (_L0 - _G0) / peak ** 2]

    def fwhm(self, theta):
        return 0.5 * (np.maximum(theta[0], TINY) + np.maximum(theta[1], TINY)) + 0 * theta[2]


class SplitLorentzian(LineShape):
    r"""Split Lorentzian: a Lorentzian with different FWHM left and right of ``c``.

    .. math:: p(x) = \frac{4}{\pi (F_l + F_r)}\,\frac{1}{1 + 4 (x - c)^2 / F_s^2},
              \quad F_s = F_l\ (x < c),\ F_r\ (x \ge c)

    Unit area; FWHM ``(F_l + F_r)/2``. Equivalent to ``lmfit.models.SplitLorentzianModel``
    with ``sigma = F_l/2``, ``sigma_r = F_r/2``.
    """

    name = "split_lorentzian"
    aliases = ("split_lorentz",)
    natural = "area"
    shape_params = (_LEFT, _RIGHT)

    def profile(self, d, theta):
        f_left, f_right = np.maximum(theta[0], TINY), np.maximum(theta[1], TINY)
        t2 = (d / np.where(d < 0, f_left, f_right)) ** 2
        return (_L0 / (0.5 * (f_left + f_right))) / (1.0 + 4.0 * t2)

    def profile_jac(self, d, theta, out, scale):
        f_left, f_right = np.maximum(theta[0], TINY), np.maximum(theta[1], TINY)
        _split_jac(d, f_left, f_right, 1.0, out, scale, with_eta=False)

    def area_per_height(self, theta):
        half_sum = 0.5 * (np.maximum(theta[0], TINY) + np.maximum(theta[1], TINY))
        return half_sum / _L0, [0.5 / _L0 + 0 * half_sum, 0.5 / _L0 + 0 * half_sum]

    def fwhm(self, theta):
        return 0.5 * (np.maximum(theta[0], TINY) + np.maximum(theta[1], TINY))
