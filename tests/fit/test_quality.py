"""No silent wrong answers: degenerate data, undetected peaks, parameters at a bound."""

import numpy as np
import pytest
import xarray as xr

from characterization.fit import Model, Param, Peak, fit_peaks
from characterization.fit._quality import residual_noise

X = np.linspace(1000, 1800, 500)
TWO = Model([Peak("D1", "lorentzian", center=1350), Peak("G", "lorentzian", center=1590)],
            background="constant")


def _lorentzian(area, center, fwhm):
    return area * (fwhm / 2 / np.pi) / ((X - center) ** 2 + (fwhm / 2) ** 2)


def _ds(rows):
    return xr.Dataset(
        {"intensity": (("sample", "raman_shift"), np.atleast_2d(rows),
                       {"units": "count", "long_name": "Intensity"})},
        coords={"raman_shift": ("raman_shift", X, {"units": "1/cm", "long_name": "Raman shift"})},
        attrs={"technique": "raman"})


def _failed(res, status):
    assert not bool(res.success.any())
    assert res.status.isin(status).all()
    for name in ("value", "center", "height", "area", "fwhm", "redchi"):
        assert bool(res[name].isnull().all()), name
    if "best_fit" in res:
        assert bool(res.best_fit.isnull().all())
    assert not bool(res.detected.any())


@pytest.mark.parametrize("level", [0.0, 7.5, -2.0])
def test_zeros_and_constants_are_degenerate(level):
    res = fit_peaks(_ds(np.full((3, X.size), level)), TWO)
    _failed(res, -5)
    assert "degenerate" in res.status.attrs["codes"]


@pytest.mark.parametrize("average", [1, 4])
def test_pure_noise_detects_nothing(average):
    """False-detection rate on pure noise, white and correlated over 4 points: at most 2 % of
    spectra report a peak (measured on 400 spectra per case: <= 0.25 % white, <= 1.5 %
    correlated; without the correlation factor it is 70 % for correlated noise)."""
    rng = np.random.default_rng(5)
    kernel = np.ones(average) / np.sqrt(average)     # 4: noise correlated over 4 points
    for model in (TWO, Model([Peak("A", "gaussian")], background="linear"),
                  Model([Peak("A", "lorentzian")], background="constant")):
        noise = np.array([np.convolve(w, kernel, mode="same")
                          for w in rng.normal(0, 2.0, (200, X.size))])
        res = fit_peaks(_ds(100 + noise), model, components=False)
        assert int(res.success.sum()) <= 4
        _failed(res.where(~res.success, drop=True), [-6, -1])  # nothing detected / no convergence
        assert int((res.status == -6).sum()) >= 190
        # the fit absorbs a little of the correlated noise (smooth-looking structure)
        assert float(res.noise.median()) == pytest.approx(2.0, rel=0.05 * average ** 0.5)


def test_all_nan_is_a_failure_not_a_guess():
    res = fit_peaks(_ds(np.full((2, X.size), np.nan)), TWO)
    _failed(res, -4)


def test_real_peak_next_to_a_missing_one():
    rng = np.random.default_rng(6)
    y = _lorentzian(6000, 1590, 40) + 5 + rng.normal(0, 0.3, (8, X.size))
    res = fit_peaks(_ds(y), TWO)
    assert bool(res.success.all()) and (res.status == 7).all()
    assert res.detected.sel(peak="G").all() and not res.detected.sel(peak="D1").any()
    for q in ("center", "fwhm", "height", "area"):
        assert bool(res[q].sel(peak="D1").isnull().all())
        assert bool(res[f"{q}_stderr"].sel(peak="D1").isnull().all())
    np.testing.assert_allclose(res.center.sel(peak="G"), 1590, atol=0.3)
    np.testing.assert_allclose(res.height.sel(peak="G"), 2 * 6000 / (np.pi * 40), rtol=0.01)
    # value keeps the raw numbers (for plots)
    assert bool(res.value.sel(param="D1.center").notnull().all())


def test_undefined_stderr_is_not_detected():
    from characterization.fit._quality import detected

    h = np.array([[10.0, 10.0, 10.0]])
    err = np.array([[1.0, np.nan, 4.0]])
    one = np.ones((1, 3))
    assert detected(h, err, np.array([1.0]), one, 3.0).tolist() == [[True, False, False]]
    # correlated noise (kappa 16: 4x the standard error) and the trials factor raise the bar
    assert detected(h, one, np.array([16.0]), one, 3.0).tolist() == [[False] * 3]
    z = np.sqrt(9 + 2 * np.log(np.array([[1.0, 100.0, 1e4]])))     # 3, 4.3, 5.2
    assert detected(h, 10 / z * np.array([[1.01, 0.99, 1.01]]), np.array([1.0]),
                    np.array([[1.0, 100.0, 1e4]]), 3.0).tolist() == [[False, True, False]]


