"""The CasaXPS-style LF line shape (damped asymmetric Lorentzian ⊗ Gaussian)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from characterization.fit.lineshapes import XPS_LINESHAPES, get_lineshape


def _ev(shape, x, c, theta, amp=1.0, kind="area"):
    return shape.evaluate(x, [[amp]], [[c]], [[[t]] for t in theta], kind)[0]


def test_lf_registered_with_its_active_background_variant():
    assert "lf" in XPS_LINESHAPES and "lf_shirley" in XPS_LINESHAPES
    assert get_lineshape("CasaXPS-LF").name == "lf"
    assert get_lineshape("lf").param_names == ("amplitude", "center", "fwhm", "alpha", "beta",
                                               "damping", "fwhm_g")


def test_lf_without_damping_is_la():
    lf, la = get_lineshape("lf"), get_lineshape("la")
    x = np.linspace(-30.0, 30.0, 3001)
    for a, b, g in ((1.5, 3.0, 0.8), (1.0, 1.0, 0.0), (2.0, 243.0, 0.5)):
        np.testing.assert_allclose(_ev(lf, x, 0.3, (0.9, a, b, 1e9, g)),
                                   _ev(la, x, 0.3, (0.9, a, b, g)), rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize("a, b, w", [(0.54, 10.0, 3.0), (0.2, 2.0, 1.0), (1.3, 1.1, 10.0),
                                     (500.0, 0.6, 100.0), (1000.0, 3.0, 0.05),
                                     (0.0, 5.0, 0.5)])
def test_lf_unbroadened_area_is_one(a, b, w):
    """The analytic (Tricomi U; quadrature fallback at large alpha) normalisation: the profile
    is h(t) / area, so its value at the centre times the adaptive-quadrature integral of the
    textbook h must be 1, and its shape must be h."""
    lf = get_lineshape("lf")
    F = 1.7

    def h(x):
        t = x / F
        return (1 + 4 * t * t) ** (-a) * np.exp(-t * t / (w * w)) if t > 0 else \
            (1 + 4 * t * t) ** (-b)

    total = quad(h, -np.inf, 0.0, limit=400)[0] + quad(h, 0.0, np.inf, limit=400)[0]
    x = np.array([-0.3, 0.0, 0.05, 0.4])
    v = _ev(lf, x, 0.0, (F, a, b, w, 0.0))
    assert v[1] * total == pytest.approx(1.0, rel=1e-8)
    np.testing.assert_allclose(v, v[1] * np.array([h(e) for e in x]), rtol=1e-12)


def test_lf_broadened_area_height_and_asymmetry():
    lf = get_lineshape("lf")
    x = np.linspace(-200.0, 200.0, 400001)
    theta = (1.2, 0.54, 10.0, 4.0, 1.1)
    v = _ev(lf, x, 0.0, theta, amp=3.0)
    assert np.trapezoid(v, x) == pytest.approx(3.0, rel=1e-5)
    d = lf.derived([[3.0]], [[0.0]], [[[t]] for t in theta])
    assert float(d["height"][0, 0]) == pytest.approx(v.max(), rel=1e-4)
    assert float(d["center"][0, 0]) == pytest.approx(x[np.argmax(v)], abs=5e-3)
    above = x[v >= v.max() / 2]
    assert float(d["fwhm"][0, 0]) == pytest.approx(above[-1] - above[0], abs=5e-3)
    # alpha < beta: the tail is on the high-binding-energy (+x) side, and the damping ends it
    assert v[(x > 3) & (x < 10)].sum() > 5 * v[(x < -3) & (x > -10)].sum()
    assert v[x > 25].max() < 1e-6 * v.max()


@pytest.mark.parametrize("name", ["lf", "lf_shirley"])
@pytest.mark.parametrize("kind", ["area", "height"])
def test_lf_analytic_jacobian(name, kind):
    shape = get_lineshape(name)
    x = np.linspace(95.0, 105.0, 101)[::-1]
    base = {"amplitude": 2.0, "center": 100.1, "fwhm": 1.2, "alpha": 0.7, "beta": 2.5,
            "damping": 2.0, "fwhm_g": 0.7, "shirley": 0.2}
    vals = np.array([base[n] for n in shape.param_names])

    def f(v):
        return shape.evaluate(x, [[v[0]]], [[v[1]]], [[[t]] for t in v[2:]], kind)[0]

    jac = shape.jacobian(x, [[vals[0]]], [[vals[1]]], [[[t]] for t in vals[2:]], kind)[0]
    eye = np.eye(vals.size) * 1e-6
    num = np.array([(f(vals + e) - f(vals - e)) / 2e-6 for e in eye])
    tol = 1e-6 if kind == "area" else 1e-4       # height: r(theta) by nested differences
    np.testing.assert_allclose(jac, num, atol=tol * np.abs(num).max())


def test_lf_fit_recovers_a_synthetic_peak():
    from characterization.fit import Model, Param, Peak, fit_peaks
    import xarray as xr
    lf = get_lineshape("lf")
    x = np.linspace(700.0, 730.0, 601)
    truth = (2.5, 0.6, 8.0, 3.0, 1.0)
    rng = np.random.default_rng(7)
    y = _ev(lf, x, 710.0, truth, amp=5000.0) + rng.normal(0, 2.0, x.size)
    ds = xr.Dataset({"intensity": ("binding_energy", y, {"units": "count"})},
                    coords={"binding_energy": ("binding_energy", x, {"units": "eV"})},
                    attrs={"technique": "xps"})
    model = Model([Peak("p", "lf", amplitude=4000.0, center=709.5, fwhm=Param(2.0, min=0.3),
                        alpha=0.6, beta=8.0, damping=3.0, fwhm_g=Param(1.5, min=0.0))])
    res = fit_peaks(ds, model)
    assert bool(res.success)
    val = res["value"]
    err = res["stderr"]
    for name, true in (("p.amplitude", 5000.0), ("p.center", 710.0)):
        assert abs(float(val.sel(param=name)) - true) < 4 * float(err.sel(param=name))
    assert float(val.sel(param="p.amplitude")) == pytest.approx(5000.0, rel=5e-3)
    assert float(val.sel(param="p.fwhm")) == pytest.approx(2.5, rel=1e-2)
    assert float(val.sel(param="p.damping")) == pytest.approx(3.0, rel=5e-2)
    assert float(res["area"].sel(peak="p")) == pytest.approx(5000.0, rel=5e-3)


# ---------------------------------------------------------------- Doniach–Šunjić
def _ds_direct(e, F, a):
    """DS straight from the Doniach–Šunjić formula (no normalisation)."""
    from scipy.special import gamma
    g = F / 2
    return gamma(1 - a) * np.cos(np.pi * a / 2 + (1 - a) * np.arctan(e / g)) / (e * e + g * g) ** (
        (1 - a) / 2)


def test_ds_registered_and_alpha_zero_is_lorentzian():
    ds, lor = get_lineshape("DS"), get_lineshape("lorentzian")
    assert ds.name == "doniach_sunjic" and "doniach_sunjic_shirley" in XPS_LINESHAPES
    x = np.linspace(-20.0, 20.0, 801)
    v = _ev(ds, x, 0.0, (1.3, 0.0, 0.0), kind="height")
    np.testing.assert_allclose(v, _ev(lor, x, 0.0, (1.3,), kind="height"), rtol=1e-7)


@pytest.mark.parametrize("a", [0.05, 0.2, 0.4])
def test_ds_shape_and_window_area(a):
    """Unbroadened profile proportional to the textbook DS; unit area within c ± 25 F."""
    ds = get_lineshape("doniach_sunjic")
    F = 0.8
    x = np.linspace(-30.0, 30.0, 1201)
    v = _ev(ds, x, 0.0, (F, a, 0.0))
    ref = _ds_direct(-x, F, a)            # kinetic-energy sense: ε = c - x
    np.testing.assert_allclose(v / ref, np.full_like(x, v[600] / ref[600]), rtol=1e-10)
    f = lambda e: _ev(ds, np.array([e]), 0.0, (F, a, 0.0))[0]   # noqa: E731
    w = 25.0 * F
    inside = quad(f, -w, 0.0, limit=400)[0] + quad(f, 0.0, w, limit=400)[0]
    assert inside == pytest.approx(1.0, rel=1e-8)
    # the tail is on the high-binding-energy side and the maximum moves there
    assert f(5.0) > f(-5.0)
    d = ds.derived([[1.0]], [[0.0]], [[[F]], [[a]], [[0.0]]])
    assert float(d["center"][0, 0]) > 0.0


def test_ds_broadened_window_area_and_height():
    ds = get_lineshape("doniach_sunjic")
    F, a, g = 0.5, 0.15, 0.9
    x = np.linspace(-60.0, 60.0, 240001)
    v = _ev(ds, x, 0.0, (F, a, g), amp=2.0)
    inside = np.abs(x) <= 25.0 * F
    # the Gaussian moves a little area across the window edges: < 0.1 %
    assert np.trapezoid(v[inside], x[inside]) == pytest.approx(2.0, rel=1e-3)
    dd = ds.derived([[2.0]], [[0.0]], [[[F]], [[a]], [[g]]])
    assert float(dd["height"][0, 0]) == pytest.approx(v.max(), rel=1e-4)
    above = x[v >= v.max() / 2]
    assert float(dd["fwhm"][0, 0]) == pytest.approx(above[-1] - above[0], abs=2e-3)


@pytest.mark.parametrize("name", ["doniach_sunjic", "doniach_sunjic_shirley"])
@pytest.mark.parametrize("kind", ["area", "height"])
def test_ds_analytic_jacobian(name, kind):
    shape = get_lineshape(name)
    x = np.linspace(95.0, 105.0, 101)[::-1]
    base = {"amplitude": 2.0, "center": 100.1, "fwhm": 0.6, "alpha": 0.18, "fwhm_g": 0.7,
            "shirley": 0.2}
    vals = np.array([base[n] for n in shape.param_names])

    def f(v):
        return shape.evaluate(x, [[v[0]]], [[v[1]]], [[[t]] for t in v[2:]], kind)[0]

    jac = shape.jacobian(x, [[vals[0]]], [[vals[1]]], [[[t]] for t in vals[2:]], kind)[0]
    eye = np.eye(vals.size) * 1e-6
    num = np.array([(f(vals + e) - f(vals - e)) / 2e-6 for e in eye])
    tol = 1e-6 if kind == "area" else 1e-4
    np.testing.assert_allclose(jac, num, atol=tol * np.abs(num).max())
