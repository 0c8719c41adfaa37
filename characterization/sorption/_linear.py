"""Shared kernel of the sorption methods that are a straight line on transformed axes
(t-plot, α_s, Langmuir, Dubinin–Radushkevich): select the points of one branch inside a
range of the transformed abscissa, fit a line with standard errors, report what was used."""

from __future__ import annotations

import numpy as np

from ._apply import Output
from ._bet_kernel import line_fit, masked_line_fit

LINE_OUTPUTS = ("slope", "intercept", "slope_stderr", "intercept_stderr", "r_squared",
                "n_points", "used")


def line_outputs(slope_units: str, intercept_units: str, what: str) -> list[Output]:
    """The :class:`Output` list of a line fit, with units of the transformed axes."""
    return [Output("slope", slope_units, f"Slope of the {what}"),
            Output("intercept", intercept_units, f"Intercept of the {what}"),
            Output("slope_stderr", slope_units, "Standard error of the slope"),
            Output("intercept_stderr", intercept_units, "Standard error of the intercept"),
            Output("r_squared", "1", f"Coefficient of determination of the {what}"),
            Output("n_points", "1", "Number of points fitted", dtype=np.int64),
            Output("used", "1", "Point used in the fit", dims=("point",), sizes=(None,),
                   dtype=bool)]


def fit_lines(u: np.ndarray, v: np.ndarray, select: np.ndarray):
    """Fit v = slope·u + intercept on ``select`` for every row of (B, P) arrays at once.

    Rows with fewer than 2 selected points (or no spread in u) give NaN.
    """
    slope, intercept, s_slope, s_int, _, r2 = masked_line_fit(u, v, select)
    return {"slope": slope, "intercept": intercept, "slope_stderr": s_slope,
            "intercept_stderr": s_int, "r_squared": r2,
            "n_points": select.sum(axis=1).astype(np.int64), "used": select.copy()}


def longest_linear_window(u: np.ndarray, v: np.ndarray, candidates: np.ndarray,
                          min_points: int, min_r2: float) -> np.ndarray:
    """Mask of the longest contiguous run (in order of u) of candidate points whose line fit
    has r² >= ``min_r2`` and a positive slope; ties broken by r². Empty mask when none."""
    idx = np.flatnonzero(candidates)
    idx = idx[np.argsort(u[idx], kind="stable")]
    best, best_key = None, None
    for i in range(idx.size):
        for j in range(idx.size - 1, i + min_points - 2, -1):
            if best_key is not None and j - i + 1 < best_key[0]:
                break
            w = idx[i:j + 1]
            slope, _, _, _, _, r2 = line_fit(u[w], v[w])
            if slope > 0 and r2 >= min_r2:
                key = (j - i + 1, r2)
                if best_key is None or key > best_key:
                    best, best_key = w, key
                break
    mask = np.zeros(u.size, bool)
    if best is not None:
        mask[best] = True
    return mask
