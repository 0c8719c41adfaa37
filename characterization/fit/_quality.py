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
* **detection** (:func:`detected`): a peak is detected when its height differs from zero by
  more than ``z_eff`` *effective* standard errors,

  .. math:: |h_k| > z_{\mathrm{eff},k}\,\sqrt{\kappa}\,\sigma_{h_k}, \qquad
            z_{\mathrm{eff},k}^2 = z^2 + 2\ln T_k, \qquad
            \kappa = \max\!\Bigl(1, \frac{\hat\sigma^2}{\hat\sigma_\Delta^2 / 2}\Bigr)

  An undefined (NaN) standard error means *not detected*. ``σ_h`` is the fit's standard error,
  which assumes independent points; ``κ`` corrects it for noise correlated between neighbouring
  points (detector binning, smoothing, interpolation): ``σ̂ = 1.4826 MAD`` of the residual
  ``r = y - f`` minus its 41-point running median (so a smooth misfit is not taken for
  correlated noise) and ``σ̂_Δ`` that of its successive differences, so ``κ ≈ 1`` for white
  noise and ``≈ L`` for noise averaged over ``L`` points (the number of points per independent
  noise value; the effective sample size is ``n/κ``). The reported ``noise`` is the plain MAD
  of the residual. ``T_k`` is the
  trials factor of the look-elsewhere effect (Gross & Vitells 2010): a peak whose center may
  lie anywhere in an interval ``L_c`` (its center bounds, at most the fitted range) could have
  been found at ``T = max(1, L_c / FWHM)`` independent places, and ``z_eff`` keeps the
  false-detection probability of one trial at ``z`` (``T·exp(-z_eff²/2) = exp(-z²/2)``). So a
  narrow peak fitted to a noise spike somewhere in 500 points needs ~4.4σ at ``z = 3``, while a
  broad band with a bounded center needs 3σ.

Limitations: noise correlated over more than a few points is partly taken out with the running
median (``κ`` underestimates it by roughly ``L/41``); a misfit narrower than 41 points raises
``κ`` (the test gets stricter, never looser); the trials factor treats positions one FWHM apart as independent (an approximation of
the Gross–Vitells upcrossing count); the test is on the height, so a peak fixed by ties to a
detected one is judged on its own height.

References: E. Gross, O. Vitells, Eur. Phys. J. C 70, 525 (2010) (trials factor); P. J. Rousseeuw,
C. Croux, J. Am. Stat. Assoc. 88, 1273 (1993) (MAD).
"""

from __future__ import annotations

import numpy as np

#: Relative tolerance of :func:`at_bound`.
BOUND_RTOL = 1.0e-6
#: Running-median window (points) separating smooth misfit from correlated noise in ``κ``.
KAPPA_WINDOW = 41
#: Normal-consistent scale factor of the median absolute deviation.
MAD_SCALE = 1.482602218505602


def degenerate(y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """True (B,) where the valid points of a spectrum are all equal (zeros, a constant)."""
    with np.errstate(all="ignore"):
        hi = np.where(valid, y, -np.inf).max(axis=1)
        lo = np.where(valid, y, np.inf).min(axis=1)
        level = np.maximum(np.abs(hi), np.abs(lo))
        return valid.any(axis=1) & ((hi - lo) <= 1e-12 * level)


def _mad(r: np.ndarray) -> np.ndarray:
    """Scaled MAD per row of ``r`` (NaN ignored; all-NaN rows give NaN)."""
    out = np.full(r.shape[0], np.nan)
    rows = np.isfinite(r).any(axis=1)
    if rows.any():
        r = r[rows]
        dev = np.abs(r - np.nanmedian(r, axis=1, keepdims=True))
        out[rows] = MAD_SCALE * np.nanmedian(dev, axis=1)
    return out


def noise_level(y: np.ndarray, best_fit: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Robust noise level (B,): scaled median absolute deviation of the residual ``y - f``."""
    return _mad(np.where(valid, y - best_fit, np.nan))


def correlation_factor(y: np.ndarray, best_fit: np.ndarray, valid: np.ndarray,
                       window: int = KAPPA_WINDOW) -> np.ndarray:
    """``κ`` (B,): variance of the residual's fast part over half the variance of its
    successive differences (both robust MADs), at least 1.

    The fast part is the residual minus its running median over ``window`` points, so a smooth
    misfit (a band the model lacks, a background of too low an order) does not pass for
    correlated noise; noise correlated over a few points (``<< window``) is kept. Differences
    across an invalid point are left out.
    """
    from scipy.ndimage import median_filter

    r = np.where(valid, y - best_fit, np.nan)
    if r.shape[1] < 3:
        return np.ones(r.shape[0])
    size = min(int(window), r.shape[1] - (1 - r.shape[1] % 2))
    fill = np.where(np.isfinite(r), r, 0.0)
    fast = np.where(np.isfinite(r), fill - median_filter(fill, size=(1, size), mode="nearest"),
                    np.nan)
    with np.errstate(all="ignore"):
        step = _mad(np.diff(r, axis=1)) / np.sqrt(2.0)
        kappa = (_mad(fast) / step) ** 2
    return np.where(np.isfinite(kappa), np.maximum(kappa, 1.0), 1.0)


def trials(layout, fwhm: np.ndarray) -> np.ndarray:
    """Look-elsewhere trials factor (B, K): center interval over FWHM, at least 1 (1 for a
    peak whose center is fixed or tied)."""
    xs = layout.x[np.isfinite(layout.x)]
    span = float(np.ptp(xs)) if xs.size else 0.0
    free = set(int(i) for i in layout.free_index)
    out = np.ones(fwhm.shape)
    for k, (_, _, sl) in enumerate(layout.peaks):
        c = sl.start + 1
        if c not in free:
            continue
        slot = layout.slots[c]
        interval = min(span, slot.upper - slot.lower)
        with np.errstate(all="ignore"):
            t = interval / fwhm[:, k]
        out[:, k] = np.where(np.isfinite(t), np.maximum(t, 1.0), 1.0)
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


def detected(height: np.ndarray, height_stderr: np.ndarray, kappa: np.ndarray,
             n_trials: np.ndarray, sigma: float) -> np.ndarray:
    """True (B, K) where ``|h| > sqrt(sigma² + 2 ln T) sqrt(κ) stderr(h)`` (NaN: False)."""
    with np.errstate(invalid="ignore"):
        h = np.abs(height)
        z = np.sqrt(sigma ** 2 + 2.0 * np.log(n_trials))
        return np.isfinite(h) & np.isfinite(height_stderr) & (
            h > z * np.sqrt(kappa)[:, None] * height_stderr)
