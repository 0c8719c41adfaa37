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
  ``r = y - f`` minus its 41-point running mean (so a smooth misfit is not taken for noise;
  this ``σ̂`` is the reported ``noise``) and ``σ̂_Δ`` that of its successive differences, so
  ``κ ≈ 1`` for white noise and ``≈ L`` for noise averaged over ``L`` points (the number of
  points per independent noise value; the effective sample size is ``n/κ``). ``T_k`` is the
  trials factor of the look-elsewhere effect (Gross & Vitells 2010): a peak whose center may
  lie anywhere in an interval ``L_c`` (its center bounds, at most the fitted range) could have
  been found at ``T = max(1, L_c / FWHM)`` independent places, and ``z_eff`` keeps the
  false-detection probability of one trial at ``z`` (``T·exp(-z_eff²/2) = exp(-z²/2)``). So a
  narrow peak fitted to a noise spike somewhere in 500 points needs ~4.4σ at ``z = 3``, while a
  broad band with a bounded center needs 3σ.

Limitations: noise correlated over more than a few points is partly taken out with the running
mean (``κ`` underestimates it by roughly ``L/41``); a misfit narrower than 41 points raises
``κ`` (the test gets stricter, never looser); the trials factor treats positions one FWHM apart as independent (an approximation of
the Gross–Vitells upcrossing count). The test is scale-free (height over its error), so a peak
whose amplitude and width are tied to another's (a spin–orbit partner) shares its relative error
and is detected with it.

References: E. Gross, O. Vitells, Eur. Phys. J. C 70, 525 (2010) (trials factor); P. J. Rousseeuw,
C. Croux, J. Am. Stat. Assoc. 88, 1273 (1993) (MAD).
"""

from __future__ import annotations

import numpy as np

#: Relative tolerance of :func:`at_bound`.
BOUND_RTOL = 1.0e-6
#: Running-mean window (points) separating smooth misfit from correlated noise in ``κ``.
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


def _row_median(a: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (all-NaN rows: NaN); vectorised (NaN sort last), much
    faster than ``np.nanmedian`` along an axis: one partition when every row has the same
    number of valid values (the usual case), else one sort."""
    n = np.isfinite(a).sum(axis=1)
    if a.shape[0] and a.shape[1] and (n == n[0]).all() and n[0] > 0:
        k = int(n[0]) // 2
        part = np.partition(a, k, axis=1)              # NaN (if any) end up after position k
        upper = part[:, k]
        if n[0] % 2:
            return upper
        return 0.5 * (part[:, :k].max(axis=1) + upper)
    srt = np.sort(a, axis=1)
    lo = np.clip((n - 1) // 2, 0, None)[:, None]
    hi = np.clip(n // 2, 0, None)[:, None]
    with np.errstate(invalid="ignore"):
        out = 0.5 * (np.take_along_axis(srt, lo, 1) + np.take_along_axis(srt, hi, 1))[:, 0]
    return np.where(n > 0, out, np.nan)


def _mad(r: np.ndarray) -> np.ndarray:
    """Scaled MAD per row of ``r`` (NaN ignored; all-NaN rows give NaN)."""
    if r.shape[1] == 0:
        return np.full(r.shape[0], np.nan)
    return MAD_SCALE * _row_median(np.abs(r - _row_median(r)[:, None]))


def residual_noise(y: np.ndarray, best_fit: np.ndarray, valid: np.ndarray,
                   window: int = KAPPA_WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """Noise level ``σ̂`` (B,) and correlation factor ``κ`` (B,) from the residual ``y - f``.

    ``σ̂`` is the scaled MAD of the residual's fast part: the residual minus its running mean
    over ``window`` points, so a smooth misfit (a band the model lacks, a background of too low
    an order) is not taken for noise, while noise correlated over a few points (``<< window``)
    is kept. ``κ = (σ̂ / σ̂_Δ)²``, at least 1, with ``σ̂_Δ`` the scaled MAD of the successive
    differences over ``sqrt(2)``. Differences across an invalid point are left out.
    """
    from scipy.ndimage import uniform_filter1d

    # float32 is ample for a noise statistic and halves the memory traffic of this step
    r = np.where(valid, y - best_fit, np.nan).astype(np.float32)
    if r.shape[1] < 3:
        return np.full(r.shape[0], np.nan), np.ones(r.shape[0])
    ok = np.isfinite(r)
    size = min(int(window), r.shape[1])
    with np.errstate(all="ignore"):
        if ok.all():
            fast = r - uniform_filter1d(r, size, axis=1, mode="nearest")
        else:
            fill = np.where(ok, r, 0.0)
            total = uniform_filter1d(fill, size, axis=1, mode="nearest")
            count = uniform_filter1d(ok.astype(float), size, axis=1, mode="nearest")
            fast = np.where(ok, fill - total / count, np.nan)
        noise = _mad(fast).astype(float)
        step = _mad(np.diff(r, axis=1)).astype(float) / np.sqrt(2.0)
        kappa = (noise / step) ** 2
    return noise, np.where(np.isfinite(kappa), np.maximum(kappa, 1.0), 1.0)


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
