"""Starting values from the data, per spectrum, for every parameter the user left as ``None``.

Recipe (vectorised over the batch, in chunks):

1. smooth each spectrum with a short moving average;
2. rough background: the straight line through the minima of the first and last 5 % of the
   range, lowered until it lies under the smoothed spectrum (zero for ``background="none"``,
   the minimum for ``"constant"``);
3. centers not given: the most prominent maxima of the smoothed, background-subtracted
   spectrum (:func:`scipy.signal.find_peaks`, one call per spectrum), away from the given
   centers, assigned in increasing x to the peaks without a center in model order;
4. widths: half-height crossings on either side of each center, each side capped by the
   distance to the neighbouring peak; FWHM = twice the smaller half width (the side not
   overlapped by a neighbour is the reliable one); split shapes take each side separately,
   Voigt splits the FWHM equally between its Gaussian and Lorentzian widths;
5. other shape parameters: the shape's default (eta 0.5, Pearson m 1.5, BWF q -10, GL m 30);
6. amplitudes and background coefficients: one linear least-squares solve with everything
   nonlinear held at the values above (the model is linear in them); non-positive amplitudes
   are replaced by a tenth of the height seen at the center.

Ties are applied after every stage, so a tied center or width follows its reference.
"""

from __future__ import annotations

import numpy as np

from ._gram import batched_gram, padded_rows
from ._layout import Layout

_CHUNK = 128
_VOIGT_FWHM_RATIO = 0.5346 + np.sqrt(0.2166 + 1.0)   # total FWHM when F_G = F_L


