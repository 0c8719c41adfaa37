r"""Kα1/Kα2 doublets of any single-line profile for X-ray diffraction (angles in degrees 2θ).

A laboratory X-ray tube emits the Kα1 and Kα2 lines (wavelengths :math:`\lambda_1 <
\lambda_2`); every Bragg reflection is therefore a doublet. With ``c = 2θ1`` the Kα1 position,
``k = λ2/λ1`` the ``wavelength_ratio`` and ``R`` the ``alpha2_ratio`` (Kα2/Kα1 intensity),

.. math::
    f(x) = A\,s(\theta)\,\bigl[p(x - 2\theta_1; \theta) + R\,p(x - 2\theta_2; \theta)\bigr],
    \qquad 2\theta_2 = 2\arcsin\!\bigl(k \sin(2\theta_1/2)\bigr)

with :math:`p` the *single-line* profile in its natural normalisation (unit area for the
pseudo-Voigt, Voigt, Gaussian, Lorentzian and split pseudo-Voigt; unit height for the Pearson
VII), the **same** shape parameters :math:`\theta` (FWHM, η, m ...) for both lines, and
:math:`s(\theta)` the single line's area/height conversion of :class:`~._base.LineShape`
(so that ``A`` is the Kα1 area or the Kα1 height whatever the natural normalisation). The
Kα2 position follows Bragg's law :math:`\lambda = 2d\sin\theta` at fixed ``d``, hence

.. math:: \frac{\partial\,2\theta_2}{\partial\,2\theta_1} = \frac{k\cos\theta_1}{\cos\theta_2},
          \qquad \frac{\partial\,2\theta_2}{\partial k} = \frac{360}{\pi}
          \frac{\sin\theta_1}{\cos\theta_2}\ \text{(deg)}.

``wavelength_ratio`` and ``alpha2_ratio`` are ordinary shape parameters (the last two),
normally fixed by the user (``Param(value, vary=False)``) from the source's lines; both still
have analytic derivatives so they may be refined. The amplitude, and the derived ``center``
(position of the Kα1 maximum, ``2θ1 +`` the single line's peak offset), ``fwhm``, ``height``
and ``area``, refer to the **Kα1 component only**, identically for every doublet (the total
area of the doublet is ``area * (1 + alpha2_ratio)``; the maximum of the summed curve is
*not* ``height`` when the lines overlap).

Registered doublets (:data:`DOUBLETS`): ``kalpha_pseudo_voigt``, ``kalpha_voigt``,
``kalpha_pearson7``, ``kalpha_split_pseudo_voigt``, ``kalpha_gaussian``,
``kalpha_lorentzian``; :class:`KAlphaDoublet` wraps any other :class:`~._base.LineShape`.

Assumptions and limitations: the Kα2 line has the same width and shape as Kα1 (the intrinsic
Kα2 emission line is ~20 % broader than Kα1 and its angular dispersion grows as tan θ; both
effects are small compared with typical sample + instrument widths and are neglected, as in
most Rietveld and profile-fitting programs). Split profiles keep their left/right widths in 2θ
for both lines. Kα2 positions above 180° (``k sin θ1 > 1``) are clipped.

References
----------
G. Hölzer, M. Fritsch, M. Deutsch, J. Härtwig, E. Förster, Phys. Rev. A 56, 4554 (1997)
(Cu Kα1 = 1.540598 Å, Kα2 = 1.544426 Å); P. Thompson, D. E. Cox, J. B. Hastings,
J. Appl. Cryst. 20, 79 (1987) (pseudo-Voigt); W. A. Rachinger, J. Sci. Instrum. 25, 254
(1948) (Kα2 intensity ratio 1/2).
"""

from __future__ import annotations

import numpy as np

from ...xray_lines import CU_KALPHA1, CU_KALPHA2, KALPHA2_RATIO
from ._base import LineShape, ShapeParam
from ._pearson_fano import PearsonVII
from ._split import SplitPseudoVoigt
from ._symmetric import Gaussian, Lorentzian, PseudoVoigt
from ._voigt import Voigt

#: Cu Kα2/Kα1 wavelength ratio (Hölzer et al. 1997, from :mod:`characterization.xray_lines`).
CU_WAVELENGTH_RATIO = CU_KALPHA2 / CU_KALPHA1
_RAD = np.pi / 180.0

