"""xrd.fit_pattern: Kα1/Kα2 doublet fits of synthetic Si / CoSi2 patterns, Scherrer sizes."""

import numpy as np
import pytest

from characterization import xrd
from characterization.xrd.peaks import _example_pattern

SI = [28.44, 47.30, 56.12]
LAM1 = 1.540598


def _scherrer_fwhm(size_nm, centers, k=0.9):
    theta = np.deg2rad(np.asarray(centers)) / 2
    return np.rad2deg(k * LAM1 / 10 / (size_nm * np.cos(theta)))


def test_si_doublets_positions_and_widths():
    fwhm = (0.10, 0.13, 0.16)
    ds = _example_pattern(n_sample=4, seed=3, centers=SI, fwhm=fwhm, area=(60, 40, 30))
    res = xrd.fit_pattern(ds, peaks=[c + 0.02 for c in SI])
    assert bool(res.success.all())
    scale = 1.0 + 0.05 * np.arange(4)[:, None]
    np.testing.assert_allclose(res.center.values, np.broadcast_to(SI, (4, 3)), atol=0.005)
    np.testing.assert_allclose(res.fwhm.values, np.asarray(fwhm) * scale, rtol=0.02)
    np.testing.assert_allclose(res.eta.values, 0.5, atol=0.15)
    assert np.all(res.eta_stderr.values > 0)
    assert float(res.wavelength) == LAM1
    assert res.attrs["kalpha2"] == 1


def test_scherrer_size_recovered():
    size = 40.0
    fwhm = _scherrer_fwhm(size, SI)
    ds = _example_pattern(n_sample=3, seed=5, centers=SI, fwhm=fwhm, area=(80, 50, 40))
    res = xrd.fit_pattern(ds, peaks=SI)
    out = xrd.scherrer(res, k=0.9)
    sizes = out.crystallite_size.values[0]       # sample 0 has exactly the generated widths
    np.testing.assert_allclose(sizes, size, rtol=0.03)


def test_ignoring_kalpha2_biases_widths():
    ds = _example_pattern(n_sample=3, seed=1, centers=SI)
    single = xrd.fit_pattern(ds, peaks=SI, kalpha2=False)
    doublet = xrd.fit_pattern(ds, peaks=SI)
    assert single.attrs["kalpha2"] == 0
    assert np.all(single.fwhm.values > doublet.fwhm.values)


def test_overlapping_si_cosi2_pairs():
    # CoSi2 111/220/311 sit ~0.36 deg above the Si reflections (a = 5.365 vs 5.431 Å)
    cosi2 = [c + 0.36 for c in SI]
    centers = [v for pair in zip(SI, cosi2) for v in pair]
    ds = _example_pattern(n_sample=3, seed=7, centers=centers, fwhm=(0.1, 0.15) * 3,
                          area=(60, 30, 40, 20, 30, 15))
    res = xrd.fit_pattern(ds, peaks=[c - 0.01 for c in centers],
                          names=["Si111", "CoSi2_111", "Si220", "CoSi2_220", "Si311",
                                 "CoSi2_311"])
    assert bool(res.success.all())
    np.testing.assert_allclose(res.center.values, np.broadcast_to(centers, (3, 6)), atol=0.01)
    assert list(res.peak.values)[:2] == ["Si111", "CoSi2_111"]


def test_errors():
    ds = _example_pattern(n_sample=3)
    with pytest.raises(Exception):
        xrd.fit_pattern(ds, peaks=[])
    with pytest.raises(Exception):
        xrd.fit_pattern(ds, peaks=SI, shape="bwf")
