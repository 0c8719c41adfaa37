"""xrd.fit_pattern: Kα1/Kα2 doublet fits of synthetic Si / CoSi2 patterns, Scherrer sizes."""

import numpy as np
import pytest

from characterization import xrd
from characterization.synthetic import kalpha_patterns as _example_pattern

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


# ----------------------------------------------------------------------------- every shape

import xarray as xr  # noqa: E402

from characterization.fit import get_lineshape  # noqa: E402
from characterization.xrd.peaks import SHAPES  # noqa: E402

SHAPE_PARAMS = {
    "pseudo_voigt": {"fwhm": (0.12, 0.14, 0.16), "eta": 0.5},
    "voigt": {"fwhm_g": (0.08, 0.09, 0.10), "fwhm_l": (0.06, 0.07, 0.08)},
    "pearson7": {"fwhm": (0.12, 0.14, 0.16), "m": 1.8},
    "split_pseudo_voigt": {"fwhm_left": (0.10, 0.12, 0.14), "fwhm_right": (0.14, 0.16, 0.18),
                           "eta": 0.4},
    "gaussian": {"fwhm": (0.12, 0.14, 0.16)},
    "lorentzian": {"fwhm": (0.12, 0.14, 0.16)},
}
AREA = np.array([400.0, 250.0, 150.0])          # x 100 counts·deg (Kα1)


def _true_fwhm(shape, params, n=3):
    single = get_lineshape(shape)
    th = [np.broadcast_to(np.asarray(params[p.name], float), (n,))[:, None]
          for p in single.shape_params]
    return single.fwhm(th)[:, 0]


def test_every_shape_is_tested():
    assert set(SHAPE_PARAMS) == set(SHAPES)


