"""Numpy kernels of cosmic-ray spike detection (see :mod:`characterization.raman.spikes`).

Every kernel works on float arrays with the channel (signal) axis last and any number of
leading batch axes, and returns ``(cleaned, mask, noise, z)``: the cleaned data, the replaced
channels, the noise standard deviation per channel and the detection score (z) per channel.
Spectra containing non-finite values are returned unchanged with an empty mask and NaN noise
and scores. scipy is imported inside the functions.
"""

from __future__ import annotations

import numpy as np

_MAD_TO_SIGMA = 1.4826          # sigma of a normal distribution / its median absolute deviation
_TRIM_25 = 0.991                # mean of chi-square(1) below 25 x its median, relative to 1
_SPREAD_HALF = 1                # neighbour spread is max-filtered over +-1 channel
#: Spectra the single-spectrum detector works on at once: its ~40 passes over (rows x channels)
#: arrays stay in cache (1024 x 1000 channels: 0.20 ms per spectrum at once, 0.16 in blocks
#: of 128, 0.20 in blocks of 32); the results do not depend on it.
_ROW_BLOCK = 128


# ---------------------------------------------------------------------- small array tools
def shift(a: np.ndarray, k: int, fill=np.nan) -> np.ndarray:
    """``out[..., i] = a[..., i + k]`` along the last axis, ``fill`` outside."""
    out = np.full_like(a, fill)
    n = a.shape[-1]
    if k > 0:
        out[..., :n - k] = a[..., k:]
    elif k < 0:
        out[..., -k:] = a[..., :n + k]
    else:
        out[...] = a
    return out


def running_median(y: np.ndarray, half: int) -> np.ndarray:
    """Median over ``2 * half + 1`` channels along the last axis (edges: nearest value)."""
    from scipy.ndimage import median_filter

    # one 1-D filter per spectrum: scipy's 1-D rank filter is about 6x faster than the n-D
    # one with a (1, ..., 1, w) footprint, and gives the same values
    size = 2 * int(half) + 1
    flat = np.asarray(y).reshape(-1, y.shape[-1])
    out = np.empty_like(flat)
    for i, row in enumerate(flat):
        out[i] = median_filter(row, size=size, mode="nearest")
    return out.reshape(y.shape)


def running_max(y: np.ndarray, half: int) -> np.ndarray:
    from scipy.ndimage import maximum_filter1d

    return maximum_filter1d(y, size=2 * int(half) + 1, axis=-1, mode="nearest")


def grow(core: np.ndarray, allowed: np.ndarray, steps: int) -> np.ndarray:
    """Extend ``core`` by up to ``steps`` contiguous channels on each side where ``allowed``."""
    mask = core.copy()
    for _ in range(int(steps)):
        near = shift(mask, 1, False) | shift(mask, -1, False)
        new = mask | (near & allowed)
        if np.array_equal(new, mask):
            break
        mask = new
    return mask


def count_runs(mask: np.ndarray) -> np.ndarray:
    """Number of contiguous True runs along the last axis (= spikes per spectrum)."""
    starts = mask & ~shift(mask, -1, False)
    return starts.sum(axis=-1).astype(np.int64)


