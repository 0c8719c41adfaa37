"""numpy helpers shared by the nanoindentation kernels (one test = 1-D arrays along ``point``)."""

from __future__ import annotations

import numpy as np


def valid_length(*arrays) -> int:
    """Number of leading points where every array is finite (a NaN-padded test's length)."""
    ok = np.ones(np.shape(arrays[0])[-1], bool)
    for a in arrays:
        ok &= np.isfinite(a)
    if ok.all():
        return ok.size
    bad = np.flatnonzero(~ok)
    # padding is trailing: the length is where the trailing run of invalid points starts
    tail = ok.size
    for i in bad[::-1]:
        if i == tail - 1:
            tail = i
        else:
            break
    return tail


def fill_gaps(y: np.ndarray) -> np.ndarray:
    """Linear interpolation over isolated non-finite values (a copy)."""
    y = np.asarray(y, float).copy()
    bad = ~np.isfinite(y)
    if bad.any() and (~bad).sum() >= 2:
        idx = np.arange(y.size)
        y[bad] = np.interp(idx[bad], idx[~bad], y[~bad])
    return y


def moving_slope(t: np.ndarray, y: np.ndarray, window: int) -> np.ndarray:
    """Local least-squares slope dy/dt over ``window`` points centred on each point.

    The window shrinks at the ends (one-sided there). Robust to uneven time steps.
    """
    n = y.size
    if n < 2:
        return np.zeros(n)
    half = max(int(window) // 2, 1)
    t = t - t[0]
    c = np.concatenate(([0.0], np.cumsum(t)))
    cy = np.concatenate(([0.0], np.cumsum(y)))
    ctt = np.concatenate(([0.0], np.cumsum(t * t)))
    cty = np.concatenate(([0.0], np.cumsum(t * y)))
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) + half + 1, 0, n)
    k = hi - lo
    st, sy = c[hi] - c[lo], cy[hi] - cy[lo]
    stt, sty = ctt[hi] - ctt[lo], cty[hi] - cty[lo]
    den = stt - st * st / k
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (sty - st * sy / k) / den
    return np.where(den > 0, slope, 0.0)


def robust_sigma(x: np.ndarray) -> float:
    """Noise σ of a series from the MAD of its first differences (σ_diff/√2)."""
    d = np.diff(x[np.isfinite(x)])
    if d.size < 2:
        return 0.0
    return float(1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2))


def runs(labels: np.ndarray):
    """Start/stop indices of the runs of equal values: list of (start, stop, value)."""
    if labels.size == 0:
        return []
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = np.concatenate(([0], change))
    stops = np.concatenate((change, [labels.size]))
    return [(int(a), int(b), labels[a]) for a, b in zip(starts, stops)]
