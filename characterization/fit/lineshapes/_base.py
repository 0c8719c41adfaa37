"""The line-shape interface shared by every peak profile.

A line shape is a normalised profile ``p(x; center, theta)`` with its analytic partial
derivatives. Each shape has a *natural* normalisation, unit area (``"area"``) or unit maximum
(``"height"``), whichever makes its formula simplest. A peak multiplies the profile by an
amplitude that is either its area or its height, chosen per peak; when that differs from the
natural normalisation the profile is rescaled by the area-per-height ratio ``r(theta)``:

* natural area, amplitude = height ``H``:  ``f = H * r(theta) * p_area``
* natural height, amplitude = area ``A``:  ``f = A * p_height / r(theta)``

so every shape only implements its natural profile, ``r`` and their derivatives, and gets both
amplitude conventions, the Jacobian and the derived height / area / FWHM for free.

Array conventions: ``x`` has shape ``(N,)`` or ``(B, N)``; every parameter is an array of shape
``(B, 1)`` (or a scalar) so that it broadcasts against ``x``. Everything is float64 numpy.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

import numpy as np

#: ``4 ln 2``: a Gaussian of FWHM ``F`` is ``exp(-FOUR_LN2 * (x - c)**2 / F**2)``.
FOUR_LN2 = 4.0 * np.log(2.0)
#: Smallest width used inside formulas (widths are floored here to avoid division by zero).
TINY = 1.0e-15

AMPLITUDE_TYPES = ("area", "height")


@dataclasses.dataclass(frozen=True)
class ShapeParam:
    """A shape parameter besides amplitude and center.

    Attributes
    ----------
    name : str
        Parameter name (``"fwhm"``, ``"eta"`` ...).
    kind : {"width", "dimensionless"}
        ``"width"`` parameters carry the units of x; the others are pure numbers.
    default : float or None
        Starting value when the user gives none; ``None`` means "guess from the data"
        (widths are guessed from half-height crossings).
    min, max : float
        Default bounds (the user can override them per peak).
    long_name : str
        Human-readable description used for result attrs.
    """

    name: str
    kind: str
    default: float | None
    min: float
    max: float
    long_name: str


class LineShape:
    """Base class of a peak profile with analytic Jacobian.

    Subclasses set :attr:`name`, :attr:`natural`, :attr:`shape_params` and implement
    :meth:`profile`, :meth:`profile_jac`, :meth:`area_per_height` and :meth:`fwhm`
    (and :meth:`peak_offset` when the maximum is not at ``center``).
    """

    name: str = ""
    aliases: tuple[str, ...] = ()
    natural: str = "area"
    shape_params: tuple[ShapeParam, ...] = ()

    # ----------------------------------------------------------------- to implement
    def profile(self, d: np.ndarray, theta: Sequence[np.ndarray]) -> np.ndarray:
        """Natural-normalised profile at offsets ``d = x - center``."""
        raise NotImplementedError

    def profile_jac(self, d, theta, out: np.ndarray, scale) -> None:
        """Fill ``out[0]`` (B, N) with the profile and ``out[1 + j]`` with ``scale`` times its
        derivative w.r.t. ``center`` (j = 0) and each shape parameter (j >= 1).

        ``out`` is parameter-major, shape (2 + len(theta), B, N), so that every row is one
        contiguous block (several times faster for the in-place arithmetic than strided rows).
        """
        raise NotImplementedError

    def area_per_height(self, theta) -> tuple[np.ndarray, list[np.ndarray]]:
        """Ratio ``r = area / height`` of the profile and its derivatives w.r.t. ``theta``."""
        raise NotImplementedError

    def fwhm(self, theta) -> np.ndarray:
        """Full width at half maximum of the profile."""
        raise NotImplementedError

    def peak_offset(self, theta) -> np.ndarray:
        """Position of the maximum relative to ``center`` (zero for symmetric shapes)."""
        return np.zeros(np.broadcast(*theta).shape) if theta else np.zeros(())

    # ----------------------------------------------------------------- derived
    @property
    def param_names(self) -> tuple[str, ...]:
        """All parameter names in order: amplitude, center, then the shape parameters."""
        return ("amplitude", "center", *(p.name for p in self.shape_params))

    def _scale(self, theta, amplitude_type: str, grad: bool):
        """Factor ``s`` with ``f = amplitude * s * profile`` and ``ds/dtheta`` (None if s = 1)."""
        if amplitude_type not in AMPLITUDE_TYPES:
            raise ValueError(f"amplitude_type must be 'area' or 'height', got {amplitude_type!r}")
        if amplitude_type == self.natural:
            return None, None
        r, dr = self.area_per_height(theta)
        if self.natural == "area":          # amplitude is the height: f = H r p_area
            return r, dr
        inv = 1.0 / r                        # amplitude is the area: f = A p_height / r
        return inv, ([-g * inv * inv for g in dr] if grad else None)

    def evaluate(self, x, amplitude, center, theta, amplitude_type: str = "area") -> np.ndarray:
        """Peak values ``amplitude * s * p(x - center; theta)``.

        Parameters
        ----------
        x : ndarray, shape (N,) or (B, N)
        amplitude, center : array_like, broadcastable to (B, 1)
        theta : sequence of array_like
            The shape parameters in the order of :attr:`shape_params`.
        amplitude_type : {"area", "height"}
            Whether ``amplitude`` is the peak area or its maximum.
        """
        theta = [np.asarray(t, dtype=float) for t in theta]
        s, _ = self._scale(theta, amplitude_type, grad=False)
        values = self.profile(np.asarray(x, dtype=float) - center, theta)
        factor = amplitude if s is None else amplitude * s
        return factor * values

    def accumulate(self, x, amplitude, center, theta, amplitude_type, f_out, jac_out=None):
        """Add the peak to ``f_out`` (B, N) and write its Jacobian rows into ``jac_out``.

        ``jac_out`` is parameter-major, shape (2 + len(theta), B, N): row 0 is
        d f / d amplitude, row 1 d f / d center, rows 2.. d f / d theta. Nothing is allocated
        beyond a few (B, N) temporaries: this is the hot path of the solver.
        """
        d = x - center
        if jac_out is None:
            s, _ = self._scale(theta, amplitude_type, grad=False)
            factor = amplitude if s is None else amplitude * s
            f_out += factor * self.profile(d, theta)
            return
        s, ds = self._scale(theta, amplitude_type, grad=True)
        if s is None:
            self.profile_jac(d, theta, jac_out, amplitude)
            f_out += amplitude * jac_out[0]
            return
        self.profile_jac(d, theta, jac_out, amplitude * s)
        p = jac_out[0]
        for j, dsj in enumerate(ds):
            jac_out[2 + j] += (amplitude * dsj) * p
        p *= s
        f_out += amplitude * p

    def jacobian(self, x, amplitude, center, theta, amplitude_type: str = "area") -> np.ndarray:
        """Analytic Jacobian, shape (B, 2 + len(theta), N), rows ordered as :attr:`param_names`."""
        x = np.asarray(x, dtype=float)
        amplitude, center, *theta = np.broadcast_arrays(
            *(np.atleast_2d(np.asarray(v, dtype=float)) for v in (amplitude, center, *theta)))
        batch = np.broadcast_shapes(amplitude.shape[:-1], x.shape[:-1] or (1,))
        f = np.zeros((*batch, x.shape[-1]))
        jac = np.zeros((2 + len(theta), *batch, x.shape[-1]))
        self.accumulate(x, amplitude, center, theta, amplitude_type, f, jac)
        return np.moveaxis(jac, 0, -2)

    def derived(self, amplitude, center, theta, amplitude_type: str = "area") -> dict:
        """Derived peak quantities: position of the maximum, FWHM, height and area.

        Returns
        -------
        dict of ndarray
            ``center`` (position of the maximum; equals the ``center`` parameter except for
            asymmetric shapes such as the BWF), ``fwhm``, ``height`` (the maximum value) and
            ``area`` (the integral over the whole real line; see each shape for definitions).
        """
        theta = [np.asarray(t, dtype=float) for t in theta]
        amplitude = np.asarray(amplitude, dtype=float)
        r, _ = self.area_per_height(theta)
        if amplitude_type == "area":
            area, height = amplitude * np.ones_like(r), amplitude / r
        else:
            area, height = amplitude * r, amplitude * np.ones_like(r)
        return {"center": center + self.peak_offset(theta), "fwhm": self.fwhm(theta) + 0 * r,
                "height": height, "area": area}

    def __repr__(self) -> str:
        return f"<LineShape {self.name}({', '.join(self.param_names)})>"


def bisect_decreasing(func: Callable[[np.ndarray], np.ndarray], lo, hi, n_iter: int = 64):
    """Vectorised bisection for the root of ``func`` on ``[lo, hi]``, func decreasing.

    ``func(lo) >= 0 >= func(hi)`` is assumed element-wise; returns the midpoint after
    ``n_iter`` halvings (64 halvings reach the float64 resolution of any bracket).
    """
    lo = np.array(lo, dtype=float, copy=True)
    hi = np.array(hi, dtype=float, copy=True)
    lo, hi = np.broadcast_arrays(lo, hi)
    lo, hi = lo.copy(), hi.copy()
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        positive = func(mid) > 0
        lo = np.where(positive, mid, lo)
        hi = np.where(positive, hi, mid)
    return 0.5 * (lo + hi)
