"""Find measured points from relative pressures the way a person does: to the typed precision.

A user copies p/p0 values from an instrument report (``0.05449``, printed to 5 decimals) or from
a data table (``0.988027597``); the file holds ``0.054487...`` and ``0.98802759678``. A value
matches a measured point when the point, rounded to the decimals the user typed, equals it:

.. math:: |x_k - p| \\le \\tfrac12\\,10^{-d}\\,(1 + 10^{-9}), \\qquad d = \\text{decimals of } p

where d is read from the shortest decimal representation of the float (``repr``), so ``0.05449``
has d = 5, ``4e-08`` has d = 8. The tolerance is never looser than ½·10⁻³ (three decimals):
``p=0.99`` does not "find" a last point at 0.988 (a person would not call that point 0.99 when
the report asks for 0.99), while ``0.990`` still finds 0.98953.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

#: The coarsest matching tolerance (p/p0), whatever the typed precision.
COARSEST = 0.5e-3


def typed_tolerance(p: float) -> float:
    """Half a unit in the last decimal typed of ``p`` (at most :data:`COARSEST`)."""
    p = float(p)
    exponent = Decimal(repr(p)).as_tuple().exponent
    if not isinstance(exponent, int):   # nan / inf
        return 0.0
    # a value computed rather than typed (0.2699999999999999) still matches within 4 ulp
    return max(min(0.5 * 10.0 ** exponent, COARSEST) * (1 + 1e-9), 4 * np.spacing(abs(p)))


def match_point(x: np.ndarray, p: float) -> tuple[int, str]:
    """Index of the measured point ``x[k]`` that ``p`` names, or ``(-1, reason)``.

    ``x`` is a 1-D array of the usable points of one branch (NaN ignored). Several points
    within the tolerance: the nearest is taken. None: the reason names the nearest point and
    the tolerance used.
    """
    x = np.asarray(x, dtype=float)
    finite = np.flatnonzero(np.isfinite(x))
    if finite.size == 0:
        return -1, f"no measured point near p/p0 {p!r} (the branch is empty)"
    dist = np.abs(x[finite] - p)
    k = int(finite[np.argmin(dist)])
    tol = typed_tolerance(p)
    if abs(x[k] - p) <= tol:
        return k, ""
    return -1, (f"no measured point at p/p0 {float(p)!r} (matching to ±{tol:.2g}, the "
                f"precision typed); nearest point: {float(x[k])!r}")