def interpolate_masked(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Replace masked channels by linear interpolation between the nearest unmasked ones.

    ``x`` (N,), ``y`` and ``mask`` (..., N). A masked channel with unmasked channels on one
    side only takes the nearest of them; a spectrum masked throughout keeps its last value.
    Only the masked channels are visited (their neighbours are found by a binary search
    among the unmasked ones).
    """
    if not mask.any():
        return y.copy()
    n = y.shape[-1]
    flat_y = y.reshape(-1, n)
    out = flat_y.copy()
    rows, i = np.nonzero(mask.reshape(-1, n))
    free = np.flatnonzero(~mask.reshape(-1, n))      # unmasked channels, row-major flat index
    here = rows * n
    if free.size:
        pos = np.searchsorted(free, here + i)
        left = free[np.clip(pos - 1, 0, free.size - 1)] - here
        right = free[np.clip(pos, 0, free.size - 1)] - here
        has_l = (pos > 0) & (left >= 0) & (left < n)
        has_r = (pos < free.size) & (right >= 0) & (right < n)
    else:
        left = right = np.zeros_like(i)
        has_l = has_r = np.zeros(i.shape, dtype=bool)
    li, ri = np.where(has_l, left, 0), np.where(has_r, right, n - 1)
    yl, yr = flat_y[rows, li], flat_y[rows, ri]
    xl, xr_, xi = x[li], x[ri], x[i]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(xr_ != xl, (xi - xl) / (xr_ - xl), 0.0)
    out[rows, i] = np.where(has_l & has_r, yl + t * (yr - yl), np.where(has_l, yl, yr))
    return out.reshape(y.shape)


def band_floor(distance: np.ndarray, fwhm: float) -> np.ndarray:
    """Lowest relative height a band of FWHM >= ``fwhm`` can have at ``distance`` from its center.

    The minimum of a Gaussian and a Lorentzian of that FWHM: the Lorentzian is the lower inside
    the half width, the Gaussian outside; Voigt and pseudo-Voigt profiles lie in between.
    """
    u = (2.0 * np.asarray(distance) / fwhm) ** 2
    return np.minimum(np.exp(-np.log(2.0) * u), 1.0 / (1.0 + u))


def _finite_rows(y: np.ndarray) -> np.ndarray:
    return np.isfinite(y).all(axis=-1)


# ---------------------------------------------------------------------- single spectrum
def single(y: np.ndarray, x: np.ndarray, *, threshold: float, max_width: int,
           min_band_fwhm: float, n_sigma: float = 4.0, guard_sigma: float = 3.0,
           tolerance: float = 0.05, half_window: int = 10):
    """Whitaker–Hayes candidates, then the width limit and the band-profile guard.

    ``y`` is (..., N); returns ``(cleaned, mask, noise, z)``. See
    :func:`~.spikes.remove_spikes`.
    """
    shape = y.shape
    y2 = y.reshape(-1, shape[-1]).astype(float)
    ok = _finite_rows(y2)
    clean = y2.copy()
    mask = np.zeros(y2.shape, dtype=bool)
    noise, z = np.full(y2.shape, np.nan), np.full(y2.shape, np.nan)
    if ok.any() and shape[-1] >= 5:
        rows = np.flatnonzero(ok)
        for start in range(0, rows.size, _ROW_BLOCK):      # every step is per spectrum
            r = rows[start:start + _ROW_BLOCK]
            c, m, s, zz = _single_rows(y2[r], x, threshold, max_width, min_band_fwhm, n_sigma,
                                       guard_sigma, tolerance, half_window)
            clean[r], mask[r], noise[r], z[r] = c, m, s, zz
    return tuple(a.reshape(shape) for a in (clean, mask, noise, z))


def _single_rows(y, x, threshold, max_width, min_band_fwhm, n_sigma, guard_sigma, tolerance,
                 half_window):
    smooth = running_median(y, half_window)
    sigma = np.sqrt(local_variance(y, smooth))                    # read + shot noise per channel
    diff = np.diff(y, axis=-1)                                    # (B, N-1)
    med = np.median(diff, axis=-1, keepdims=True)
    mad = np.median(np.abs(diff - med), axis=-1, keepdims=True)
    tiny = 1e-12 * np.maximum(np.max(np.abs(y), axis=-1, keepdims=True), 1.0)
    mad = np.maximum(mad, tiny)
    z = 0.6745 * (diff - med) / mad                               # Whitaker & Hayes (2018)
    # the same test against the local noise (shot noise varies along the spectrum: one MAD
    # of the whole spectrum hides spikes where the signal is low)
    local = diff / np.sqrt(sigma[:, 1:] ** 2 + sigma[:, :-1] ** 2)
    cand = np.zeros(y.shape, dtype=bool)
    cand[:, 1:] |= (z > threshold) | (local > threshold)          # big step up into channel i
    cand[:, :-1] |= (z < -threshold) | (local < -threshold)       # big step down after i
    near = grow(cand, np.ones_like(cand), max_width - 1)

    score = (y - smooth) / sigma
    # the joint shoulder test measures against at least the spectrum-wide noise (from the
    # MAD of the first differences): the read + shot noise model can underestimate it on a
    # flat spectrum, and the joint test is the one that acts on spikes of 10-20 sigma
    pair_sigma = np.maximum(sigma, _MAD_TO_SIGMA * mad / np.sqrt(2.0))
    core = narrow_peaks(x, y - smooth, sigma, threshold=threshold, max_width=max_width,
                        min_band_fwhm=min_band_fwhm, n_sigma=guard_sigma, tolerance=tolerance,
                        y=y, pair_sigma=pair_sigma, where=near)
    # wings must stand out by 4 sigma and by 10 % of the spike (not the top of a band under it)
    level = running_max(np.where(core, y - smooth, 0.0), max_width - 1)
    mask = grow_wings(x, y, core, np.maximum(n_sigma * sigma, 0.1 * level), max_width)
    return interpolate_masked(x, y, mask), mask, sigma, score


class _At:
    """Values of (B, N) arrays at channel ``p + k`` of the tested positions ``(b, p)``.

    ``at(a, k, fill)`` equals ``shift(a, k, fill)[b, p]``: the guard needs every quantity only
    at the few candidate maxima of a batch (about one per spectrum), so it is evaluated there
    instead of on every channel (the same arithmetic, element by element).
    """

    def __init__(self, b: np.ndarray, p: np.ndarray, n: int):
        self.b, self.p, self.n = b, p, n

    def inside(self, k: int) -> np.ndarray:
        q = self.p + k
        return (q >= 0) & (q < self.n)

    def clipped(self, k: int) -> np.ndarray:
        return np.clip(self.p + k, 0, self.n - 1)

    def __call__(self, a: np.ndarray, k: int = 0, fill=np.nan) -> np.ndarray:
        values = a[self.b, self.clipped(k)]
        return values if k == 0 else np.where(self.inside(k), values, fill)


def _guard_reach(xs: np.ndarray, fwhm: np.ndarray, tolerance: float):
    """``(reach, backs)``: the farthest channel offset at which the profile bound is still
    positive somewhere, and per side the half-step offset ``δ`` of every channel."""
    n = xs.size
    idx = np.arange(n)
    backs = {}
    reach = 1
    for side in (-1, 1):
        back = np.abs(xs - xs[np.clip(idx - side, 0, n - 1)])
        backs[side] = np.where(back > 0, back, np.abs(xs - xs[np.clip(idx + side, 0, n - 1)]))
        for k in range(1, n):
            inside = (idx + side * k >= 0) & (idx + side * k < n)
            dist = np.abs(xs[np.clip(idx + side * k, 0, n - 1)] - xs) + 0.5 * backs[side]
            if not (inside & (band_floor(dist, fwhm) - tolerance > 0)).any():
                break
            reach = max(reach, k)
    return reach, backs


def narrow_peaks(x, excess, sigma, *, threshold, max_width, min_band_fwhm, n_sigma=3.0,
                 tolerance=0.05, y=None, pair_sigma=None, where=None):
    """Local maxima of ``excess`` (B, N) too narrow to be a band: the width limit and guard.

    A channel ``p`` qualifies if ``h = excess[p]`` is a local maximum above ``threshold``
    sigmas, at most ``max_width`` channels wide at half height (counting only channels that do
    not rise again away from ``p``), and some channel ``q`` on either side lies below
    ``h (f(|x_q - x_p| + δ/2) - tolerance) - n_sigma sigma``, ``δ`` the step from ``p`` to its
    neighbour on the other side and ``f`` :func:`band_floor` for FWHM ``min_band_fwhm`` (a
    number, or one per channel): no band that wide can fall off that fast. Distances are
    taken on the real axis, whose spacing may change across the spectrum. With ``y`` (the
    spectrum itself) the profile test measures ``h`` and the channels beside ``p`` above the
    lower of the running median (``y - excess``) and the chord of ``y`` between the first
    channels where the bound vanishes on either side: a running median can cut through a
    band in a dense band region (its top then pokes out of the median like a spike); a lower
    baseline only makes the test stricter, so bands stay protected. ``where`` (B, N bool)
    restricts the test to those channels (the others are False). The width and profile
    tests are evaluated only at the local maxima (:class:`_At`).
    """
    left, right = shift(excess, -1, -np.inf), shift(excess, 1, -np.inf)
    peak = (excess >= left) & (excess >= right) & (excess > threshold * sigma)
    if where is not None:
        peak &= where
    out = np.zeros(excess.shape, dtype=bool)
    b, p = np.nonzero(peak)
    if b.size:
        xs = np.asarray(x, dtype=float)
        fwhm = np.broadcast_to(np.asarray(min_band_fwhm, dtype=float), (xs.size,))
        out[b, p] = _narrow_at(xs, fwhm, excess, sigma, _At(b, p, xs.size),
                               threshold=threshold, max_width=max_width, n_sigma=n_sigma,
                               tolerance=tolerance, y=y, pair_sigma=pair_sigma)
    return out


def _narrow_at(xs, fwhm, excess, sigma, at: _At, *, threshold, max_width, n_sigma, tolerance,
               y, pair_sigma):
    """The width limit and the profile guard of :func:`narrow_peaks` at the positions ``at``."""
    n, p = xs.size, at.p
    h = at(excess)
    width = np.ones(p.size, dtype=int)
    for side in (-1, 1):
        run = np.ones(p.size, dtype=bool)
        previous = h
        for k in range(1, max_width + 1):
            current = at(excess, side * k, -np.inf)
            run &= (current > h / 2) & (current <= previous + 2.0 * at(sigma, side * k, 0.0))
            width += run
            previous = current
    narrow = width <= max_width

    # distances on the real axis (its spacing changes across a spectrum): a band whose highest
    # sampled channel is p has its center within half the step to p's neighbour, so channel
    # p + k (side +1) is at most |x[p+k] - x[p]| + |x[p] - x[p-1]| / 2 from it
    reach, backs = _guard_reach(xs, fwhm, tolerance)
    fw = fwhm[p]
    if y is None:
        top = h

        def height_at(k):       # the excess of channel p + k over the baseline of p's test
            return at(excess, k, np.nan)
    else:                       # heights above the chord between p - m and p + m
        y = np.asarray(y, dtype=float)
        m = reach + 1
        lo, hi = np.clip(p - m, 0, n - 1), np.clip(p + m, 0, n - 1)
        span = xs[hi] - xs[lo]
        y_lo = y[at.b, lo]
        slope = np.where(span != 0, (y[at.b, hi] - y_lo) / np.where(span != 0, span, 1.0),
                         0.0)

        def chord(q):       # the lower of the chord and the running median at channel q
            return np.minimum(y_lo + slope * (xs[q] - xs[lo]), y[at.b, q] - excess[at.b, q])

        top = at(y) - chord(p)
        above = {}

        def above_chord(k):     # y - chord at channel p + k (clipped), computed once per k
            if k not in above:
                far = at.clipped(k)
                above[k] = y[at.b, far] - chord(far)
            return above[k]

        def height_at(k):
            return np.where(at.inside(k), above_chord(k), np.nan)
    too_narrow = np.zeros(p.size, dtype=bool)
    for k in range(1, reach + 1):
        for side in (-1, 1):
            far = at.clipped(side * k)
            dist = np.abs(xs[far] - xs[p]) + 0.5 * backs[side][p]
            floor = band_floor(dist, fw) - tolerance
            live = (floor > 0) & at.inside(side * k)
            if y is None:
                beside = at(excess, side * k, np.inf)
            else:
                beside = np.where(live, above_chord(side * k), np.inf)
            bound = top * np.where(live, floor, 0.0) - n_sigma * at(sigma, side * k, 0.0)
            too_narrow |= live & (beside < bound)
    if pair_sigma is not None:
        wide_enough = top > threshold * at(pair_sigma)
        too_narrow |= (_shoulders_too_low(xs, fw, top, sigma, at, n_sigma, tolerance,
                                          height_at) & wide_enough)
        too_narrow |= (_no_band_center(xs, fw, top, sigma, at, n_sigma, tolerance, height_at,
                                       reach) & wide_enough)
    too_narrow &= top > 0
    return narrow & too_narrow


def _steps(xs):
    """The step to the left and to the right of every channel (0 at the ends)."""
    n = xs.size
    idx = np.arange(n)
    return (np.abs(xs - xs[np.clip(idx - 1, 0, n - 1)]),
            np.abs(xs[np.clip(idx + 1, 0, n - 1)] - xs))


def _shoulders_too_low(xs, fw, top, sigma, at, n_sigma, tolerance, height_at):
    """Positions whose two neighbours *together* lie below what a band of FWHM >= ``fw``
    needs: the joint form of the profile guard (issue 10, spikes of 10-30 sigma).

    Wherever the center of a band lies (within half a step of its highest channel ``p``), its
    two neighbours hold at least ``F = min_s f(d_left) + f(d_right)`` of its height (``f``
    :func:`band_floor`, ``d`` the distances to the center shifted by ``s``); one side alone
    may fall to ``f`` at one and a half steps, which is what the per-side test must allow, so
    a spike of 10-20 sigma is tested against about 0.2 of its height per side but against
    about 1.0 of it for the pair. Flagged when the sum of the neighbours is below
    ``(F - 2 tolerance) top`` by more than ``n_sigma`` standard deviations of that difference.
    """
    n, p = xs.size, at.p
    hl, hr = (step[p] for step in _steps(xs))
    floor = np.full(p.size, np.inf)
    for t in np.linspace(-0.5, 0.5, 21):
        s = np.where(t < 0, t * hl, t * hr)
        floor = np.minimum(floor, band_floor(hl + s, fw) + band_floor(hr - s, fw))
    floor = floor - 2.0 * tolerance
    left, right = height_at(-1), height_at(1)
    spread = n_sigma * np.sqrt(at(sigma, -1, np.inf) ** 2 + at(sigma, 1, np.inf) ** 2
                               + (floor * at(sigma)) ** 2)
    with np.errstate(invalid="ignore"):
        return ((p >= 1) & (p < n - 1) & (floor > 0) & (hl > 0) & (hr > 0)
                & np.isfinite(left + right) & (left + right < top * floor - spread))


def _no_band_center(xs, fw, top, sigma, at, n_sigma, tolerance, height_at, reach):
    """Positions where no band of FWHM >= ``fw`` fits, wherever its center: the per-side
    guard with one center for both sides.

    The per-side guard must let each side take the center offset (up to half a step) that
    suits it best, so a 2-channel spike ``[1, 0.8]`` passes: towards its tall neighbour it
    looks like an off-center band, away from it like a centered one. Here the center offset
    ``s`` is shared: for every ``s`` (11 values across the half steps) some channel within
    ``reach`` must lie below ``(f(d) - tolerance) top - n_sigma sigma`` (``f``
    :func:`band_floor`, ``d`` its distance to ``x_p + s``) for the position to be flagged.
    """
    p = at.p
    hl, hr = (step[p] for step in _steps(xs))
    near = {}
    for side in (-1, 1):
        for k in range(1, reach + 1):
            inside = at.inside(side * k)
            seen = np.where(inside, height_at(side * k), np.inf)
            near[side * k] = (np.abs(xs[at.clipped(side * k)] - xs[p]), inside,
                              seen + n_sigma * at(sigma, side * k, np.inf))
    out = (hl > 0) & (hr > 0) & (top > 0)
    for t in np.linspace(-0.5, 0.5, 11):
        s = np.where(t < 0, t * hl, t * hr)             # the center at x_p + s
        some = np.zeros(top.shape, dtype=bool)
        for k, (dist, inside, seen) in near.items():
            d = np.abs(np.sign(k) * dist - s)
            floor = band_floor(d, fw) - tolerance
            some |= inside & (floor > 0) & (seen < top * floor)
        out &= some
        if not out.any():
            break
    return out


def local_variance(y: np.ndarray, smooth: np.ndarray, n_bins: int = 8) -> np.ndarray:
    """Noise variance per channel, ``a + b max(smooth, 0)``, from second differences.

    ``(y_{i-1} - 2 y_i + y_{i+1})^2 / 6`` estimates the variance of white noise and cancels
    slopes (and, nearly, broad bands); :func:`variance_model` fits it on trimmed bin means
    (robust to spikes and to the few channels of sharp bands).
    """
    d2 = np.zeros_like(y)
    d2[:, 1:-1] = (y[:, :-2] - 2 * y[:, 1:-1] + y[:, 2:]) ** 2 / 6.0
    d2[:, 0], d2[:, -1] = d2[:, 1], d2[:, -2]
    return variance_model(smooth, d2, n_bins)


def grow_wings(x, y, core, noise, max_width, allowed=None):
    """Add the lower channels of a spike (its wings) to the ``core`` mask.

    A channel next to a masked block joins it if it stands above the straight line between
    the next channel outwards and the first unmasked channel on the other side of the block by
    more than ``noise`` (and the block stays within ``max_width`` channels, and ``allowed``).
    Band flanks are convex or follow that line, so they do not join; wings that stand out from
    it do. (The concave top of a band can stand above it: callers raise ``noise`` near a
    tall core or restrict ``allowed``.) ``y``, ``core`` are (B, N); ``noise`` and ``allowed``
    broadcast to them. Only the channels beside a block are tested.
    """
    mask = core.copy()
    n = y.shape[-1]
    noise = np.broadcast_to(noise, y.shape)
    for _ in range(max_width - 1):
        new = mask.copy()
        for side in (1, -1):                 # side=1: channel right of a block, -1: left of it
            b, i = np.nonzero(~mask & shift(mask, -side, False))
            if not b.size:
                continue
            # length of the masked block beside i, and the unmasked channel beyond it (anchor)
            blen = np.zeros(i.size, dtype=int)
            going = np.ones(i.size, dtype=bool)
            for step in range(max_width):
                q = i - side * (1 + step)
                going &= (q >= 0) & (q < n) & mask[b, np.clip(q, 0, n - 1)]
                blen += going
            anchor = i - side * (1 + blen)
            outer = i + side
            valid = ((anchor >= 0) & (anchor < n) & (outer >= 0) & (outer < n)
                     & (blen < max_width))
            if allowed is not None:
                valid &= np.broadcast_to(allowed, y.shape)[b, i]
            a, o = np.clip(anchor, 0, n - 1), np.clip(outer, 0, n - 1)
            ya, yo = y[b, a], y[b, o]
            with np.errstate(invalid="ignore", divide="ignore"):
                pred = yo + (ya - yo) * (x[i] - x[o]) / (x[a] - x[o])
                join = valid & (y[b, i] - pred > noise[b, i])
            new[b[join], i[join]] = True
        if np.array_equal(new, mask):
            break
        mask = new
    return mask


# ---------------------------------------------------------------------- accumulations
def accumulations(y: np.ndarray, *, threshold: float, n_bins: int = 8):
    """Spikes in repeated accumulations: ``y`` is (..., A, N), A >= 2.

    Reference: per-channel median over the A accumulations; the noise of the deviation from it
    is modelled as ``var = alpha + beta * max(ref, 0)`` (read + shot noise), fitted per spectrum
    by :func:`variance_model`, so strong bands do not raise false alarms.
    """
    shape = y.shape
    a, n = shape[-2], shape[-1]
    y3 = y.reshape(-1, a, n).astype(float)
    ok = np.isfinite(y3).all(axis=(-2, -1))
    clean = y3.copy()
    mask = np.zeros(y3.shape, dtype=bool)
    noise, z = np.full(y3.shape, np.nan), np.full(y3.shape, np.nan)
    if ok.any():
        c, m, s, zz = _accumulation_rows(y3[ok], threshold, n_bins)
        clean[ok], mask[ok], noise[ok], z[ok] = c, m, s, zz
    return tuple(v.reshape(shape) for v in (clean, mask, noise, z))


def _accumulation_rows(y, threshold, n_bins):
    b, a, n = y.shape
    ref = np.median(y, axis=1)                                    # (B, N)
    dev = y - ref[:, None, :]
    var = variance_model(ref, (dev ** 2).mean(axis=1), n_bins)    # (B, N)
    z = dev / np.sqrt(var)[:, None, :]
    core = z > threshold                                          # cosmic rays only add counts
    mask = grow(core, z > threshold / 2, n)
    good = ~mask
    with np.errstate(invalid="ignore", divide="ignore"):
        replacement = np.where(good, y, 0.0).sum(axis=1) / good.sum(axis=1)
    replacement = np.where(np.isfinite(replacement), replacement, ref)
    noise = np.broadcast_to(np.sqrt(var)[:, None, :], y.shape)
    return np.where(mask, replacement[:, None, :], y), mask, noise, z


def variance_model(ref, d2, n_bins=8):
    """Fit ``var = a + b max(ref, 0)`` (b >= 0) per row to squared deviations ``d2``.

    ``d2`` (B, N) are squared zero-mean Gaussian deviations (one chi-square(1) variate each,
    times the variance). Channels are binned by ``ref``; per bin the variance is the mean of
    ``d2`` below 25 x its median (spikes left out; /0.991 corrects the trimming), and the
    line is fitted by least squares weighted by the inverse squared bin variance. ``a`` may be
    negative (counts on a detector offset); the result is floored at half the lowest bin
    variance.
    """
    b, n = ref.shape
    nb = int(max(1, min(n_bins, n // 16)))
    order = np.argsort(ref, axis=-1)
    r_sorted = np.take_along_axis(ref, order, -1)
    d2 = np.take_along_axis(d2, order, -1)
    edges = np.linspace(0, n, nb + 1).astype(int)
    rb, vb = [], []
    for i, j in zip(edges[:-1], edges[1:]):
        block = d2[:, i:j]
        keep = block < 25.0 * np.median(block, axis=-1, keepdims=True)
        count = np.maximum(keep.sum(-1), 1)
        vb.append(np.where(keep, block, 0.0).sum(-1) / count / _TRIM_25)
        rb.append(np.median(r_sorted[:, i:j], axis=-1))
    rb, vb = np.maximum(np.stack(rb, -1), 0.0), np.stack(vb, -1)
    tiny = 1e-12 * np.maximum(np.abs(ref).max(-1), 1.0) ** 2
    vb = np.maximum(vb, tiny[:, None])
    if nb >= 2:
        w = 1.0 / vb ** 2
        sw = w.sum(-1, keepdims=True)
        rm, vm = (w * rb).sum(-1, keepdims=True) / sw, (w * vb).sum(-1, keepdims=True) / sw
        sxx = (w * (rb - rm) ** 2).sum(-1)
        beta = np.where(sxx > 0, (w * (rb - rm) * (vb - vm)).sum(-1) / np.where(sxx > 0, sxx, 1),
                        0.0)
        beta = np.maximum(beta, 0.0)
        alpha = vm[:, 0] - beta * rm[:, 0]
    else:
        beta, alpha = np.zeros(b), vb[:, 0]
    # The intercept is not clamped: counts on a detector offset (bias) give a negative one
    # (var = read^2 + gain (level - offset)); clamping it while keeping the slope would
    # overestimate the noise everywhere. The variance is floored instead at half the lowest
    # measured bin variance (a line extrapolated below the observed levels cannot go to 0).
    floor = 0.5 * vb.min(-1)
    return np.maximum(alpha[:, None] + beta[:, None] * np.maximum(ref, 0.0), floor[:, None])


# ---------------------------------------------------------------------- neighbours
def highpass(y: np.ndarray, half_window: int):
    """``(y - running median, running median)``; non-finite spectra give NaN."""
    y = np.asarray(y, dtype=float)
    flat = y.reshape(-1, y.shape[-1])
    med = np.full_like(flat, np.nan)
    ok = _finite_rows(flat)
    if ok.any():
        med[ok] = running_median(flat[ok], half_window)
    med = med.reshape(y.shape)
    return y - med, med


def neighbours(y: np.ndarray, smooth: np.ndarray, stack: np.ndarray, *, x: np.ndarray,
               threshold: float, max_width: int, min_band_fwhm: float):
    """Compare each spectrum with the median of its neighbours.

    ``y`` and ``smooth`` (its running median) are (..., N); ``stack`` (..., K, N) holds the K
    neighbours' high-passed spectra. Returns ``(cleaned, mask, noise, z)``.
    """
    shape = y.shape
    k, n = stack.shape[-2], shape[-1]
    y2 = np.asarray(y, dtype=float).reshape(-1, n)
    s2 = np.asarray(smooth, dtype=float).reshape(-1, n)
    st = np.asarray(stack, dtype=float).reshape(-1, k, n)
    ok = _finite_rows(y2) & _finite_rows(s2) & np.isfinite(st).all(axis=(-2, -1))
    clean = y2.copy()
    mask = np.zeros(y2.shape, dtype=bool)
    noise, z = np.full(y2.shape, np.nan), np.full(y2.shape, np.nan)
    if ok.any():
        c, m, s, zz = _neighbour_rows(x, y2[ok], s2[ok], st[ok], threshold, max_width,
                                      min_band_fwhm)
        clean[ok], mask[ok], noise[ok], z[ok] = c, m, s, zz
    return tuple(v.reshape(shape) for v in (clean, mask, noise, z))


def _neighbour_rows(x, y, smooth, stack, threshold, max_width, min_band_fwhm):
    from scipy.ndimage import minimum_filter1d

    hp = y - smooth
    k = stack.shape[1]
    own = np.sqrt(local_variance(y, smooth))
    # noise of d = hp - ref: this spectrum's (read + shot) noise plus that of a median of K
    noise = own * np.sqrt(1.0 + np.pi / (2.0 * k))
    # scale every neighbour to this spectrum (median ratio over the channels where the
    # neighbours have signal), so intensity differences across the map are not outliers
    strong = np.median(stack, axis=1) > 10.0 * noise                     # (B, N)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(strong[:, None, :], hp[:, None, :] / stack, np.nan)
    enough = strong.sum(-1) >= 3
    factor = np.ones(stack.shape[:2])
    if enough.any():
        with np.errstate(invalid="ignore"):
            med = np.nanmedian(ratio[enough], axis=-1)
        factor[enough] = np.clip(np.where(np.isfinite(med), med, 1.0), 0.1, 10.0)
    scaled = stack * factor[:, :, None]
    ref = np.median(scaled, axis=1)
    spread = _MAD_TO_SIGMA * np.median(np.abs(scaled - ref[:, None, :]), axis=1)
    # a band may sit up to one channel away from where its neighbours have it: take the
    # smallest difference over the reference moved by 0, +-1/2 and +-1 channel
    d = hp - ref
    for move in (-1.0, -0.5, 0.5, 1.0):
        d = np.minimum(d, hp - _move(ref, move))
    sigma = np.maximum(running_max(spread, _SPREAD_HALF), noise)
    z = d / sigma
    core = z > threshold
    # width limit: a deviation wider than max_width channels at half its height is a band
    # (e.g. one that is only in this spectrum), not a spike
    width = np.ones(y.shape, dtype=int)
    for side in (-1, 1):
        run = np.ones(y.shape, dtype=bool)
        for j in range(1, max_width + 1):
            run &= shift(d, side * j, -np.inf) > d / 2
            width += run
    core &= width <= max_width
    # near a band of the neighbours, a change of its position or width from one spectrum to the
    # next leaves narrow difference lobes that no median absorbs: there a spike must also be
    # too narrow to be a band in this spectrum (the single-spectrum guard)
    level = np.maximum(np.median(stack, axis=1),                  # the neighbours' bands
                       minimum_filter1d(hp, max_width + 2, axis=-1, mode="nearest"))  # its own
    on_band = running_max(level, 3 * max_width) > 5.0 * noise
    narrow = narrow_peaks(x, hp, own, threshold=threshold, max_width=max_width,
                          min_band_fwhm=min_band_fwhm, y=y)
    core &= ~on_band | grow(narrow, np.ones_like(narrow), max_width - 1)
    # wings: adjacent channels above threshold / 2 (which a band the neighbours share is not);
    # on bands they must also stand out from the spectrum's own profile
    mask = grow(core & ~on_band, (z > threshold / 2) & ~on_band, max_width - 1)
    mask |= grow_wings(x, y, core & on_band, 4.0 * own, max_width, allowed=z > threshold / 2)
    return np.where(mask, smooth + ref, y), mask, sigma, z


def _move(a, channels):
    """``a`` moved by a (fractional) number of channels, linear interpolation, edges held."""
    lo = int(np.floor(channels))
    frac = channels - lo
    first = np.take(a, np.clip(np.arange(a.shape[-1]) - lo, 0, a.shape[-1] - 1), axis=-1)
    if frac == 0:
        return first
    second = np.take(a, np.clip(np.arange(a.shape[-1]) - lo - 1, 0, a.shape[-1] - 1), axis=-1)
    return (1 - frac) * first + frac * second
