"""The per-pattern kernel of :func:`characterization.xrd.phase_check`: peak finding, line
matching, and the false-match probability of each candidate phase."""

from __future__ import annotations

import numpy as np

from ._peak_positions import find_pattern_peaks, satellite_parents


def _coverage(pos, tolerance, lo, hi):
    """Fraction of [lo, hi] within ``tolerance`` of an observed position (union of intervals):
    the chance that a line at a random position is matched."""
    if pos.size == 0 or hi <= lo:
        return 0.0
    a = np.clip(np.sort(pos) - tolerance, lo, hi)
    b = np.clip(np.sort(pos) + tolerance, lo, hi)
    covered, end = 0.0, lo
    for x0, x1 in zip(a, b):
        x0 = max(x0, end)
        if x1 > x0:
            covered += x1 - x0
            end = x1
    return covered / (hi - lo)


def check_kernel(lines_phase, lines_tt, lines_int, lines_label, n_phase, mode, tolerance,
                  min_intensity, min_score, max_peaks, prominence, lams, fixed_range, n_sigma,
                  max_false_match):
    """Numpy kernel over flattened batch entries; see phase_check."""
    from scipy.stats import binom

    lam1, lam2, lam_beta = lams

    def kernel(y, x):
        batch = y.shape[:-1]
        yy = y.reshape(-1, y.shape[-1])
        xx = np.broadcast_to(x, y.shape).reshape(-1, y.shape[-1])
        m = yy.shape[0]
        matched = np.zeros((m, n_phase))
        expected = np.zeros((m, n_phase))
        weighted = np.full((m, n_phase), np.nan)
        explained = np.full((m, n_phase), np.nan)
        obs_tt = np.full((m, max_peaks), np.nan)
        assign = np.full((m, max_peaks), "", dtype=object)
        unexplained = np.zeros(m)
        n_obs = np.zeros(m)
        chance = np.full((m, n_phase), np.nan)
        for b in range(m):
            if mode == "pattern":
                ok = np.isfinite(yy[b]) & np.isfinite(xx[b])
                if ok.sum() < 5:
                    weighted[b] = explained[b] = np.nan
                    continue
                lo, hi = float(xx[b][ok].min()), float(xx[b][ok].max())
                pos, height, prom = find_pattern_peaks(xx[b], yy[b], prominence=prominence,
                                                       n_sigma=n_sigma)
                if pos.size > max_peaks:           # keep the most prominent ones
                    top = np.sort(np.argsort(prom)[::-1][:max_peaks])
                    pos, height = pos[top], height[top]
                parent, kind = satellite_parents(pos, height, lam1, lam2, lam_beta, tolerance)
            else:
                pos = np.sort(yy[b][np.isfinite(yy[b])])[:max_peaks]
                parent, kind = np.full(pos.size, -1), np.zeros(pos.size, dtype=int)
                if pos.size == 0:
                    continue
                lo, hi = pos.min() - tolerance, pos.max() + tolerance
            if fixed_range is not None:
                lo, hi = fixed_range
            primary = kind == 0
            n_obs[b] = pos.size
            obs_tt[b, :pos.size] = pos
            inside = (lines_tt >= lo) & (lines_tt <= hi)
            strong = inside & (lines_int >= min_intensity)
            dist = np.abs(pos[:, None] - lines_tt[None, :])          # (obs, line)
            near = (dist <= tolerance) & inside[None, :]
            found = np.any(near[primary], axis=0) if primary.any() else np.zeros_like(inside)
            labels = []
            for j in range(pos.size):
                if kind[j]:
                    continue
                cand = np.flatnonzero(near[j])
                if cand.size == 0:
                    labels.append("")
                    continue
                best = {}                              # nearest line of each matching phase
                for c in cand[np.argsort(dist[j, cand], kind="stable")]:
                    best.setdefault(lines_phase[c], c)
                labels.append(" + ".join(lines_label[c] for c in best.values()))
            it = iter(labels)
            for j in range(pos.size):
                if not kind[j]:
                    assign[b, j] = next(it)
            for j in range(pos.size):
                if kind[j]:
                    parent_label = assign[b, parent[j]] or f"{pos[parent[j]]:.2f}°"
                    assign[b, j] = ("Kα2" if kind[j] == 1 else "Kβ") + f" of {parent_label}"
            n_primary = int(primary.sum())
            unexplained[b] = sum(1 for j in range(pos.size) if not kind[j] and not assign[b, j])
            for p in range(n_phase):
                mine = strong & (lines_phase == p)
                expected[b, p] = mine.sum()
                matched[b, p] = (mine & found).sum()
                total = lines_int[mine].sum()
                weighted[b, p] = lines_int[mine & found].sum() / total if total > 0 else np.nan
                own = near[:, lines_phase == p].any(axis=1) & primary
                explained[b, p] = own.sum() / n_primary if n_primary else np.nan
            cover = _coverage(pos[primary], tolerance, lo, hi)
            chance[b] = np.where(expected[b] > 0,
                                 binom.sf(matched[b] - 1, expected[b], cover), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            fraction = np.where(expected > 0, matched / np.where(expected > 0, expected, 1),
                                np.nan)
        present = (np.nan_to_num(weighted) >= min_score) & (matched >= np.minimum(2, expected)) \
            & (expected > 0) & (np.nan_to_num(chance, nan=1.0) <= max_false_match)
        shape_p, shape_o = batch + (n_phase,), batch + (max_peaks,)
        return (matched.reshape(shape_p), expected.reshape(shape_p), fraction.reshape(shape_p),
                explained.reshape(shape_p), weighted.reshape(shape_p), present.reshape(shape_p),
                obs_tt.reshape(shape_o), assign.reshape(shape_o), unexplained.reshape(batch),
                n_obs.reshape(batch), chance.reshape(shape_p))
    return kernel
