r"""Is a converged fit trustworthy? Bounds, significance, degenerate data (numpy, per spectrum).

Three checks every fit of the engine goes through, so no technique can report a plausible number
the data do not support:

* **degenerate data** (:func:`degenerate`): a spectrum whose valid points are all equal (all
  zero, constant) carries no peak; it is not fitted (status -5), instead of returning the
  starting values as a converged fit;
* **parameters at a bound** (:func:`at_bound`): a free parameter within a small tolerance of its
  lower or upper bound at convergence. The solver lands exactly on a non-zero bound (see
  :mod:`.solver`) and approaches a zero bound geometrically, so the tolerance is
  ``rtol * (|bound| + s)`` with ``s`` the parameter's natural scale: ``max|y|**y_power *
  span(x)**x_power`` (1 for pure numbers), capped by the width of the bound interval;
* **detection** (:func:`detected`): a peak is detected when its height differs from zero by more
  than ``z`` standard errors **and** by more than ``z`` times the noise of the data,

  .. math:: |h_k| > z\,\sigma_{h_k} \quad\text{and}\quad |h_k| > z\,\hat\sigma, \qquad
            \hat\sigma = 1.4826\,\operatorname{median}_i |r_i - \operatorname{median}(r)|

  with ``r = y - f`` the residual of the fit. An undefined (NaN) standard error means *not
  detected*. The residual's median absolute deviation estimates the marginal noise level
  whatever the correlation between neighbouring points (detector binning, smoothing), where
  successive differences underestimate it, and it is robust to a few spikes. The standard
  error alone is not enough: it assumes independent points and shrinks with correlated noise.

Limitations: the noise estimate includes any misfit (a wrong model makes the test stricter,
never looser); for weighted fits it is a single level in the units of ``y`` (Poisson noise
grows with the signal, so weak peaks on a strong background are judged against the average
noise).
"""

from __future__ import annotations

import numpy as np

#: Relative tolerance of :func:`at_bound`.
BOUND_RTOL = 1.0e-6
#: Normal-consistent scale factor of the median absolute deviation.
MAD_SCALE = 1.482602218505602


def degenerate(y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """True (B,) where the valid points of a spectrum are all equal (zeros, a constant)."""
    with np.errstate(all="ignore"):
        hi = np.where(valid, y, -np.inf).max(axis=1)
        lo = np.where(valid, y, np.inf).min(axis=1)
        level = np.maximum(np.abs(hi), np.abs(lo))
        return valid.any(axis=1) & ((hi - lo) <= 1e-12 * level)


def noise_level(y: np.ndarray, best_fit: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Robust noise level (B,): scaled median absolute deviation of the residual ``y - f``."""
    r = np.where(valid, y - best_fit, np.nan)
    out = np.full(r.shape[0], np.nan)
    rows = np.isfinite(r).any(axis=1)
    if rows.any():
        r = r[rows]
        dev = np.abs(r - np.nanmedian(r, axis=1, keepdims=True))
        out[rows] = MAD_SCALE * np.nanmedian(dev, axis=1)
    return out


def at_bound(layout, p_all: np.ndarray, y: np.ndarray, valid: np.ndarray,
             rtol: float = BOUND_RTOL) -> np.ndarray:
    """True (B, P) for free parameters within ``rtol * (|bound| + scale)`` of a bound."""
    n_spec = p_all.shape[0]
    out = np.zeros((n_spec, layout.n_all), dtype=bool)
    xs = layout.x[np.isfinite(layout.x)]
    x_scale = float(np.ptp(xs)) if xs.size else 1.0
    with np.errstate(all="ignore"):
        y_scale = np.where(valid, np.abs(y), 0.0).max(axis=1)
    y_scale = np.where(y_scale > 0, y_scale, 1.0)
    for i in layout.free_index:
        slot = layout.slots[i]
        scale = y_scale ** slot.y_power * x_scale ** slot.x_power
        width = slot.upper - slot.lower
        if np.isfinite(width):
            scale = np.minimum(scale, width)
        p = p_all[:, i]
        with np.errstate(invalid="ignore"):
            near_lo = np.isfinite(slot.lower) & (p - slot.lower <= rtol * (abs(slot.lower) + scale))
            near_hi = np.isfinite(slot.upper) & (slot.upper - p <= rtol * (abs(slot.upper) + scale))
        out[:, i] = np.isfinite(p) & (near_lo | near_hi)
    return out


def defining_columns(layout) -> list[np.ndarray]:
    """Per peak, the parameter columns that define its position, width and size (amplitude,
    center and width-kind shape parameters; not pure-number shape parameters such as eta)."""
    cols = []
    for shape, _, sl in layout.peaks:
        kinds = ["amplitude", "center"] + [sp.kind for sp in shape.shape_params]
        cols.append(np.array([sl.start + j for j, k in enumerate(kinds)
                              if k in ("amplitude", "center", "width")], dtype=int))
    return cols


def detected(height: np.ndarray, height_stderr: np.ndarray, noise: np.ndarray,
             sigma: float) -> np.ndarray:
    """True (B, K) where ``|h| > sigma * stderr(h)`` and ``|h| > sigma * noise``."""
    with np.errstate(invalid="ignore"):
        h = np.abs(height)
        return (np.isfinite(h) & np.isfinite(height_stderr) & (h > sigma * height_stderr)
                & (h > sigma * noise[:, None]))
