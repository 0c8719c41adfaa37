"""Line shapes: analytic Jacobians, equivalence with lmfit, derived height/area/FWHM."""

import numpy as np
import pytest
from scipy import integrate, optimize

from characterization.fit.lineshapes import LINESHAPES, canonical_name, get_lineshape

# shape -> shape parameters (in order) at a generic, asymmetric-enough point
CASES = {
    "gaussian": [23.0],
    "lorentzian": [23.0],
    "pseudo_voigt": [23.0, 0.37],
    "voigt": [14.0, 9.0],
    "pearson7": [23.0, 1.7],
    "bwf": [23.0, -6.0],
    "gl": [23.0, 30.0],
    "sgl": [23.0, 40.0],
    "split_pseudo_voigt": [17.0, 29.0, 0.45],
    "split_lorentzian": [17.0, 29.0],
}
X = np.linspace(-90.0, 110.0, 401)


def test_every_registered_shape_is_tested():
    assert set(CASES) == set(LINESHAPES)


def _eval(shape, p, mode, x=X):
    return shape.evaluate(x, p[0], p[1], [np.array([[v]]) for v in p[2:]], mode)[0]


@pytest.mark.parametrize("mode", ["area", "height"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_jacobian_matches_central_differences(name, mode):
    shape = get_lineshape(name)
    rng = np.random.default_rng(abs(hash((name, mode))) % 2**32)
    for _ in range(3):                       # a few random points around the base case
        theta = np.array(CASES[name]) * rng.uniform(0.85, 1.15, len(CASES[name]))
        if name in ("pseudo_voigt", "split_pseudo_voigt"):
            theta[-1] = rng.uniform(0.1, 0.9)
        p = np.array([rng.uniform(50, 500), rng.uniform(-8, 8), *theta])
        jac = shape.jacobian(X, [[p[0]]], [[p[1]]], [[[v]] for v in p[2:]], mode)[0]
        assert jac.shape == (len(p), X.size)
        for k in range(len(p)):
            h = 1e-6 * max(abs(p[k]), 1.0)
            up, down = p.copy(), p.copy()
            up[k] += h
            down[k] -= h
            numeric = (_eval(shape, up, mode) - _eval(shape, down, mode)) / (2 * h)
            scale = np.abs(numeric).max()
            assert np.abs(jac[k] - numeric).max() <= 2e-6 * scale + 1e-12, (name, mode, k)


@pytest.mark.parametrize("name", sorted(CASES))
def test_batched_evaluation_broadcasts(name):
    shape = get_lineshape(name)
    theta = [np.array([[v], [v * 1.1]]) for v in CASES[name]]
    both = shape.evaluate(X, np.array([[2.0], [3.0]]), np.array([[1.0], [-2.0]]), theta)
    first = shape.evaluate(X, 2.0, 1.0, [t[:1] for t in theta])[0]
    assert both.shape == (2, X.size)
    np.testing.assert_allclose(both[0], first, rtol=1e-14)


def test_matches_lmfit_builtin_lineshapes():
    lmfit_ls = pytest.importorskip("lmfit.lineshapes")
    x, a, c = X, 321.0, 4.2
    s8 = np.sqrt(8 * np.log(2))

    def ours(name, *theta, mode="area", amp=a):
        return get_lineshape(name).evaluate(x, amp, c, [np.array([[t]]) for t in theta], mode)[0]

    cases = [
        (ours("gaussian", 23.0), lmfit_ls.gaussian(x, a, c, 23.0 / s8)),
        (ours("lorentzian", 23.0), lmfit_ls.lorentzian(x, a, c, 11.5)),
        (ours("pseudo_voigt", 23.0, 0.37), lmfit_ls.pvoigt(x, a, c, 11.5, 0.37)),
        (ours("voigt", 14.0, 9.0), lmfit_ls.voigt(x, a, c, 14.0 / s8, 4.5)),
        (ours("pearson7", 23.0, 1.7),
         lmfit_ls.pearson7(x, a, c, 23.0 / (2 * np.sqrt(2 ** (1 / 1.7) - 1)), 1.7)),
        (ours("bwf", 23.0, -6.0, mode="height"),
         lmfit_ls.breit_wigner(x, a / (1 + 36.0), c, 23.0, -6.0)),
        (ours("split_lorentzian", 17.0, 29.0), lmfit_ls.split_lorentzian(x, a, c, 8.5, 14.5)),
    ]
    for mine, theirs in cases:
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14 * theirs.max())


def test_casaxps_definitions():
    """GL(m) and SGL(m) against the formulas of the CasaXPS manual, written independently."""
    x, c, F, H = X, 3.0, 23.0, 250.0
    for m in (0.0, 30.0, 75.0, 100.0):
        mu = m / 100
        gl = H * np.exp(-4 * np.log(2) * (1 - mu) * (x - c) ** 2 / F ** 2) / (
            1 + 4 * mu * (x - c) ** 2 / F ** 2)
        sgl = H * ((1 - mu) * np.exp(-4 * np.log(2) * (x - c) ** 2 / F ** 2)
                   + mu / (1 + 4 * (x - c) ** 2 / F ** 2))
        for name, expected in (("gl", gl), ("sgl", sgl)):
            got = get_lineshape(name).evaluate(x, H, c, [[[F]], [[m]]], "height")[0]
            np.testing.assert_allclose(got, expected, rtol=1e-13)


def _numeric_derived(shape, theta, amplitude=1.0):
    """Height (max), position of max, FWHM and area by brute numerics (unit-height amplitude)."""
    th = [np.array([[t]]) for t in theta]

    def f(x):
        return shape.evaluate(np.atleast_1d(np.asarray(x, float)), amplitude, 0.0, th, "height")[0]

    grid = np.linspace(-60, 60, 240001)
    vals = f(grid)
    i = np.argmax(vals)
    xmax = optimize.minimize_scalar(lambda t: -f(t)[0], bracket=(grid[i - 1], grid[i],
                                                                   grid[i + 1])).x
    hmax = f(xmax)[0]
    left = optimize.brentq(lambda t: f(t)[0] - hmax / 2, xmax - 200, xmax)
    right = optimize.brentq(lambda t: f(t)[0] - hmax / 2, xmax, xmax + 200)
    if shape.name == "bwf":
        a = 1 / theta[1]
        asymptote = hmax * a * a / (1 + a * a)
        area = integrate.quad(lambda t: f(t)[0] - asymptote, -np.inf, np.inf, limit=400)[0]
    else:
        area = sum(integrate.quad(lambda t: f(t)[0], lo, hi, limit=400)[0]
                   for lo, hi in ((-np.inf, 0), (0, np.inf)))
    return {"center": xmax, "height": hmax, "fwhm": right - left, "area": area}


@pytest.mark.parametrize("name", sorted(CASES))
def test_derived_values_match_numerics(name):
    shape = get_lineshape(name)
    theta = CASES[name]
    numeric = _numeric_derived(shape, theta)
    th = [np.array([[t]]) for t in theta]
    got = {k: float(np.squeeze(v)) for k, v in shape.derived(1.0, 0.0, th, "height").items()}
    assert got["height"] == pytest.approx(numeric["height"], rel=1e-9)
    assert got["center"] == pytest.approx(numeric["center"], abs=1e-5)
    assert got["fwhm"] == pytest.approx(numeric["fwhm"], rel=1e-8)
    assert got["area"] == pytest.approx(numeric["area"], rel=1e-7)
    # area-mode amplitude is the area
    by_area = shape.derived(numeric["area"], 0.0, th, "area")
    assert float(np.squeeze(by_area["height"])) == pytest.approx(numeric["height"], rel=1e-7)


def test_gl_area_is_continuous_across_series_switch():
    """The GL area uses a series for small m and erfcx above: no jump, correct derivative."""
    shape = get_lineshape("gl")
    m = np.array([[0.0], [1e-6], [0.05], [0.28], [0.2885], [0.29], [0.5], [5.0], [60.0], [99.9]])
    r, (dr_df, dr_dm) = shape.area_per_height([np.full_like(m, 10.0), m])
    for k, mk in enumerate(m[:, 0]):
        f = lambda t, mk=mk: np.exp(-4 * np.log(2) * (1 - mk / 100) * t * t) / (
            1 + 4 * mk / 100 * t * t)
        exact = 10.0 * integrate.quad(f, -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0]
        assert r[k, 0] == pytest.approx(exact, rel=1e-11)
    h = 1e-5
    up = shape.area_per_height([np.full_like(m, 10.0), m + h])[0]
    down = shape.area_per_height([np.full_like(m, 10.0), np.maximum(m - h, 0)])[0]
    numeric = (up - down) / (m + h - np.maximum(m - h, 0))
    np.testing.assert_allclose(dr_dm[1:], numeric[1:], rtol=1e-5)


def test_bwf_reduces_to_lorentzian_for_large_q():
    bwf, lor = get_lineshape("bwf"), get_lineshape("lorentzian")
    a = bwf.evaluate(X, 100.0, 2.0, [[[20.0]], [[-1e12]]], "height")
    b = lor.evaluate(X, 100.0, 2.0, [[[20.0]]], "height")
    np.testing.assert_allclose(a, b, rtol=1e-8)


def test_aliases_and_unknown_names():
    assert canonical_name("PVoigt") == "pseudo_voigt"
    assert canonical_name("Breit-Wigner") == "bwf"
    with pytest.raises(ValueError, match="unknown line shape 'sinc'"):
        get_lineshape("sinc")
    with pytest.raises(ValueError, match="amplitude_type"):
        get_lineshape("gaussian").evaluate(X, 1.0, 0.0, [[[1.0]]], "volume")
