"""Every Kα1/Kα2 doublet shape: Jacobian, Bragg geometry, Kα1-referred derived values, fits."""

import numpy as np
import pytest
import xarray as xr
from scipy import integrate

from characterization.fit import Model, Param, Peak, fit_peaks, get_lineshape
from characterization.fit.lineshapes import DOUBLET_LINESHAPES, KAlphaDoublet, Lorentzian
from characterization.fit.lineshapes._doublet import CU_WAVELENGTH_RATIO, kalpha2_position

X = np.linspace(26.0, 31.0, 1001)
# doublet -> single-line shape parameters (deg / dimensionless) at a generic point
LINE = {
    "kalpha_pseudo_voigt": [0.14, 0.4],
    "kalpha_voigt": [0.09, 0.07],
    "kalpha_pearson7": [0.14, 1.8],
    "kalpha_split_pseudo_voigt": [0.11, 0.17, 0.45],
    "kalpha_gaussian": [0.14],
    "kalpha_lorentzian": [0.14],
}


def test_every_doublet_is_tested():
    assert set(LINE) == set(DOUBLET_LINESHAPES)
    for name, shape in DOUBLET_LINESHAPES.items():
        assert shape.param_names[-2:] == ("wavelength_ratio", "alpha2_ratio")
        assert shape.natural == shape.single.natural
        assert name == "kalpha_" + shape.single.name


def _theta(name, ratio=0.5, k=CU_WAVELENGTH_RATIO):
    return [np.array([[v]]) for v in (*LINE[name], k, ratio)]


def _eval(shape, p, mode):
    return shape.evaluate(X, p[0], p[1], [np.array([[v]]) for v in p[2:]], mode)[0]


@pytest.mark.parametrize("mode", ["area", "height"])
@pytest.mark.parametrize("name", sorted(LINE))
def test_jacobian_matches_central_differences(name, mode):
    shape = get_lineshape(name)
    rng = np.random.default_rng(sum(map(ord, name + mode)))
    for _ in range(3):
        line = np.array(LINE[name]) * rng.uniform(0.85, 1.15, len(LINE[name]))
        if name.endswith("pseudo_voigt"):
            line[-1] = rng.uniform(0.1, 0.9)
        p = np.array([rng.uniform(50, 500), rng.uniform(27.5, 29.5), *line,
                      CU_WAVELENGTH_RATIO * rng.uniform(0.999, 1.001), rng.uniform(0.3, 0.7)])
        jac = shape.jacobian(X, [[p[0]]], [[p[1]]], [[[v]] for v in p[2:]], mode)[0]
        assert jac.shape == (len(p), X.size)
        f = np.zeros((1, X.size))
        j2 = np.zeros((len(p), 1, X.size))
        shape.accumulate(X, np.array([[p[0]]]), np.array([[p[1]]]),
                         [np.array([[v]]) for v in p[2:]], mode, f, j2)
        np.testing.assert_allclose(f[0], _eval(shape, p, mode), rtol=1e-12, atol=1e-250)
        for k in range(len(p)):          # incl. wavelength_ratio and alpha2_ratio
            h = 1e-7 * max(abs(p[k]), 1.0)
            up, down = p.copy(), p.copy()
            up[k] += h
            down[k] -= h
            numeric = (_eval(shape, up, mode) - _eval(shape, down, mode)) / (2 * h)
            scale = np.abs(numeric).max()
            assert scale > 0
            assert np.abs(jac[k] - numeric).max() <= 3e-6 * scale + 1e-12, (name, mode, k)


