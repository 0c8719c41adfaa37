"""The spike kernels evaluated only where they can act (masked channels, candidate maxima,
channels beside a spike) against plain per-spectrum references."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.raman import _spike_kernels as K


def _interp_reference(x, y, mask):
    out = y.copy()
    for row in range(y.shape[0]):
        m = mask[row]
        if not m.any():
            continue
        free = np.flatnonzero(~m)
        if free.size == 0:
            out[row, m] = y[row, -1]
            continue
        # np.interp holds the end values outside the unmasked range, as the kernel does
        out[row, m] = np.interp(x[m], x[free], y[row, free])
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_interpolate_masked_equals_per_row_interpolation(seed):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.uniform(0.5, 1.5, 200))           # uneven axis
    y = rng.normal(100.0, 10.0, (40, 200))
    mask = rng.random((40, 200)) < 0.08
    mask[0, :5] = True                                   # no left neighbour
    mask[1, -4:] = True                                  # no right neighbour
    mask[2, :] = True                                    # masked throughout
    mask[3, :] = False                                   # nothing masked
    got = K.interpolate_masked(x, y, mask)
    np.testing.assert_allclose(got, _interp_reference(x, y, mask), rtol=1e-12, atol=1e-9)
    assert np.array_equal(got[~mask], y[~mask])
    assert np.array_equal(got[2], np.full(200, y[2, -1]))


def test_interpolate_masked_one_spectrum_and_no_mask():
    x = np.arange(10.0)
    y = np.arange(10.0) ** 2
    mask = np.zeros(10, dtype=bool)
    mask[4] = True
    got = K.interpolate_masked(x, y, mask)
    assert got.shape == (10,) and got[4] == pytest.approx((9 + 25) / 2)
    assert np.array_equal(K.interpolate_masked(x, y, np.zeros(10, bool)), y)


def _spectra(seed=0, n=300, b=64):
    rng = np.random.default_rng(seed)
    x = np.linspace(100.0, 400.0, n)
    band = 2000.0 / (1 + ((x[None, :] - rng.uniform(150, 350, (b, 1))) / 4.0) ** 2)
    y = rng.poisson(200.0 + band).astype(float)
    spikes = rng.integers(10, n - 10, b)
    y[np.arange(b), spikes] += rng.uniform(300, 3000, b)
    return x, y, spikes


def test_narrow_peaks_where_restricts_exactly():
    x, y, _ = _spectra()
    smooth = K.running_median(y, 10)
    sigma = np.sqrt(K.local_variance(y, smooth))
    kw = dict(threshold=6.0, max_width=3, min_band_fwhm=2.0 * (x[1] - x[0]), y=y,
              pair_sigma=sigma)
    full = K.narrow_peaks(x, y - smooth, sigma, **kw)
    rng = np.random.default_rng(5)
    where = rng.random(y.shape) < 0.5
    assert np.array_equal(K.narrow_peaks(x, y - smooth, sigma, where=where, **kw), full & where)
    assert np.array_equal(K.narrow_peaks(x, y - smooth, sigma, where=np.ones_like(where), **kw),
                          full)
    assert full.sum() >= 60                      # the 64 injected spikes, nearly all
    assert not K.narrow_peaks(x, y - smooth, sigma, where=np.zeros_like(where), **kw).any()


def test_grow_wings_joins_a_spike_shoulder_not_a_sloping_background():
    x = np.arange(40.0)
    flat = np.full(40, 100.0)
    spike = flat.copy()
    spike[20], spike[21] = 1000.0, 400.0                 # core 20, wing 21 above the chord
    ramp = 100.0 + 30.0 * x                              # channels beside the core on a line
    ramp[20] += 900.0
    y = np.stack([spike, ramp])
    core = np.zeros((2, 40), dtype=bool)
    core[:, 20] = True
    mask = K.grow_wings(x, y, core, 10.0, 3)
    assert np.flatnonzero(mask[0]).tolist() == [20, 21]
    assert np.flatnonzero(mask[1]).tolist() == [20]
    # the width limit and 'allowed' are respected
    assert np.flatnonzero(K.grow_wings(x, y, core, 10.0, 1)[0]).tolist() == [20]
    assert np.flatnonzero(K.grow_wings(x, y, core, 10.0, 3, allowed=np.zeros((2, 40), bool))[0]
                          ).tolist() == [20]
