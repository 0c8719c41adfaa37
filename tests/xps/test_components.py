"""XPS components: doublets with ties, fit_region with subtracted and active backgrounds,
the LA line shape and the Shirley-step shapes."""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from characterization.errors import AnalysisError
from characterization.fit import Param
from characterization.fit.lineshapes import get_lineshape
from characterization.synthetic.xps import si2p_spectra
from characterization.xps import doublet


def _si_model():
    fw = {"fwhm": Param(1.0, min=0.3, max=3.0), "m": Param(30.0, vary=False)}
    return (doublet("Si0", splitting=0.61, ratio=0.5, center=99.4, **fw)
            + doublet("Si4", splitting=0.61, ratio=0.5, center=103.3, **fw))


def test_doublet_ties_splitting_ratio_and_width():
    ds = si2p_spectra(4, fractions=[0.6, 0, 0, 0, 0.4], seed=3)
    res = ch.xps.fit_region(ds, _si_model(), background="active")
    assert bool(res.success.all())
    c = res.center
    np.testing.assert_allclose(c.sel(peak="Si0_so") - c.sel(peak="Si0"), 0.61, atol=1e-9)
    a = res.area
    np.testing.assert_allclose(a.sel(peak="Si4_so") / a.sel(peak="Si4"), 0.5, rtol=1e-9)
    np.testing.assert_allclose(res.fwhm.sel(peak="Si0_so"), res.fwhm.sel(peak="Si0"), rtol=1e-9)
    np.testing.assert_array_equal(res.stderr.sel(param="Si0_so.center").values,
                                  res.stderr.sel(param="Si0.center").values)


@pytest.mark.parametrize("background,tol", [("active", 0.012), ("shirley", 0.03)])
def test_fit_region_recovers_areas(background, tol):
    ds = si2p_spectra(12, fractions=[0.6, 0, 0, 0, 0.4], seed=8)
    truth = ds.attrs["ground_truth"]["areas"][:, [0, 4]]
    res = ch.xps.fit_region(ds, _si_model(), background=background)
    assert bool(res.success.all())
    area = res.area.sel(peak=["Si0", "Si4"]).values * 1.5     # doublet = 1.5 x the 2p3/2
    rel = area / truth - 1.0
    assert abs(rel.mean()) < tol and rel.std() < 0.03
    # best_fit describes the measured intensity (background included): Poisson chi2 ~ 1
    assert 0.7 < float(res.redchi.median()) < (1.2 if background == "active" else 1.6)
    total = res.components.sum("component") + res.background
    np.testing.assert_allclose(total.values, res.best_fit.values, rtol=1e-9)


def test_linear_background_is_worse_than_shirley_on_a_shirley_step():
    # a known failure mode must show in the statistics, not hide: redchi far above 1
    ds = si2p_spectra(4, fractions=[0.6, 0, 0, 0, 0.4], seed=8)
    lin = ch.xps.fit_region(ds, _si_model(), background="linear")
    act = ch.xps.fit_region(ds, _si_model(), background="active")
    assert float(lin.redchi.min()) > 3 * float(act.redchi.max())


def test_fit_region_rejects_a_model_background():
    from characterization.fit import Model
    ds = si2p_spectra(1, seed=0)
    with pytest.raises(AnalysisError, match="peaks only"):
        ch.xps.fit_region(ds, Model(_si_model(), background="linear"))
    with pytest.raises(AnalysisError, match="unknown background"):
        ch.xps.fit_region(ds, _si_model(), background="snip")


