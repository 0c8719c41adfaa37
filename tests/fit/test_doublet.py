"""Kα1/Kα2 doublet line shape: Jacobian, Bragg geometry, exact recovery by fit_peaks."""

import numpy as np
import pytest
import xarray as xr

from characterization.fit import Model, Param, Peak, fit_peaks, get_lineshape
from characterization.fit.lineshapes._doublet import CU_WAVELENGTH_RATIO, kalpha2_position

X = np.linspace(26.0, 31.0, 801)


def _eval(shape, p, mode):
    return shape.evaluate(X, p[0], p[1], [np.array([[v]]) for v in p[2:]], mode)[0]


@pytest.mark.parametrize("mode", ["area", "height"])
def test_jacobian_matches_central_differences(mode):
    shape = get_lineshape("kalpha_pseudo_voigt")
    rng = np.random.default_rng(1)
    for _ in range(3):
        p = np.array([rng.uniform(50, 500), rng.uniform(27.5, 29.5), rng.uniform(0.08, 0.3),
                      rng.uniform(0.1, 0.9), CU_WAVELENGTH_RATIO * rng.uniform(0.999, 1.001),
                      rng.uniform(0.3, 0.7)])
        jac = shape.jacobian(X, [[p[0]]], [[p[1]]], [[[v]] for v in p[2:]], mode)[0]
        assert jac.shape == (6, X.size)
        f = shape.evaluate(X, [[p[0]]], [[p[1]]], [[[v]] for v in p[2:]], mode)
        j2 = np.zeros((6, 1, X.size))
        f2 = np.zeros((1, X.size))
        shape.accumulate(X, np.array([[p[0]]]), np.array([[p[1]]]),
                         [np.array([[v]]) for v in p[2:]], mode, f2, j2)
        np.testing.assert_allclose(f2, f, rtol=1e-13)
        for k in range(len(p)):
            h = 1e-7 * max(abs(p[k]), 1.0)
            up, down = p.copy(), p.copy()
            up[k] += h
            down[k] -= h
            numeric = (_eval(shape, up, mode) - _eval(shape, down, mode)) / (2 * h)
            scale = np.abs(numeric).max()
            assert np.abs(jac[k] - numeric).max() <= 2e-6 * scale + 1e-12, (mode, k)


def test_kalpha2_position_bragg_and_derivative():
    c2, g, dk = kalpha2_position(28.44, CU_WAVELENGTH_RATIO)
    d = 1.540598 / (2 * np.sin(np.deg2rad(28.44 / 2)))
    assert c2 == pytest.approx(2 * np.rad2deg(np.arcsin(1.544426 / (2 * d))), abs=1e-12)
    h = 1e-6
    assert g == pytest.approx((kalpha2_position(28.44 + h, CU_WAVELENGTH_RATIO)[0]
                               - kalpha2_position(28.44 - h, CU_WAVELENGTH_RATIO)[0]) / (2 * h),
                              rel=1e-7)
    assert dk == pytest.approx((kalpha2_position(28.44, CU_WAVELENGTH_RATIO + h)[0]
                                - kalpha2_position(28.44, CU_WAVELENGTH_RATIO - h)[0]) / (2 * h),
                               rel=1e-6)


def test_derived_refers_to_kalpha1_and_total_area():
    shape = get_lineshape("kalpha_pv")
    theta = [np.array([[0.1]]), np.array([[0.4]]), np.array([[CU_WAVELENGTH_RATIO]]),
             np.array([[0.5]])]
    x = np.linspace(20, 40, 200001)
    y = shape.evaluate(x, 3.0, 28.44, theta)[0]
    pv = get_lineshape("pseudo_voigt")
    c2 = kalpha2_position(28.44, CU_WAVELENGTH_RATIO)[0]
    expected = (pv.evaluate(x, 3.0, 28.44, theta[:2]) + 0.5 * pv.evaluate(x, 3.0, c2, theta[:2]))
    np.testing.assert_allclose(y, expected[0], rtol=1e-13, atol=1e-15)
    assert c2 - 28.44 == pytest.approx(0.0722, abs=2e-4)   # Si 111 Cu doublet splitting
    got = shape.derived(3.0, 28.44, theta, "area")
    single = get_lineshape("pseudo_voigt").derived(3.0, 28.44, theta[:2], "area")
    for key in ("center", "fwhm", "height", "area"):
        assert float(np.squeeze(got[key])) == pytest.approx(float(np.squeeze(single[key])))


def _doublet_model(fixed=True):
    fix = dict(wavelength_ratio=Param(CU_WAVELENGTH_RATIO, vary=False),
               alpha2_ratio=Param(0.5, vary=False))
    return Model([Peak("p111", "kalpha_pseudo_voigt", center=28.4, **fix)],
                 background="linear")


def test_noise_free_doublet_recovered_exactly():
    shape = get_lineshape("kalpha_pseudo_voigt")
    truth = {"area": np.array([40.0, 55.0, 70.0]), "center": np.array([28.44, 28.43, 28.45]),
             "fwhm": np.array([0.12, 0.15, 0.2]), "eta": np.array([0.3, 0.5, 0.7])}
    theta = [truth["fwhm"][:, None], truth["eta"][:, None],
             np.full((3, 1), CU_WAVELENGTH_RATIO), np.full((3, 1), 0.5)]
    y = shape.evaluate(X, truth["area"][:, None], truth["center"][:, None], theta)
    y = y + 5.0 + 0.3 * (X - 28.0)
    ds = xr.Dataset({"intensity": (("sample", "two_theta"), y, {"units": "count"})},
                    coords={"two_theta": ("two_theta", X, {"units": "deg"})})
    res = fit_peaks(ds, _doublet_model(), dim="two_theta", var="intensity")
    assert bool(res.success.all())
    sel = res.sel(peak="p111")
    np.testing.assert_allclose(sel.center.values, truth["center"], atol=1e-8)
    np.testing.assert_allclose(sel.fwhm.values, truth["fwhm"], rtol=1e-7)
    np.testing.assert_allclose(sel.area.values, truth["area"], rtol=1e-7)
    eta = res.value.sel(param="p111.eta").values
    np.testing.assert_allclose(eta, truth["eta"], atol=1e-7)
    assert np.all(res.stderr.sel(param="p111.alpha2_ratio").values == 0)