_DOUBLET_PARAMS = (
    ShapeParam("wavelength_ratio", "dimensionless", CU_WAVELENGTH_RATIO, 0.5, 2.0,
               "Kα2/Kα1 wavelength ratio"),
    ShapeParam("alpha2_ratio", "dimensionless", KALPHA2_RATIO, 0.0, 1.0,
               "Kα2/Kα1 intensity ratio"),
)


def kalpha2_position(center, wavelength_ratio):
    """Kα2 position 2θ2 (deg) and its derivatives w.r.t. 2θ1 and the wavelength ratio."""
    th1 = 0.5 * _RAD * np.asarray(center, dtype=float)
    k = np.asarray(wavelength_ratio, dtype=float)
    s2 = np.clip(k * np.sin(th1), -1.0, 1.0)
    th2 = np.arcsin(s2)
    cos2 = np.maximum(np.cos(th2), 1e-12)
    return 2.0 * th2 / _RAD, k * np.cos(th1) / cos2, (2.0 / _RAD) * np.sin(th1) / cos2


class KAlphaDoublet(LineShape):
    r"""Kα1 + Kα2 doublet of a single-line profile (see the module docstring for the formula).

    Parameters
    ----------
    single : LineShape, optional
        The profile of each line; default an instance of :attr:`single_class`.
    name : str, optional
        Registered name; default ``"kalpha_" + single.name``.
    aliases : tuple of str, optional

    Shape parameters: those of ``single`` (shared by both lines), then ``wavelength_ratio``
    (λ2/λ1, default Cu 1.0024847) and ``alpha2_ratio`` (Kα2/Kα1 area ratio, default 0.5).
    The natural normalisation is that of ``single``; the amplitude is the Kα1 area (or the
    Kα1 height). ``x`` and ``center`` are in degrees 2θ.

    Examples
    --------
    >>> from characterization.fit.lineshapes import Voigt
    >>> KAlphaDoublet(Voigt()).param_names
    ('amplitude', 'center', 'fwhm_g', 'fwhm_l', 'wavelength_ratio', 'alpha2_ratio')
    """

    single_class: type | None = None

    def __init__(self, single: LineShape | None = None, name: str | None = None,
                 aliases: tuple[str, ...] | None = None):
        if single is None:
            if self.single_class is None:
                raise ValueError("KAlphaDoublet needs a single-line LineShape")
            single = self.single_class()
        if isinstance(single, KAlphaDoublet):
            raise ValueError("the single-line profile of a doublet cannot itself be a doublet")
        self._single = single
        self._n = len(single.shape_params)
        self.natural = single.natural
        self.shape_params = (*single.shape_params, *_DOUBLET_PARAMS)
        if name is not None:
            self.name = name
        elif not type(self).__dict__.get("name"):
            self.name = f"kalpha_{single.name}"
        if aliases is not None:
            self.aliases = tuple(aliases)
        elif "aliases" not in type(self).__dict__:
            self.aliases = (f"doublet_{single.name}",)

    @property
    def single(self) -> LineShape:
        """The single-line profile of each of the two lines."""
        return self._single

    def _line_theta(self, theta):
        return list(theta[:self._n])

    def evaluate(self, x, amplitude, center, theta, amplitude_type: str = "area"):
        theta = [np.asarray(t, dtype=float) for t in theta]
        x = np.asarray(x, dtype=float)
        center = np.asarray(center, dtype=float)
        s, _ = self._scale(theta, amplitude_type, grad=False)
        c2, _, _ = kalpha2_position(center, theta[self._n])
        th = self._line_theta(theta)
        values = self._single.profile(x - center, th) + theta[self._n + 1] * self._single.profile(
            x - c2, th)
        return (amplitude if s is None else amplitude * s) * values

    def accumulate(self, x, amplitude, center, theta, amplitude_type, f_out, jac_out=None):
        if jac_out is None:
            f_out += self.evaluate(x, amplitude, center, theta, amplitude_type)
            return
        n = self._n
        th = self._line_theta(theta)
        ratio = theta[n + 1]
        c2, dc2_dc1, dc2_dk = kalpha2_position(center, theta[n])
        s, ds = self._scale(theta, amplitude_type, grad=True)
        d1 = x - center
        d2 = x - c2
        shape = np.broadcast_shapes(d1.shape, d2.shape, f_out.shape)
        one = np.empty((2 + n, *shape))
        two = np.empty((2 + n, *shape))
        self._single.profile_jac(np.broadcast_to(d1, shape), th, one, 1.0)
        self._single.profile_jac(np.broadcast_to(d2, shape), th, two, 1.0)
        total = one[0] + ratio * two[0]
        amp_s = amplitude if s is None else amplitude * s
        jac_out[0] = total if s is None else s * total
        jac_out[1] = amp_s * (one[1] + (ratio * dc2_dc1) * two[1])
        for j in range(n):
            jac_out[2 + j] = amp_s * (one[2 + j] + ratio * two[2 + j])
            if s is not None:
                jac_out[2 + j] += (amplitude * ds[j]) * total
        # d p(x - c2)/d c2 is the single line's center derivative, two[1]
        jac_out[2 + n] = (amp_s * ratio * dc2_dk) * two[1]
        jac_out[3 + n] = amp_s * two[0]
        f_out += amp_s * total

    def profile(self, d, theta):
        """Kα1 component only (the Kα2 position needs the absolute center: see evaluate)."""
        return self._single.profile(d, self._line_theta(theta))

    def area_per_height(self, theta):
        """Area/height of the Kα1 component (zero derivative w.r.t. the two ratios)."""
        r, dr = self._single.area_per_height(self._line_theta(theta))
        zero = 0 * r
        return r, [*dr, zero, zero]

    def fwhm(self, theta):
        """FWHM of the Kα1 component."""
        return self._single.fwhm(self._line_theta(theta)) + 0 * theta[self._n] + 0 * theta[
            self._n + 1]

    def peak_offset(self, theta):
        """Offset of the Kα1 maximum from ``center`` (that of the single line)."""
        return self._single.peak_offset(self._line_theta(theta))


