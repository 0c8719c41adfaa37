r"""Contact-area functions :math:`A(h_c)` of indenter tips, and the tip constants of Oliver–Pharr.

All lengths are in nm (depths, a sphere's radius, a flat punch's diameter) and areas in nm², as
in the rest of the nanoindentation package.

Tips
----
``"berkovich"``
    Ideal Berkovich (and Vickers-equivalent) pyramid: :math:`A = 24.5\,h_c^2`,
    :math:`\epsilon = 0.75`, :math:`\beta = 1.034` [1]_.
``"cone"``
    Cone of half-angle :math:`\theta` (default 70.3°, the cone of equal area-to-depth ratio as
    a Berkovich): :math:`A = \pi \tan^2\theta\, h_c^2`, :math:`\epsilon = 0.72`, :math:`\beta = 1`.
``"sphere"``
    Spherical cap of radius :math:`R`: :math:`A = \pi (2 R h_c - h_c^2)` for
    :math:`h_c \le R`, :math:`\epsilon = 0.75` (paraboloid of revolution), :math:`\beta = 1`.
``"flat_punch"``
    Cylindrical flat punch of diameter :math:`D`: constant :math:`A = \pi D^2/4` once in full
    contact, :math:`\epsilon = 1` (no sink-in correction), :math:`\beta = 1`.

Calibrated tips use the vendor polynomial (KLA/Agilent NanoSuite and InView, Hysitron
TriboScan convention; depths nm, area nm²)

.. math:: A(h_c) = C_0 h_c^2 + C_1 h_c + C_2 h_c^{1/2} + C_3 h_c^{1/4} + \dots
          + C_n h_c^{1/2^{n-1}}

References
----------
.. [1] W. C. Oliver, G. M. Pharr, J. Mater. Res. 7 (1992) 1564; J. Mater. Res. 19 (2004) 3.
.. [2] ISO 14577-1:2015, Annex A (indenter area functions).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TIPS", "area_function", "polynomial_area", "tip_constants"]

#: tip -> (epsilon, beta) defaults of Oliver–Pharr
TIPS = {
    "berkovich": (0.75, 1.034),
    "cone": (0.72, 1.0),
    "sphere": (0.75, 1.0),
    "flat_punch": (1.0, 1.0),
}


def tip_constants(tip: str) -> tuple[float, float]:
    """Default geometry factor ε and correction factor β of ``tip``.

    Parameters
    ----------
    tip : {"berkovich", "cone", "sphere", "flat_punch"}
        Indenter geometry.

    Returns
    -------
    (float, float)
        ε (contact-depth factor of :math:`h_c = h_{max} - \\epsilon P_{max}/S`) and β (the
        geometry correction of :math:`E_r = \\sqrt{\\pi} S / (2 \\beta \\sqrt{A})`).

    Raises
    ------
    ValueError
        For an unknown tip name.
    """
    try:
        return TIPS[tip]
    except KeyError:
        raise ValueError(f"unknown tip {tip!r}; known: {sorted(TIPS)}") from None


def polynomial_area(contact_depth, coefficients) -> np.ndarray:
    r"""Calibrated area function :math:`A = C_0 h^2 + C_1 h + C_2 h^{1/2} + \dots` (nm → nm²).

    Parameters
    ----------
    contact_depth : array_like
        Contact depth :math:`h_c` in nm. Negative depths give NaN.
    coefficients : sequence of float
        :math:`C_0, C_1, \dots, C_n` in the vendor convention: term ``k`` is
        :math:`C_k h_c^{2^{1-k}}` (exponents 2, 1, 1/2, 1/4 ...). NaN coefficients (padding of
        a file's table) count as 0.

    Returns
    -------
    numpy.ndarray
        Area in nm².

    Notes
    -----
    The polynomial is only valid over the depth range it was calibrated on; outside it (very
    shallow contacts in particular) it may give a non-physical, even negative, area; such
    areas are returned as NaN.
    """
    h = np.asarray(contact_depth, dtype=float)
    coefficients = np.nan_to_num(np.asarray(coefficients, dtype=float).ravel())
    if coefficients.size == 0:
        raise ValueError("polynomial_area: no area coefficients")
    with np.errstate(invalid="ignore"):
        hp = np.where(h >= 0, h, np.nan)
        area = np.zeros_like(hp)
        for k, c in enumerate(coefficients):
            if c != 0:
                area = area + c * hp ** (2.0 ** (1 - k))
    return np.where(area > 0, area, np.nan)


def area_function(contact_depth, tip: str = "berkovich", *, coefficients=None,
                  tip_radius: float | None = None, punch_diameter: float | None = None,
                  half_angle: float = 70.3) -> np.ndarray:
    r"""Projected contact area :math:`A(h_c)` of a tip (nm²).

    Parameters
    ----------
    contact_depth : array_like
        Contact depth :math:`h_c` (nm).
    tip : {"berkovich", "cone", "sphere", "flat_punch"}
        Geometry (see the module documentation for the equations).
    coefficients : sequence of float, optional
        Calibrated polynomial :math:`C_0..C_n` (vendor convention, nm → nm²); overrides the
        ideal geometry of a Berkovich or cone tip.
    tip_radius : float, optional
        Sphere radius in nm (required for ``tip="sphere"``).
    punch_diameter : float, optional
        Flat-punch diameter in nm (required for ``tip="flat_punch"``).
    half_angle : float
        Cone half-angle in degrees (``tip="cone"``).

    Returns
    -------
    numpy.ndarray
        Area in nm²; NaN where the contact depth is negative, beyond a sphere's radius, or the
        polynomial is non-positive.

    Raises
    ------
    ValueError
        Unknown tip, or a sphere/flat punch without its size.

    Examples
    --------
    >>> float(area_function(100.0))
    245000.0
    >>> round(float(area_function(50.0, "flat_punch", punch_diameter=100e3)) / 1e9, 4)
    7.854
    """
    tip_constants(tip)
    h = np.asarray(contact_depth, dtype=float)
    if coefficients is not None and tip in ("berkovich", "cone"):
        return polynomial_area(h, coefficients)
    with np.errstate(invalid="ignore"):
        if tip == "berkovich":
            area = 24.5 * h ** 2
        elif tip == "cone":
            area = np.pi * np.tan(np.radians(half_angle)) ** 2 * h ** 2
        elif tip == "sphere":
            if tip_radius is None or not tip_radius > 0:
                raise ValueError("tip='sphere' needs tip_radius (nm) > 0")
            radius = tip_radius
            area = np.where(h <= radius, np.pi * (2 * radius * h - h ** 2), np.nan)
        else:
            if punch_diameter is None or not punch_diameter > 0:
                raise ValueError("tip='flat_punch' needs punch_diameter (nm) > 0")
            area = np.full_like(h, np.pi * punch_diameter ** 2 / 4)
        return np.where(h >= 0, area, np.nan)