def test_la_reduces_to_lorentzian_and_integrates_to_one():
    la = get_lineshape("la")
    lor = get_lineshape("lorentzian")
    x = np.linspace(-400.0, 400.0, 400001)
    th = [[[1.0]], [[1.0]], [[1.0]], [[0.0]]]
    np.testing.assert_allclose(la.evaluate(x, [[1.0]], [[0.2]], th),
                               lor.evaluate(x, [[1.0]], [[0.2]], [[[1.0]]]), atol=1e-14)
    for a, b, g in ((1.5, 3.0, 0.8), (2.0, 243.0, 0.5), (1.2, 1.2, 2.0)):
        v = la.evaluate(x, [[1.0]], [[0.0]], [[[0.9]], [[a]], [[b]], [[g]]])[0]
        assert np.trapezoid(v, x) == pytest.approx(1.0, abs=3e-3)
        # the tail is on the high-binding-energy side when alpha < beta
        theta = [np.array(t) for t in (0.9, a, b, g)]
        if a < b:
            assert float(la.peak_offset(theta)) > 0 or a == b
            right = v[x > 3].sum()
            left = v[x < -3].sum()
            assert right > left


@pytest.mark.parametrize("name", ["la", "gl_shirley", "la_shirley", "voigt_shirley"])
def test_analytic_jacobians(name):
    shape = get_lineshape(name)
    x = np.linspace(95.0, 105.0, 101)[::-1]
    base = {"amplitude": 2.0, "center": 100.1, "fwhm": 1.2, "m": 30.0, "alpha": 1.4,
            "beta": 2.5, "fwhm_g": 0.7, "fwhm_l": 0.5, "shirley": 0.2}
    vals = np.array([base[n] for n in shape.param_names])

    def f(v):
        return shape.evaluate(x, [[v[0]]], [[v[1]]], [[[t]] for t in v[2:]])[0]

    jac = shape.jacobian(x, [[vals[0]]], [[vals[1]]], [[[t]] for t in vals[2:]])[0]
    eye = np.eye(vals.size) * 1e-6
    num = np.array([(f(vals + e) - f(vals - e)) / 2e-6 for e in eye])
    np.testing.assert_allclose(jac, num, atol=1e-6 * np.abs(num).max())


def test_shirley_step_shape_is_peak_plus_its_integral():
    step = get_lineshape("gl_shirley")
    gl = get_lineshape("gl")
    x = np.linspace(90.0, 110.0, 2001)
    p = gl.evaluate(x, [[1.0]], [[100.0]], [[[1.0]], [[30.0]]])[0]
    v = step.evaluate(x, [[1.0]], [[100.0]], [[[1.0]], [[30.0]], [[0.5]]])[0]
    # far above the peak the step is shirley * (peak area / region width)
    area = np.trapezoid(p, x)
    assert v[-1] - p[-1] == pytest.approx(0.5 * area / 20.0, rel=1e-6)
    assert v[0] == pytest.approx(p[0], abs=1e-12)
    vr = step.evaluate(x[::-1], [[1.0]], [[100.0]], [[[1.0]], [[30.0]], [[0.5]]])[0]
    np.testing.assert_allclose(vr[::-1], v, rtol=1e-12)


@pytest.mark.parametrize("background", ["active", "shirley"])
def test_poisson_weights_are_the_engine_rule_from_raw_counts(background):
    """weights="poisson" goes to the engine unchanged: the same numbers as the explicit
    1/sigma = dwell*scans/sqrt(max(counts, 1)) (the rule the XPS package used to repeat)."""
    ds = si2p_spectra(3, fractions=[0.6, 0, 0, 0, 0.4], seed=5)
    t = ds["dwell_time"] * (ds["scans"] if "scans" in ds.coords else 1)
    explicit = (t / np.sqrt(np.maximum(ds["counts"], 1.0))).broadcast_like(ds["intensity"])
    a = ch.xps.fit_region(ds, _si_model(), background=background, weights="poisson")
    b = ch.xps.fit_region(ds, _si_model(), background=background, weights=explicit)
    assert bool(a.success.all())
    np.testing.assert_array_equal(a.value.values, b.value.values)
    np.testing.assert_array_equal(a.stderr.values, b.stderr.values)
    np.testing.assert_array_equal(a.redchi.values, b.redchi.values)