class KAlphaPseudoVoigt(KAlphaDoublet):
    """Kα1/Kα2 doublet of pseudo-Voigts (shape params fwhm, eta, wavelength_ratio,
    alpha2_ratio)."""

    name = "kalpha_pseudo_voigt"
    aliases = ("kalpha_pv", "kalpha_pvoigt", "doublet_pseudo_voigt")
    single_class = PseudoVoigt


class KAlphaVoigt(KAlphaDoublet):
    """Kα1/Kα2 doublet of Voigts (fwhm_g, fwhm_l, wavelength_ratio, alpha2_ratio)."""

    name = "kalpha_voigt"
    aliases = ("doublet_voigt",)
    single_class = Voigt


class KAlphaPearsonVII(KAlphaDoublet):
    """Kα1/Kα2 doublet of Pearson VII profiles (fwhm, m, wavelength_ratio, alpha2_ratio).

    Natural normalisation "height" (as :class:`~._pearson_fano.PearsonVII`): with
    ``amplitude_type="area"`` the amplitude is still the Kα1 area.
    """

    name = "kalpha_pearson7"
    aliases = ("kalpha_pearson_vii", "kalpha_pearson", "doublet_pearson7")
    single_class = PearsonVII


class KAlphaSplitPseudoVoigt(KAlphaDoublet):
    """Kα1/Kα2 doublet of split pseudo-Voigts (fwhm_left, fwhm_right, eta, wavelength_ratio,
    alpha2_ratio); both lines have the same left/right widths."""

    name = "kalpha_split_pseudo_voigt"
    aliases = ("kalpha_split_pvoigt", "kalpha_spv", "doublet_split_pseudo_voigt")
    single_class = SplitPseudoVoigt


class KAlphaGaussian(KAlphaDoublet):
    """Kα1/Kα2 doublet of Gaussians (fwhm, wavelength_ratio, alpha2_ratio)."""

    name = "kalpha_gaussian"
    aliases = ("kalpha_gauss", "doublet_gaussian")
    single_class = Gaussian


class KAlphaLorentzian(KAlphaDoublet):
    """Kα1/Kα2 doublet of Lorentzians (fwhm, wavelength_ratio, alpha2_ratio)."""

    name = "kalpha_lorentzian"
    aliases = ("kalpha_lorentz", "kalpha_cauchy", "doublet_lorentzian")
    single_class = Lorentzian


#: The registered doublet classes, in the order of the registry.
DOUBLETS = (KAlphaPseudoVoigt, KAlphaVoigt, KAlphaPearsonVII, KAlphaSplitPseudoVoigt,
            KAlphaGaussian, KAlphaLorentzian)