def guess_values(layout: Layout, y: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Starting values (B, P) for ``y`` (B, N) on ``layout.x``; user values are kept.

    ``valid`` (B, N) marks usable points (False where the data were NaN or weight 0).
    Returns all parameters, ties applied; columns the data cannot determine stay finite.
    """
    y = np.asarray(y, dtype=float)
    values = layout.initial_values(y.shape[0])
    need = np.array([not s.tied and s.spec.value is None for s in layout.slots], dtype=bool)
    if need.any():
        for start in range(0, y.shape[0], _CHUNK):
            stop = min(start + _CHUNK, y.shape[0])
            vchunk = None if valid is None else valid[start:stop]
            values[start:stop] = _guess_chunk(layout, y[start:stop], vchunk,
                                              values[start:stop], need)
    layout.apply_ties(values)
    lower = np.array([s.lower for s in layout.slots])
    upper = np.array([s.upper for s in layout.slots])
    return np.clip(values, lower, upper)


def _guess_chunk(layout, y, valid, values, need):
    order = np.argsort(layout.x, kind="stable")
    xs = layout.x[order]
    ys = y[:, order]
    vs = None if valid is None else valid[:, order]
    if vs is not None and not vs.all():
        fill = np.array([np.median(r[v]) if v.any() else 0.0 for r, v in zip(ys, vs)])
        ys = np.where(vs, ys, fill[:, None])
    n = xs.size
    from scipy.ndimage import uniform_filter1d

    window = int(min(25, max(3, (n // 100) | 1)))
    smooth = uniform_filter1d(ys, size=window, axis=1, mode="nearest")
    baseline = _rough_baseline(xs, smooth, layout.model.background.kind)
    signal = smooth - baseline
    span = float(xs[-1] - xs[0]) if n > 1 else 1.0
    dx = float(np.median(np.diff(xs))) if n > 1 else 1.0

    center_cols = [cols.start + 1 for *_, cols in layout.peaks]
    missing = [k for k, c in enumerate(center_cols) if need[c]]
    if missing:
        _find_centers(xs, signal, values, center_cols, missing, span, dx)
    layout.apply_ties(values)
    centers = values[:, center_cols]
    centers = np.where(np.isfinite(centers), centers, xs[0] + 0.5 * span)

    heights = _interp_rows(xs, signal, centers)
    half_left, half_right = _half_widths(xs, signal, centers, heights)
    fwhm = 2.0 * np.fmin(half_left, half_right)
    fwhm = np.where(np.isfinite(fwhm), fwhm, span / 10.0)
    fwhm = np.clip(fwhm, 2.0 * dx, span)
    side_left = np.clip(np.where(np.isfinite(half_left), 2 * half_left, fwhm), 2 * dx, span)
    side_right = np.clip(np.where(np.isfinite(half_right), 2 * half_right, fwhm), 2 * dx, span)
    width_guess = {"fwhm": fwhm, "fwhm_g": fwhm / _VOIGT_FWHM_RATIO,
                   "fwhm_l": fwhm / _VOIGT_FWHM_RATIO, "fwhm_left": side_left,
                   "fwhm_right": side_right}
    for k, (shape, _, cols) in enumerate(layout.peaks):
        for j, sp in enumerate(shape.shape_params):
            col = cols.start + 2 + j
            if not need[col]:
                continue
            if sp.default is not None:
                values[:, col] = sp.default
            else:
                values[:, col] = width_guess[sp.name][:, k]
    layout.apply_ties(values)
    _linear_guess(layout, xs, ys, vs, values, need, heights)
    return values


def _rough_baseline(xs, smooth, kind):
    n = xs.size
    if kind == "none" or n < 4:
        return np.zeros_like(smooth)
    if kind == "constant":
        return np.broadcast_to(smooth.min(axis=1, keepdims=True), smooth.shape)
    n_end = max(2, n // 20)
    rows = np.arange(smooth.shape[0])
    il = np.argmin(smooth[:, :n_end], axis=1)
    ir = n - n_end + np.argmin(smooth[:, -n_end:], axis=1)
    yl, yr = smooth[rows, il], smooth[rows, ir]
    slope = (yr - yl) / (xs[ir] - xs[il])
    line = yl[:, None] + slope[:, None] * (xs[None, :] - xs[il][:, None])
    excess = np.maximum((line - smooth).max(axis=1), 0.0)
    return line - excess[:, None]


def _interp_rows(xs, rows_values, points):
    """Linear interpolation of each row of ``rows_values`` (B, N) at ``points`` (B, K)."""
    n = xs.size
    i = np.clip(np.searchsorted(xs, points), 1, n - 1)
    x0, x1 = xs[i - 1], xs[i]
    t = np.clip((points - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0, 1.0)
    b = np.arange(rows_values.shape[0])[:, None]
    return rows_values[b, i - 1] * (1 - t) + rows_values[b, i] * t


def _half_widths(xs, signal, centers, heights):
    """Distances from each center to the half-height crossings, capped by neighbours."""
    n = xs.size
    j = np.arange(n, dtype=np.int32)      # int32: half the memory traffic of int64
    n_peaks = centers.shape[1]
    half_left = np.full(centers.shape, np.nan)
    half_right = np.full(centers.shape, np.nan)
    for k in range(n_peaks):
        c = centers[:, k]
        ic = np.searchsorted(xs, c)
        below = signal < 0.5 * heights[:, k:k + 1]
        left = np.where(below & (j < ic[:, None]), j, -1).max(axis=1)
        right = np.where(below & (j >= ic[:, None]), j, n).min(axis=1)
        ok = heights[:, k] > 0
        half_left[:, k] = np.where(ok & (left >= 0), c - xs[np.maximum(left, 0)], np.nan)
        half_right[:, k] = np.where(ok & (right < n), xs[np.minimum(right, n - 1)] - c, np.nan)
        others = np.delete(centers, k, axis=1)
        if others.size:
            gap_left = np.where(others < c[:, None], c[:, None] - others, np.inf).min(axis=1)
            gap_right = np.where(others > c[:, None], others - c[:, None], np.inf).min(axis=1)
            half_left[:, k] = np.fmin(half_left[:, k], gap_left)
            half_right[:, k] = np.fmin(half_right[:, k], gap_right)
    return half_left, half_right


def _find_centers(xs, signal, values, center_cols, missing, span, dx):
    """Fill the missing centers from the most prominent maxima, one spectrum at a time."""
    from scipy.signal import find_peaks

    known_cols = [c for k, c in enumerate(center_cols) if k not in missing]
    exclusion = max(3.0 * dx, span / 100.0)
    for b in range(signal.shape[0]):
        s = signal[b]
        rng = float(s.max() - s.min())
        idx, props = find_peaks(s, prominence=0.01 * rng if rng > 0 else None)
        prominence = props.get("prominences", np.zeros(idx.size))
        keep = np.ones(idx.size, dtype=bool)
        for col in known_cols:
            if np.isfinite(values[b, col]):
                keep &= np.abs(xs[idx] - values[b, col]) > exclusion
        idx, prominence = idx[keep], prominence[keep]
        chosen = list(xs[idx[np.argsort(-prominence, kind="stable")][:len(missing)]])
        fallback = iter(xs[0] + span * (np.arange(1, len(missing) + 1) / (len(missing) + 1)))
        while len(chosen) < len(missing):
            chosen.append(next(fallback))
        for k, c in zip(missing, sorted(chosen)):
            values[b, center_cols[k]] = c


def _linear_guess(layout, xs, ys, vs, values, need, heights):
    """Least-squares amplitudes and background coefficients with the rest held fixed."""
    amp_cols = [cols.start for *_, cols in layout.peaks]
    bg_cols = list(range(layout.background_cols.start, layout.background_cols.stop))
    linear = amp_cols + bg_cols
    unknown = [i for i in linear if need[i]]
    if not unknown:
        return
    pos = {i: k for k, i in enumerate(unknown)}
    n_spec, n = ys.shape
    n_unknown = len(unknown)
    # parameter-major design rows, the right-hand side as the last row (one Gram product)
    rows = np.zeros((padded_rows(n_unknown + 1), n_spec, n))
    rhs = rows[n_unknown]
    rhs[:] = ys
    basis = layout.model.background.basis(xs, layout.domain)
    unit_area_per_height = {}
    for k, (shape, amplitude_type, cols) in enumerate(layout.peaks):
        theta = [values[:, c:c + 1] for c in range(cols.start + 2, cols.stop)]
        center = values[:, cols.start + 1:cols.start + 2]
        column = shape.evaluate(xs, 1.0, center, theta, amplitude_type)
        if amplitude_type == "area":
            unit_area_per_height[k] = shape.area_per_height(theta)[0][:, 0]
        _add_column(layout, cols.start, column, pos, values, rows, rhs)
    for k, i in enumerate(bg_cols):
        _add_column(layout, i, np.broadcast_to(basis[k], (n_spec, n)), pos, values, rows, rhs)
    if vs is not None:
        rows[:n_unknown + 1] *= vs[None]
    gram = batched_gram(rows)
    norms = np.sqrt(np.maximum(gram[:, np.arange(n_unknown), np.arange(n_unknown)], 0.0))
    norms = np.where(norms > 0, norms, 1.0)
    normal = gram[:, :n_unknown, :n_unknown] / (norms[:, :, None] * norms[:, None, :])
    normal += 1e-10 * np.eye(n_unknown)
    right = gram[:, :n_unknown, n_unknown:n_unknown + 1] / norms[:, :, None]
    coef = np.linalg.solve(normal, right)[:, :, 0] / norms
    coef = np.where(np.isfinite(coef), coef, 0.0)
    for i, k in pos.items():
        values[:, i] = coef[:, k]
    for k, (_, amplitude_type, cols) in enumerate(layout.peaks):
        i = cols.start
        if i not in pos:
            continue
        fallback = np.maximum(0.1 * heights[:, k], 1e-3 * np.abs(ys).max(axis=1) + 1e-300)
        if amplitude_type == "area":
            fallback = fallback * unit_area_per_height[k]
        values[:, i] = np.where(values[:, i] > 0, values[:, i], fallback)


def _add_column(layout, i, column, pos, values, rows, rhs):
    """Route the unit-amplitude column of parameter ``i`` to a design row or subtract it from
    the right-hand side (when its coefficient is known)."""
    if i in layout.roots:
        root, scale, offset = layout.roots[i]
        if offset:
            rhs -= offset * column
        if root in pos:
            rows[pos[root]] += scale * column
        else:
            rhs -= (scale * np.nan_to_num(values[:, root]))[:, None] * column
    elif i in pos:
        rows[pos[i]] += column
    else:
        rhs -= np.nan_to_num(values[:, i])[:, None] * column