@pytest.mark.parametrize("noise", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_recovers_its_own_doublets(shape, noise):
    params = SHAPE_PARAMS[shape]
    ds = _example_pattern(n_sample=2, seed=4, centers=SI, area=AREA, shape=shape,
                          shape_params=params, noise=noise)
    res = xrd.fit_pattern(ds, peaks=[c + 0.02 for c in SI], shape=shape)
    assert bool(res.success.all())
    assert res.attrs["shape"] == shape and res.attrs["lineshape"] == "kalpha_" + shape
    s0 = res.isel(sample=0)                        # sample 0 has exactly these widths
    np.testing.assert_allclose(s0.center.values, SI, atol=0.002 if noise else 1e-6)
    np.testing.assert_allclose(s0.fwhm.values, _true_fwhm(shape, params),
                               rtol=0.01 if noise else 1e-6)
    np.testing.assert_allclose(s0.area.values, AREA * 100, rtol=0.01 if noise else 1e-6)
    # integral breadth = area / height, with a finite error
    np.testing.assert_allclose(res.integral_breadth.values,
                               res.area.values / res.height.values, rtol=1e-9)
    assert res.integral_breadth.attrs["units"] == "deg"
    for name in ("center", "fwhm", "height", "area", "integral_breadth", "fwhm_lorentz",
                 "fwhm_gauss"):
        assert res[name].dims == ("sample", "peak")
        err = res[f"{name}_stderr"].values
        if noise and name not in ("fwhm_lorentz", "fwhm_gauss"):
            assert np.all(np.isfinite(err) & (err > 0)), name
    assert np.all(np.isfinite(res.fwhm_lorentz.values) & np.isfinite(res.fwhm_gauss.values))
    # the parts give the total width back (Olivero–Longbothum; ~1 % for the Pearson VII)
    tol = 0.02 if shape == "pearson7" else 1e-3
    np.testing.assert_allclose(xrd.voigt_fwhm(res.fwhm_lorentz, res.fwhm_gauss).values,
                               res.fwhm.values, rtol=tol)
    size = xrd.scherrer(res).crystallite_size
    assert size.dims == ("sample", "peak") and np.all(np.isfinite(size.values))
    assert set(xrd.williamson_hall(res).data_vars) >= {"crystallite_size"}


def test_voigt_components_recovered():
    params = SHAPE_PARAMS["voigt"]
    ds = _example_pattern(n_sample=2, seed=11, centers=SI, area=AREA * 3, shape="voigt",
                          shape_params=params)
    res = xrd.fit_pattern(ds, peaks=SI, shape="voigt").isel(sample=0)
    np.testing.assert_allclose(res.fwhm_lorentz.values, params["fwhm_l"], rtol=0.03)
    np.testing.assert_allclose(res.fwhm_gauss.values, params["fwhm_g"], rtol=0.03)
    np.testing.assert_allclose(res.fwhm_lorentz_stderr.values,
                               res.stderr.sel(param=["p0.fwhm_l", "p1.fwhm_l", "p2.fwhm_l"]),
                               rtol=1e-3)


def test_component_widths_of_simple_shapes_and_pseudo_voigt_consistency():
    from characterization.xrd.peak_table import split_eta as _split_eta

    ds = _example_pattern(n_sample=2, seed=2, centers=SI)
    g = xrd.fit_pattern(ds, peaks=SI, shape="gaussian")
    np.testing.assert_array_equal(g.fwhm_lorentz.values, 0.0)
    np.testing.assert_allclose(g.fwhm_gauss.values, g.fwhm.values, rtol=1e-12)
    lor = xrd.fit_pattern(ds, peaks=SI, shape="lorentzian")
    np.testing.assert_array_equal(lor.fwhm_gauss.values, 0.0)
    np.testing.assert_allclose(lor.fwhm_lorentz.values, lor.fwhm.values, rtol=1e-12)
    pv = xrd.fit_pattern(ds, peaks=SI)
    f_l, f_g = _split_eta(pv.fwhm.values, pv.eta.values)
    np.testing.assert_allclose(pv.fwhm_lorentz.values, f_l, rtol=1e-12)
    np.testing.assert_allclose(pv.fwhm_gauss.values, f_g, rtol=1e-12)
    # scherrer gives the same as from the eta split alone (how it was derived before)
    old = pv.drop_vars(["fwhm_lorentz", "fwhm_gauss"])
    np.testing.assert_allclose(xrd.scherrer(pv).crystallite_size.values,
                               xrd.scherrer(old).crystallite_size.values, rtol=1e-12)
    # Pearson VII: m = 1 is a Lorentzian, large m a Gaussian (de Keijser split)
    from characterization.xrd.peaks import _de_keijser
    from characterization.fit.lineshapes import PearsonVII
    for m, lorentz_fraction in ((1.0, 1.0), (100.0, 0.0)):
        ib = PearsonVII().area_per_height([np.array([1.0]), np.array([m])])[0]
        f_l, f_g = _de_keijser(1.0, ib)
        assert f_l.item() == pytest.approx(lorentz_fraction, abs=0.01)
        assert f_g.item() == pytest.approx(1 - lorentz_fraction, abs=0.02)


@pytest.mark.parametrize("shape", SHAPES)
def test_si_cosi2_pairs_resolved_with_every_shape(shape):
    si = [28.44, 47.30, 56.12]
    cosi2 = [28.80, 47.92, 56.87]
    centers = [v for pair in zip(si, cosi2) for v in pair]
    base = SHAPE_PARAMS[shape]
    params = {k: (np.repeat(v, 2) if np.ndim(v) else v) for k, v in base.items()}
    ds = _example_pattern(n_sample=2, seed=7, centers=centers, area=(60, 30, 40, 20, 30, 15),
                          shape=shape, shape_params=params)
    res = xrd.fit_pattern(ds, peaks=[c - 0.02 for c in centers], shape=shape)
    assert bool(res.success.all())
    np.testing.assert_allclose(res.center.values, np.broadcast_to(centers, (2, 6)), atol=0.01)


def test_peaks_as_reflection_dataset_with_labels():
    centers = [28.44, 28.80, 47.30, 47.92, 56.12, 56.87]
    ds = _example_pattern(n_sample=2, seed=8, centers=centers, fwhm=(0.12,) * 6,
                          area=(60, 30, 40, 20, 30, 15))
    refl = xr.Dataset(
        {"two_theta": (("phase", "reflection"),
                       [[28.44, 47.30, 56.12, 69.13], [28.80, 47.92, 56.87, np.nan]])},
        coords={"phase": ["Si", "CoSi2"],
                "label": (("phase", "reflection"),
                          [["Si 111", "Si 220", "Si 311", "Si 400"],
                           ["CoSi2 111", "CoSi2 220", "CoSi2 311", ""]])})
    res = xrd.fit_pattern(ds, peaks=refl)
    # NaN padding and Si 400 (outside 25–60°) dropped; sorted by 2θ, labels kept
    assert list(res.peak.values) == ["Si 111", "CoSi2 111", "Si 220", "CoSi2 220", "Si 311",
                                     "CoSi2 311"]
    np.testing.assert_allclose(res.center.values, np.broadcast_to(centers, (2, 6)), atol=0.01)
    # labels depending on reflection only get the phase as prefix; names= overrides
    refl2 = refl.assign_coords(label=("reflection", ["111", "220", "311", "400"]))
    res2 = xrd.fit_pattern(ds, peaks=refl2, names=[f"x{j}" for j in range(6)])
    assert list(res2.peak.values) == [f"x{j}" for j in range(6)]
    res3 = xrd.fit_pattern(ds, peaks=refl2.isel(phase=0))
    assert list(res3.peak.values) == ["111", "220", "311"]
    res4 = xrd.fit_pattern(ds, peaks=refl2)
    assert list(res4.peak.values)[:2] == ["Si 111", "CoSi2 111"]


def test_auto_peaks_finds_the_three_example_peaks():
    ds = _example_pattern()
    res = xrd.fit_pattern(ds, peaks="auto")
    assert list(res.peak.values) == ["p0", "p1", "p2"]
    np.testing.assert_allclose(res.center.values, np.broadcast_to(SI, (3, 3)), atol=0.005)
    single = xrd.fit_pattern(ds.isel(sample=[0]), peaks="auto", kalpha2=False)
    assert single.sizes["peak"] >= 3             # Kα2 shoulders may show up without Kα2
    noise = ds.copy(data={"intensity": np.random.default_rng(0).poisson(
        20.0, ds.intensity.shape).astype(float)})
    with pytest.raises(Exception, match="auto"):
        xrd.fit_pattern(noise, peaks="auto")


def test_time_series_in_one_call_equals_loop():
    ds = _example_pattern(n_sample=20, seed=9)
    ds = ds.rename(sample="time").assign_coords(time=np.arange(20.0))
    res = xrd.fit_pattern(ds, peaks=SI, shape="voigt")
    assert res.center.dims == ("time", "peak")
    for i in (0, 7, 19):
        one = xrd.fit_pattern(ds.isel(time=[i]), peaks=SI, shape="voigt").isel(time=0)
        for name in ("center", "fwhm", "area", "height", "fwhm_lorentz", "fwhm_gauss",
                     "integral_breadth"):
            np.testing.assert_allclose(res[name].isel(time=i).values, one[name].values,
                                       rtol=1e-6, err_msg=name)


def test_wide_pattern_lab6_in_one_window_and_grouped():
    import time as _time

    lab6 = [21.36, 30.39, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55]
    x = np.round(np.arange(18.0, 72.0, 0.01), 6)
    ds = _example_pattern(n_sample=4, seed=12, centers=lab6, fwhm=(0.08,) * 8,
                          area=(30, 60, 25, 20, 10, 15, 8, 7), x=x)
    t0 = _time.perf_counter()
    one = xrd.fit_pattern(ds, peaks=lab6)
    t_one = _time.perf_counter() - t0
    grouped = xrd.fit_pattern(ds, peaks=lab6, group=True)
    assert bool(one.success.all()) and bool(grouped.success.all())
    assert t_one < 20.0
    for res in (one, grouped):
        np.testing.assert_allclose(res.center.values, np.broadcast_to(lab6, (4, 8)), atol=0.003)
        np.testing.assert_allclose(res.isel(sample=0).fwhm.values, 0.08, rtol=0.03)
    assert len(grouped.attrs["groups"]) == 16 and len(one.attrs["groups"]) == 2
    assert [p for p in grouped.param.values if p.startswith("background")][:2] == [
        "background0.c0", "background0.c1"]
    assert grouped.covariance.sizes["cov_i"] == grouped.sizes["param"]
    np.testing.assert_allclose(grouped.area.values, one.area.values, rtol=0.02)
    assert np.all(grouped.redchi.values > 0.7) and np.all(grouped.redchi.values < 1.3)


def test_shape_errors():
    ds = _example_pattern(n_sample=1)
    for bad in ("bwf", "gl", "kalpha_voigt", "nonsense"):
        with pytest.raises(Exception, match="shape"):
            xrd.fit_pattern(ds, peaks=SI, shape=bad)
    with pytest.raises(Exception, match="auto"):
        xrd.fit_pattern(ds, peaks="automatic")
    with pytest.raises(Exception):
        xrd.fit_pattern(ds, peaks=xr.Dataset({"two_theta": ("reflection", [80.0])}))


def test_grouped_fit_of_a_series_keeps_the_batch_dims():
    from characterization.synthetic import kalpha_patterns as _example_pattern

    ds = _example_pattern(n_sample=3).rename(sample="time")
    res = xrd.fit_pattern(ds, peaks=[28.44, 47.30, 56.12], group=True)
    for name in ("success", "status", "chisqr", "nfev", "redchi"):
        assert res[name].dims == ("time",), name
    assert bool(res.success.all())
    single = [xrd.fit_pattern(ds.isel(time=i), peaks=[28.44, 47.30, 56.12], group=True)
              for i in range(3)]
    np.testing.assert_allclose(res.center.values, [s.center.values for s in single], rtol=1e-7)
    np.testing.assert_allclose(res.chisqr.values, [float(s.chisqr) for s in single], rtol=1e-7)


@pytest.mark.parametrize("kind", ["zeros", "constant", "noise"])
def test_patterns_without_peaks_give_nan_and_a_reason(kind):
    """#10: all-zero, constant and pure-noise patterns: no positions, widths or areas (NaN),
    detected False, success False and a reason (was: the starting centres, success=True)."""
    ds = _example_pattern(n_sample=2, seed=3)
    rng = np.random.default_rng(21)
    shape = ds.intensity.shape
    y = {"zeros": np.zeros(shape), "constant": np.full(shape, 120.0),
         "noise": rng.poisson(120.0, shape).astype(float)}[kind]
    ds["intensity"] = ds.intensity.copy(data=y)
    res = xrd.fit_pattern(ds, peaks=[28.44, 47.30, 56.12])
    for name in ("center", "fwhm", "height", "area", "fwhm_stderr", "integral_breadth"):
        assert np.isnan(res[name]).all(), name
    assert not bool(res.detected.any())
    assert not bool(res.success.any())
    expected = "constant data" if kind != "noise" else "no peak detected"
    assert all(expected in str(r) for r in res.reason.values)


def test_a_missing_line_is_not_detected_and_the_others_are_kept():
    ds = _example_pattern(n_sample=2, seed=3, area=(40.0, 0.0, 15.0))
    res = xrd.fit_pattern(ds, peaks=[28.44, 47.30, 56.12])
    assert res.detected.values.tolist() == [[True, False, True]] * 2
    assert np.isnan(res.center.sel(peak="p1")).all()
    np.testing.assert_allclose(res.center.sel(peak=["p0", "p2"]), [[28.44, 56.12]] * 2,
                               atol=0.01)
    assert bool(res.success.all())
    assert all("p1 not detected" in str(r) for r in res.reason.values)