def test_width_pinned_at_its_bound_is_flagged_and_voided():
    rng = np.random.default_rng(7)
    y = _lorentzian(4000, 1350, 60) + _lorentzian(6000, 1590, 40) + 5 + rng.normal(
        0, 0.3, (4, X.size))
    pinned = Model([Peak("D1", "lorentzian", center=1350, fwhm=Param(20, max=30)),
                    Peak("G", "lorentzian", center=1590)], background="constant")
    res = fit_peaks(_ds(y), pinned)
    assert (res.status == 6).all() and bool(res.success.all())
    assert res.at_bound.sel(param="D1.fwhm").all()
    assert res.value.sel(param="D1.fwhm").values.tolist() == [30.0] * 4
    assert int(res.at_bound.sum()) == 4                 # nothing else is at a bound
    for q in ("center", "fwhm", "height", "area"):
        assert bool(res[q].sel(peak="D1").isnull().all())
    assert bool(res.fwhm.sel(peak="G").notnull().all())
    # a free fit of the same data: nothing at a bound, plain convergence
    free = fit_peaks(_ds(y), TWO)
    assert not bool(free.at_bound.any()) and bool((free.status.isin([1, 2, 3, 4, 5])).all())
    np.testing.assert_allclose(free.fwhm.sel(peak="D1"), 60, rtol=0.01)


def test_shape_parameter_at_bound_is_flagged_but_keeps_the_peak():
    y = np.tile(_lorentzian(6000, 1590, 40) + 5, (3, 1)) * np.array([[1.0], [0.5], [2.0]])
    model = Model([Peak("G", "pseudo_voigt", center=1590)], background="constant")
    res = fit_peaks(_ds(y), model)           # exact Lorentzians: eta goes to its bound 1
    assert res.at_bound.sel(param="G.eta").all() and (res.status == 6).all()
    np.testing.assert_allclose(res.fwhm.sel(peak="G"), 40, rtol=0.01)


def test_row_median_equals_nanmedian():
    from characterization.fit._quality import _row_median

    rng = np.random.default_rng(3)
    a = rng.normal(size=(6, 11))
    a[1, 3:] = np.nan
    a[2, :] = np.nan
    a[4, ::2] = np.nan
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanmedian(a, axis=1)
    np.testing.assert_array_equal(_row_median(a), expected)
    full = rng.normal(size=(5, 10))                 # even length, no NaN
    np.testing.assert_array_equal(_row_median(full), np.median(full, axis=1))


def test_noise_estimate_holds_for_correlated_noise():
    rng = np.random.default_rng(9)
    white = rng.normal(0, 1.0, (50, 2000))
    kernel = np.ones(5) / np.sqrt(5)            # moving sum: unit variance, correlated
    corr = np.array([np.convolve(w, kernel, mode="same") for w in white])
    valid = np.ones(corr.shape, dtype=bool)
    zero = np.zeros_like(corr)
    sigma, kappa = residual_noise(corr, zero, valid)
    # the 41-point running mean takes ~L/W of the variance of noise correlated over L points
    np.testing.assert_allclose(np.median(sigma), np.sqrt(1 - 5 / 41), rtol=0.05)
    # kappa ~ the number of points averaged L = 5, less what the 41-point running mean takes
    # (its variance is ~ L / W of the noise's); ~1 for white noise
    assert np.median(kappa) == pytest.approx(5.0 * (1 - 5 / 41), rel=0.1)
    white_sigma, white_kappa = residual_noise(white, zero, valid)
    np.testing.assert_allclose(np.median(white_sigma), 1.0, rtol=0.05)
    assert np.median(white_kappa) == pytest.approx(1.0, abs=0.1)
    # a smooth misfit (a broad band the model lacks) is not taken for noise
    band = 20 * np.exp(-0.5 * ((np.arange(2000) - 1000) / 150.0) ** 2)
    misfit_sigma, misfit_kappa = residual_noise(white + band, zero, valid)
    np.testing.assert_allclose(np.median(misfit_sigma), 1.0, rtol=0.05)
    assert np.median(misfit_kappa) == pytest.approx(1.0, abs=0.1)
    # successive differences would say ~0.45 here (what the MAD of the residual avoids)
    diff = np.median(np.std(np.diff(corr, axis=1), axis=1) / np.sqrt(2))
    assert diff < 0.6


def test_tied_doublet_partner_is_detected_with_its_parent():
    from characterization.fit import Tie

    rng = np.random.default_rng(10)
    x = X
    a = 3000 * np.exp(-4 * np.log(2) * (x - 1400) ** 2 / 30 ** 2)
    b = 1500 * np.exp(-4 * np.log(2) * (x - 1430) ** 2 / 30 ** 2)
    y = a + b + 10 + rng.normal(0, 40.0, (5, x.size))    # parent ~75 sigma, partner ~37
    model = Model([Peak("A", "gaussian", center=1400, amplitude_type="height"),
                   Peak("B", "gaussian", center=Tie("A.center", offset=30.0),
                        amplitude=Tie("A.amplitude", scale=0.5), fwhm="A.fwhm",
                        amplitude_type="height")], background="constant")
    res = fit_peaks(_ds(y), model)
    assert bool(res.detected.all()) and bool(res.success.all())
    np.testing.assert_allclose(res.height.sel(peak="B") / res.height.sel(peak="A"), 0.5)
    rel = res.height_stderr / res.height
    np.testing.assert_allclose(rel.sel(peak="B"), rel.sel(peak="A"), rtol=1e-6)
