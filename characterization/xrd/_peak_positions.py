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


def auto_positions(ds, doublet_k, min_snr, weights):
    r"""Kα1 positions of the peaks of the batch-mean pattern (see ``peaks="auto"``)."""
    from scipy.ndimage import uniform_filter1d
    from scipy.signal import find_peaks

    da = ds["intensity"]
    others = [d for d in da.dims if d != "two_theta"]
    n_mean = int(np.prod([da.sizes[d] for d in others])) if others else 1
    mean = da.mean(others, skipna=True) if others else da
    x = np.asarray(mean["two_theta"].values, dtype=float)
    y = np.asarray(mean.values, dtype=float)
    order = np.argsort(x)
    x, y = x[order], y[order]
    ok = np.isfinite(y)
    if ok.sum() < 5:
        raise AnalysisError("peaks='auto': fewer than 5 finite points in the mean pattern")
    y = np.interp(x, x[ok], y[ok])
    smooth = uniform_filter1d(y, size=3, mode="nearest")
    sigma_white = 1.4826 * np.median(np.abs(np.diff(y))) / np.sqrt(2.0) / np.sqrt(3.0)
    sigma = np.full_like(smooth, max(sigma_white, 1e-12 * max(np.abs(y).max(), 1.0)))
    if isinstance(weights, str) and weights == "poisson":
        sigma = np.maximum(sigma, np.sqrt(np.maximum(smooth, 1.0) / (3.0 * n_mean)))
    idx, props = find_peaks(smooth, prominence=min_snr * sigma.min())
    idx = idx[props["prominences"] >= min_snr * sigma[idx]]
    if idx.size == 0:
        raise AnalysisError(f"peaks='auto' found no peak with a prominence above {min_snr} "
                            "noise standard deviations; give the positions")
    if doublet_k is None:
        return x[idx]
    from ..fit.lineshapes._doublet import kalpha2_position
    from scipy.signal import peak_widths

    widths = peak_widths(smooth, idx, rel_height=0.5)[0] * float(np.median(np.diff(x)))
    dx = float(np.median(np.diff(x)))
    keep = np.ones(idx.size, dtype=bool)
    for i in np.argsort(-smooth[idx]):            # strongest first: drop its Kα2 partner
        if not keep[i]:
            continue
        c2 = kalpha2_position(x[idx[i]], doublet_k)[0]
        tol = max(0.5 * widths[i], 3.0 * dx, 0.25 * (c2 - x[idx[i]]))
        partner = (np.abs(x[idx] - c2) <= tol) & (smooth[idx] < 0.9 * smooth[idx[i]])
        partner[i] = False
        keep &= ~partner
    return x[idx[keep]]
