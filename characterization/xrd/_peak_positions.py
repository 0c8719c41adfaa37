"""Starting positions for :func:`characterization.xrd.fit_pattern`: from a reflection Dataset
(:func:`~characterization.xrd.reference_pattern`, :func:`~characterization.xrd.
peaks_from_phases`) or found automatically in the data."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import AnalysisError


def positions_from_dataset(peaks: xr.Dataset, lo, hi):
    """Flattened finite positions and labels of a reflection Dataset inside [lo, hi]."""
    if "two_theta" not in peaks.variables:
        raise AnalysisError("peaks given as a Dataset need a 'two_theta' variable (deg); has "
                            f"{sorted(peaks.variables)}")
    tt = peaks["two_theta"]
    if "label" in peaks.variables:
        lab = peaks["label"].astype(str)
        if "phase" in tt.dims and "phase" not in lab.dims and "phase" in peaks.coords:
            lab = peaks["phase"].astype(str) + " " + lab
        lab = lab.broadcast_like(tt)
        labels = np.asarray(lab.transpose(*tt.dims).values, dtype=str).ravel()
    else:
        labels = np.array([f"p{j}" for j in range(tt.size)])
    pos = np.asarray(tt.values, dtype=float).ravel()
    keep = np.isfinite(pos) & (pos >= lo) & (pos <= hi)
    return pos[keep], list(labels[keep]), int((np.isfinite(pos) & ~keep).sum())


def merge_coincident(pos, labels, tol):
    """Merge positions closer than ``tol`` (one fitted peak, labels joined with '+')."""
    order = np.argsort(pos, kind="stable")
    out_pos, out_lab = [], []
    for i in order:
        if out_pos and pos[i] - out_pos[-1][-1] < tol:
            out_pos[-1].append(pos[i])
            out_lab[-1].append(labels[i])
        else:
            out_pos.append([pos[i]])
            out_lab.append([labels[i]])
    return np.array([np.mean(p) for p in out_pos]), ["+".join(lab) for lab in out_lab]


def auto_positions(da, dim, lam1, lam2, lam_beta, min_snr):
    r"""Kα1 positions of the peaks of the batch-mean pattern (``peaks="auto"``): the maxima
    :func:`find_pattern_peaks` finds with ``n_sigma = min_snr``, less the Kα2 (and, when
    ``lam_beta`` is known, Kβ) satellites of stronger peaks (:func:`satellite_parents`)."""
    others = [d for d in da.dims if d != dim]
    mean = da.mean(others, skipna=True) if others else da
    x = np.asarray(mean[dim].values, dtype=float)
    y = np.asarray(mean.values, dtype=float)
    if np.isfinite(y).sum() < 5:
        raise AnalysisError("peaks='auto': fewer than 5 finite points in the mean pattern")
    pos, height, _ = find_pattern_peaks(x, y, n_sigma=min_snr)
    if pos.size == 0:
        raise AnalysisError(f"peaks='auto' found no peak with a prominence above {min_snr} "
                            "noise standard deviations; give the positions")
    if lam1 is None:
        return pos
    step = float(np.nanmedian(np.abs(np.diff(np.sort(x)))))
    parent, _ = satellite_parents(pos, height, lam1, lam2, lam_beta, max(3.0 * step, 0.02))
    return pos[parent < 0]


def find_pattern_peaks(x, y, *, prominence=None, smooth=0.02, n_sigma=5.0):
    r"""Peaks of one pattern: positions (deg), heights above the local base and prominences.

    The profile is smoothed with a Gaussian kernel of standard deviation ``smooth`` degrees
    (at least half a step). The noise level of the *smoothed* profile is measured on the
    smoothed profile itself, from differences at a lag ``D`` longer than the kernel support
    (``D = 2 ⌈4σ⌉ + 1`` points, at least 5), so that the two values of each difference are
    made of disjoint raw points:

    .. math:: \sigma_s = 1.4826\,\mathrm{MAD}\bigl(y^s_{i+D} - y^s_i\bigr) / \sqrt2 .

    This holds for noise that is correlated between neighbouring points (detector binning,
    interpolation onto a finer grid), where the usual successive-difference estimate of the raw
    data (which assumes independent points, scaled by :math:`\sqrt{\sum k_i^2}`) comes out up
    to ~2x low and finds many false peaks. A maximum is a peak when its prominence
    (:func:`scipy.signal.find_peaks`) exceeds ``n_sigma`` × the local noise, which assumes
    counting statistics: the noise level grows as :math:`\sqrt{y/y_\mathrm{bg}}` above the
    median (background) level. A floor of 0.1 % of the profile's range avoids detecting
    rounding noise in noise-free data. With ``prominence`` given (same units as ``y``), that
    fixed threshold is used instead. The position is refined by a parabola through the three
    points around each maximum.
    """
    from scipy.ndimage import gaussian_filter1d
    from scipy.signal import find_peaks

    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size < 5:
        return np.empty(0), np.empty(0), np.empty(0)
    order = np.argsort(x)
    x, y = x[order], y[order]
    step = float(np.median(np.diff(x)))
    sig_pts = max(0.5, float(smooth) / step) if step > 0 else 0.5
    ys = gaussian_filter1d(y, sig_pts, mode="nearest")
    sigma_s = smoothed_noise(ys, sig_pts)
    span = float(np.max(ys) - np.min(ys))
    idx, props = find_peaks(ys, prominence=(0.0, None))
    if idx.size == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    prom = props["prominences"]
    if prominence is None:
        base = max(float(np.median(ys)), 1e-12)
        level = np.sqrt(np.maximum(ys[idx], base) / base) if np.min(y) >= 0 else 1.0
        threshold = np.maximum(n_sigma * sigma_s * level, 1e-3 * span)
    else:
        threshold = float(prominence)
    keep = prom > threshold
    idx, prom = idx[keep], prom[keep]
    pos = x[idx].astype(float)
    inner = (idx > 0) & (idx < x.size - 1)
    i = idx[inner]
    y0, y1, y2 = ys[i - 1], ys[i], ys[i + 1]
    denom = y0 - 2 * y1 + y2
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(denom < 0, 0.5 * (y0 - y2) / denom, 0.0)
    pos[inner] = x[i] + np.clip(shift, -1, 1) * (x[i + 1] - x[i - 1]) / 2.0
    return pos, ys[idx], prom


def smoothed_noise(ys, sig_pts):
    """Robust noise standard deviation of a profile smoothed with a Gaussian of ``sig_pts``
    points, from its differences at a lag beyond the kernel support (see
    :func:`find_pattern_peaks`)."""
    lag = max(5, 2 * int(np.ceil(4 * sig_pts)) + 1)
    if ys.size <= lag + 4:
        lag = 1
    diff = ys[lag:] - ys[:-lag]
    return 1.4826 * float(np.median(np.abs(diff - np.median(diff)))) / np.sqrt(2.0)


def satellite_parents(pos, height, lam1, lam2, lam_beta, tolerance):
    """Index of the parent of each peak if it is a Kα2 (1) or Kβ (2) satellite of it, else -1."""
    parent = np.full(pos.size, -1)
    kind = np.zeros(pos.size, dtype=int)
    for sat_lam, code, max_ratio in ((lam2, 1, 0.8), (lam_beta, 2, 0.6)):
        if sat_lam is None or not np.isfinite(sat_lam):
            continue
        s = np.clip(sat_lam / lam1 * np.sin(np.deg2rad(pos) / 2.0), -1, 1)
        sat_pos = 2.0 * np.rad2deg(np.arcsin(s))
        for j in range(pos.size):       # parent j (not itself a satellite), satellite i
            if parent[j] >= 0:
                continue
            hit = np.flatnonzero((np.abs(pos - sat_pos[j]) < tolerance)
                                 & (height < max_ratio * height[j]) & (parent < 0))
            hit = hit[hit != j]
            if hit.size:
                i = hit[np.argmin(np.abs(pos[hit] - sat_pos[j]))]
                parent[i], kind[i] = j, code
    return parent, kind


def estimate_fwhm(da, dim, positions):
    r"""First FWHM estimate (deg) of the line nearest each starting position, from the
    batch-mean pattern: lightly smoothed (Gaussian, 1.5 steps), climbed to the local maximum
    within ±0.5° of the position, and measured by :func:`scipy.signal.peak_widths` at half its
    prominence. NaN where no maximum is found. Used to size the windows and width bounds of
    :func:`~characterization.xrd.fit_pattern` (lines broader than the 1° default)."""
    from scipy.ndimage import gaussian_filter1d
    from scipy.signal import peak_widths

    others = [d for d in da.dims if d != dim]
    mean = da.mean(others, skipna=True) if others else da
    x = np.asarray(mean[dim].values, dtype=float)
    y = np.asarray(mean.values, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    out = np.full(np.size(positions), np.nan)
    if ok.sum() < 5:
        return out
    order = np.argsort(x[ok])
    x, y = x[ok][order], y[ok][order]
    step = float(np.median(np.diff(x)))
    if not step > 0 or np.ptp(y) <= 0:
        return out
    ys = gaussian_filter1d(y, 1.5, mode="nearest")
    reach = max(1, int(round(0.5 / step)))
    idx = []
    for j, p in enumerate(np.atleast_1d(positions)):
        i = int(np.clip(np.searchsorted(x, p), 0, x.size - 1))
        lo, hi = max(0, i - reach), min(x.size, i + reach + 1)
        k = lo + int(np.argmax(ys[lo:hi]))
        if 0 < k < x.size - 1 and ys[k] >= ys[k - 1] and ys[k] >= ys[k + 1]:
            idx.append((j, k))
    if not idx:
        return out
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            widths = peak_widths(ys, np.array([k for _, k in idx]), rel_height=0.5)[0]
    for (j, _), w in zip(idx, widths):
        out[j] = w * step if w > 0 else np.nan
    return out