@pytest.mark.parametrize("name", sorted(LINE))
def test_kalpha2_line_at_bragg_position_with_ratio(name):
    shape = get_lineshape(name)
    theta = _theta(name, ratio=0.5)
    c1 = 28.44
    x = np.linspace(20.0, 40.0, 400001)
    y = shape.evaluate(x, 3.0, c1, theta)[0]
    single = shape.single
    line = single.evaluate(x, 3.0, c1, theta[:-2])[0]
    rest = y - line                          # the Kα2 line alone
    d = 1.540598 / (2 * np.sin(np.deg2rad(c1 / 2)))
    c2 = 2 * np.rad2deg(np.arcsin(1.544426 / (2 * d)))
    assert kalpha2_position(c1, CU_WAVELENGTH_RATIO)[0] == pytest.approx(c2, abs=1e-12)
    # maximum of the Kα2 line (on the fine grid) at c2 + the single line's peak offset
    assert x[np.argmax(rest)] == pytest.approx(c2, abs=1e-4)
    np.testing.assert_allclose(rest, 0.5 * single.evaluate(x, 3.0, c2, theta[:-2])[0],
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["area", "height"])
@pytest.mark.parametrize("name", sorted(LINE))
def test_derived_refer_to_kalpha1_and_total_area(name, mode):
    shape = get_lineshape(name)
    ratio = 0.47
    theta = _theta(name, ratio=ratio)
    amp = 3.0
    got = {k: float(np.squeeze(v)) for k, v in shape.derived(amp, 28.44, theta, mode).items()}
    single = {k: float(np.squeeze(v))
              for k, v in shape.single.derived(amp, 28.44, theta[:-2], mode).items()}
    for key in ("center", "fwhm", "height", "area"):
        assert got[key] == pytest.approx(single[key], rel=1e-12), key
    # numerically: the Kα1 component has that height / FWHM, the doublet (1 + R) x its area
    x = np.linspace(27.0, 30.0, 300_001)
    k1 = shape.single.evaluate(x, amp, 28.44, theta[:-2], mode)[0]
    assert k1.max() == pytest.approx(got["height"], rel=1e-6)
    above = x[k1 >= 0.5 * k1.max()]
    assert above[-1] - above[0] == pytest.approx(got["fwhm"], abs=3 * (x[1] - x[0]))
    # dense near the lines, ±1600 deg wide (Lorentzian tails beyond: < 1e-4 of the area)
    x = 28.6 + 0.02 * np.sinh(np.linspace(-12.0, 12.0, 400_001))
    total = integrate.trapezoid(shape.evaluate(x, amp, 28.44, theta, mode)[0], x)
    assert total == pytest.approx((1 + ratio) * got["area"], rel=1e-4)


def test_generic_doublet_of_any_shape_and_errors():
    lor = KAlphaDoublet(Lorentzian(), name="my_doublet")
    assert lor.name == "my_doublet" and lor.param_names[2] == "fwhm"
    ref = get_lineshape("kalpha_lorentzian")
    th = _theta("kalpha_lorentzian")
    np.testing.assert_array_equal(lor.evaluate(X, 2.0, 28.4, th), ref.evaluate(X, 2.0, 28.4, th))
    with pytest.raises(ValueError):
        KAlphaDoublet(ref)
    with pytest.raises(ValueError):
        KAlphaDoublet()
    assert get_lineshape("kalpha_pearson_vii").name == "kalpha_pearson7"
    assert get_lineshape("KAlpha-Voigt").name == "kalpha_voigt"


@pytest.mark.parametrize("name", sorted(LINE))
def test_noise_free_doublets_recovered_by_fit_peaks(name):
    shape = get_lineshape(name)
    n = 3
    line = [np.array(LINE[name])[None, :] * np.array([[1.0], [1.1], [1.2]])][0]
    truth_area = np.array([40.0, 55.0, 70.0])
    truth_center = np.array([28.44, 28.43, 28.45])
    theta = [line[:, [j]] for j in range(line.shape[1])] + [
        np.full((n, 1), CU_WAVELENGTH_RATIO), np.full((n, 1), 0.5)]
    y = shape.evaluate(X, truth_area[:, None], truth_center[:, None], theta, "area")
    y = y + 5.0 + 0.3 * (X - 28.0)
    ds = xr.Dataset({"intensity": (("sample", "two_theta"), y, {"units": "count"})},
                    coords={"two_theta": ("two_theta", X, {"units": "deg"})})
    fix = dict(wavelength_ratio=Param(CU_WAVELENGTH_RATIO, vary=False),
               alpha2_ratio=Param(0.5, vary=False))
    model = Model([Peak("p", name, center=28.4, **fix)], background="linear")
    res = fit_peaks(ds, model, dim="two_theta", var="intensity")
    assert bool(res.success.all())
    sel = res.sel(peak="p")
    np.testing.assert_allclose(sel.center.values, truth_center, atol=1e-7)
    np.testing.assert_allclose(sel.area.values, truth_area, rtol=1e-6)
    fwhm = shape.single.fwhm([line[:, [j]] for j in range(line.shape[1])])[:, 0]
    np.testing.assert_allclose(sel.fwhm.values, fwhm, rtol=1e-6)
    assert np.all(res.stderr.sel(param="p.alpha2_ratio").values == 0)
