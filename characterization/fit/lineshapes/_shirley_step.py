r"""Peaks that carry their own Shirley step: the "active" Shirley background of XPS.

A Shirley background is proportional to the peak area on the low-binding-energy side. Written
per peak, it is linear in each peak:

.. math:: f_k(x) = p_k(x) + \frac{s}{W} \int_{x_0}^{x} p_k(x')\,dx', \qquad
          B(x) = \frac{s}{W}\sum_k \int_{x_0}^{x} p_k

with :math:`x_0` the low-binding-energy end of the fitted grid and :math:`W` its width (so the
step parameter ``shirley`` is dimensionless: the step height is ``shirley`` times the mean
height of the peak over the region). Tying ``shirley`` of every peak to one (done by
:func:`characterization.xps.fit_region`) gives exactly a Shirley background fitted together
with the peaks (Végh 1988; Herrera-Gómez et al. 2014, "active" background), instead of being
computed beforehand from the data. The integral is a running trapezoid over the evaluation
grid, so the shape is defined on the grid the peak is fitted on (a strictly monotonic
binding-energy axis; the step rises towards high binding energy).

Parameters: those of the wrapped shape, plus ``shirley`` (>= 0). Derived values (area, height,
FWHM, center) are those of the peak without its step.

References: A. Proctor, P. M. A. Sherwood, Anal. Chem. 54 (1982) 13; J. Végh, J. Electron
Spectrosc. 46 (1988) 411; A. Herrera-Gómez et al., Surf. Interface Anal. 46 (2014) 897.
"""

from __future__ import annotations

import numpy as np

from ._base import LineShape, ShapeParam


def _cumulative(v, d):
    """Running trapezoid integral of ``v`` along the last axis from the low-x end, over |dx|."""
    if d.shape[-1] < 2:
        return np.zeros_like(v)
    ascending = bool(np.all(d[..., -1] >= d[..., 0]))
    if not ascending:
        return _cumulative(v[..., ::-1], d[..., ::-1])[..., ::-1]
    h = np.diff(d, axis=-1)
    out = np.zeros(np.broadcast_shapes(v.shape, d.shape))
    np.cumsum(0.5 * (v[..., 1:] + v[..., :-1]) * h, axis=-1, out=out[..., 1:])
    return out


def _width(d):
    return np.abs(d[..., -1:] - d[..., :1])


class ShirleyStep(LineShape):
    """A line shape plus its own Shirley step (parameter ``shirley``)."""

    def __init__(self, base: LineShape):
        self.base = base
        self.name = f"{base.name}_shirley"
        self.aliases = tuple(f"{a}_shirley" for a in base.aliases)
        self.natural = base.natural
        self.shape_params = (*base.shape_params,
                             ShapeParam("shirley", "dimensionless", 0.1, 0.0, np.inf,
                                        "Shirley step / mean peak height over the region"))

    def profile(self, d, theta):
        p = self.base.profile(d, theta[:-1])
        return p + theta[-1] * _cumulative(p, d) / _width(d)

    def profile_jac(self, d, theta, out, scale):
        k = theta[-1]
        self.base.profile_jac(d, theta[:-1], out[:-1], scale)
        w = _width(d)
        c0 = _cumulative(out[0], d) / w
        out[-1] = scale * c0
        for r in range(1, out.shape[0] - 1):
            out[r] += k * _cumulative(out[r], d) / w
        out[0] += k * c0

    def area_per_height(self, theta):
        r, dr = self.base.area_per_height(theta[:-1])
        return r, [*dr, 0.0 * r]

    def fwhm(self, theta):
        return self.base.fwhm(theta[:-1])

    def peak_offset(self, theta):
        return self.base.peak_offset(theta[:-1])
