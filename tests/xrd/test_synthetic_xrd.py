"""Synthetic XRD patterns (characterization.synthetic.xrd): ground truth is exact."""

from __future__ import annotations

import numpy as np
import pytest

from characterization import xrd
from characterization.synthetic.xrd import xrd_patterns
from characterization.xrd.phases import reference_pattern

CU1, CU2 = 1.540598, 1.544426
UVW = (0.004, -0.002, 0.003)


def test_ground_truth_scherrer_positions_and_alpha2():
    ds = xrd_patterns(("Si", "CoSi2"), n_samples=3, size_nm=[[10, 30], [20, 30], [40, 30]],
                      strain=[0.0, 1e-3], noise=None)
    gt = ds.attrs["ground_truth"]
    assert gt["phases"] == ["Si", "CoSi2"]
    si = gt["reflections"]["Si"]
    theta = np.deg2rad(si["two_theta"]) / 2
    sizes = np.array([10.0, 20.0, 40.0])[:, None]
    expected = np.rad2deg(0.9 * CU1 / 10 / (sizes * np.cos(theta)))
    np.testing.assert_allclose(si["fwhm_lorentz_sample"], expected, rtol=1e-12)
    np.testing.assert_allclose(si["fwhm_gauss_sample"], 0.0)
    # Scherrer inverted on the truth gives the size back exactly
    back = 0.9 * CU1 / 10 / (np.deg2rad(si["fwhm_lorentz_sample"]) * np.cos(theta))
    np.testing.assert_allclose(back, np.broadcast_to(sizes, back.shape), rtol=1e-12)
    # CoSi2: size + strain add linearly (uniform-deformation W-H)
    co = gt["reflections"]["CoSi2"]
    th = np.deg2rad(co["two_theta"]) / 2
    wh = np.rad2deg(0.9 * CU1 / 10 / (30 * np.cos(th)) + 4e-3 * np.tan(th))
    np.testing.assert_allclose(co["fwhm_lorentz_sample"], np.broadcast_to(wh, (3, th.size)))
    # Caglioti Gaussian instrument
    t = np.tan(theta)
    np.testing.assert_allclose(si["fwhm_gauss"][0], np.sqrt(0.004 * t**2 - 0.002 * t + 0.003))
    # positions are the sticks; Kα2 follows Bragg
    ref = reference_pattern("Si", wavelength=CU1, range=(15, 85), min_intensity=1.0)
    sticks = ref.two_theta.values[0]
    np.testing.assert_allclose(si["two_theta"], sticks[np.isfinite(sticks)])
    np.testing.assert_allclose(si["two_theta"][:4], [28.443, 47.303, 56.122, 69.130], atol=0.002)
    tt2 = 2 * np.rad2deg(np.arcsin(CU2 / CU1 * np.sin(theta)))
    np.testing.assert_allclose(si["two_theta_alpha2"], tt2)
    # differential Bragg law: Δ2θ ≈ 2 (Δλ/λ) tanθ
    approx = np.rad2deg(2 * (CU2 - CU1) / CU1 * np.tan(theta[3]))
    assert si["two_theta_alpha2"][3] - si["two_theta"][3] == pytest.approx(approx, rel=2e-3)
    assert approx == pytest.approx(0.196, abs=0.001)
    # the total FWHM is that of the Voigt (Olivero-Longbothum within 0.03 %)
    ol = xrd.voigt_fwhm(si["fwhm_lorentz"], si["fwhm_gauss"])
    np.testing.assert_allclose(si["fwhm"], ol, rtol=3e-4)
    # a no-noise Kα1-only Si pattern peaks at the stick position (Kα2 would pull the maximum)
    one = xrd_patterns(("Si",), size_nm=40.0, kalpha2=False, noise=None, two_theta=(20, 40, 0.001))
    one = one.intensity.isel(sample=0).sel(two_theta=slice(28.0, 28.9))
    assert float(one.two_theta[int(np.argmax(one.values))]) == pytest.approx(28.443, abs=0.0011)


def test_area_and_metadata():
    kw = dict(size_nm=50.0, noise=None, background=(0.0,), two_theta=(0.5, 150.0, 0.005),
              peak_counts=1000.0)
    ds = xrd_patterns(("Si",), **kw)
    gt = ds.attrs["ground_truth"]["reflections"]["Si"]
    area = np.trapezoid(ds.intensity.values[0], ds.two_theta.values)
    expected = gt["area"].sum() * 1.5          # Kα1 + 0.5 Kα2
    assert area == pytest.approx(expected, rel=3e-3)   # Lorentzian tails beyond the scan
    np.testing.assert_allclose(gt["area"][0], 1000.0 * gt["relative_intensity"] / 100)
    assert gt["area"][0, 0] == 1000.0
    no_a2 = xrd_patterns(("Si",), kalpha2=False, **kw)
    assert np.trapezoid(no_a2.intensity.values[0], no_a2.two_theta.values) == \
        pytest.approx(gt["area"].sum(), rel=3e-3)
    assert ds.attrs["technique"] == "xrd"
    assert ds.intensity.dims == ("sample", "two_theta")
    assert ds.intensity.attrs == {"units": "count", "long_name": "Intensity"}
    for name, units in (("two_theta", "deg"), ("wavelength", "angstrom"),
                        ("wavelength_alpha2", "angstrom"), ("alpha2_ratio", "1")):
        assert ds[name].attrs["units"] == units and ds[name].attrs["long_name"]
    assert float(ds.wavelength) == CU1 and float(ds.wavelength_alpha2) == CU2


def test_noise_background_and_validation():
    a = xrd_patterns(("Si",), n_samples=2, seed=7)
    b = xrd_patterns(("Si",), n_samples=2, seed=7)
    c = xrd_patterns(("Si",), n_samples=2, seed=8)
    np.testing.assert_array_equal(a.intensity, b.intensity)
    assert not np.array_equal(a.intensity, c.intensity)
    assert np.all(a.intensity.values == np.round(a.intensity.values))
    exact = xrd_patterns(("Si",), n_samples=2, noise=None)
    resid = (a.intensity - exact.intensity) / np.sqrt(exact.intensity)
    assert float(resid.std()) == pytest.approx(1.0, abs=0.05)        # Poisson
    lin = xrd_patterns(("Si",), noise=None, background=(100.0, 2.0), peak_counts=0.0)
    np.testing.assert_allclose(lin.intensity.values[0], 100 + 2 * (lin.two_theta - 49.995))
    call = xrd_patterns(("Si",), noise=None, background=lambda x: 50 + 0 * x, peak_counts=0.0)
    np.testing.assert_allclose(call.intensity.values, 50.0)
    with pytest.raises(ValueError, match="size_nm"):
        xrd_patterns(("Si", "CoSi2"), n_samples=4, size_nm=[1, 2, 3])
    per_sample = xrd_patterns(("Si",), n_samples=3, size_nm=[10, 20, 40], noise=None)
    np.testing.assert_allclose(per_sample.attrs["ground_truth"]["size_nm"][:, 0], [10, 20, 40])


@pytest.mark.parametrize("shape,correction", [("pseudo_voigt", "gaussian"),
                                              ("pseudo_voigt", "voigt"), ("voigt", "voigt")])
def test_scherrer_recovers_20nm_with_known_instrument(shape, correction):
    """fit_pattern + caglioti + scherrer on a 20 nm Si pattern: size within 3 %."""
    ds = xrd_patterns(("Si",), n_samples=2, size_nm=20.0, instrument=UVW,
                      two_theta=(20, 80, 0.01), peak_counts=20000.0, seed=11)
    peaks = [28.443, 47.303, 56.122, 69.130, 76.376]
    res = xrd.fit_pattern(ds, peaks=peaks, window=2.5, fwhm=0.45, shape=shape)
    assert bool(res.success.all())
    np.testing.assert_allclose(res.center, np.broadcast_to(peaks, res.center.shape), atol=0.01)
    # instrument: pure Gaussian Caglioti with the known U, V, W
    tt = np.array([21.36, 30.38, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55, 71.74, 75.85])
    t = np.tan(np.deg2rad(tt) / 2)
    h = np.sqrt(UVW[0] * t**2 + UVW[1] * t + UVW[2])
    std = xrd.peak_table(tt, h, fwhm_gauss=h, fwhm_lorentz=0.0 * h)
    inst = xrd.caglioti(std)
    assert float(inst.U) == pytest.approx(UVW[0], rel=1e-6)
    # The sample is Lorentzian and the instrument a narrow Gaussian (0.05–0.06°): quadrature
    # ("gaussian") removal of the instrument FWHM and the component-wise Voigt correction
    # (pseudo-Voigt widths split with the Thompson–Cox–Hastings relation, or the Voigt fit's
    # own components) all recover the size.
    r = xrd.scherrer(res, k=0.9, instrument=inst, correction=correction)
    size = r.crystallite_size.values
    assert np.all(np.isfinite(size))
    np.testing.assert_allclose(size, 20.0, rtol=0.03)
    np.testing.assert_allclose(np.median(size), 20.0, rtol=0.015)


@pytest.mark.parametrize("kalpha2", [True, False])
@pytest.mark.parametrize("size", [5.0, 10.0, 25.0, 50.0, 100.0])
def test_scherrer_full_chain_over_5_to_100_nm(size, kalpha2):
    """Patterns -> doublet (or single-line) fits -> Voigt-corrected Scherrer: the median size
    over the five Si reflections within 3 % of the truth from 5 to 100 nm, with the known
    instrument (Gaussian Caglioti) removed."""
    ds = xrd_patterns(("Si",), n_samples=1, size_nm=size, instrument=UVW, kalpha2=kalpha2,
                      two_theta=(20, 85, 0.01), peak_counts=20000.0, seed=int(size) + kalpha2)
    if not kalpha2:
        ds = ds.drop_vars(["wavelength_alpha2", "alpha2_ratio"], errors="ignore")
    peaks = [28.442, 47.302, 56.122, 69.129, 76.375]
    fwhm0 = np.rad2deg(0.9 * 0.1540598 / size)
    res = xrd.fit_pattern(ds, peaks=peaks, shape="voigt", group=True,
                          window=max(1.0, 8 * fwhm0), fwhm=fwhm0)
    assert bool(res.success.all())
    assert int(res.attrs["kalpha2"]) == int(kalpha2)
    tt = np.linspace(20, 90, 8)
    t = np.tan(np.deg2rad(tt) / 2)
    h = np.sqrt(UVW[0] * t**2 + UVW[1] * t + UVW[2])
    inst = xrd.caglioti(xrd.peak_table(tt, h, fwhm_gauss=h, fwhm_lorentz=0.0 * h))
    r = xrd.scherrer(res, k=0.9, instrument=inst, correction="voigt", limit_ratio=0.0)
    assert float(np.median(r.crystallite_size)) == pytest.approx(size, rel=0.03)


@pytest.mark.parametrize("size,strain", [(30.0, 2e-3), (60.0, 1e-3)])
def test_williamson_hall_full_chain_recovers_strain(size, strain):
    """Size and (Lorentzian, uniform-deformation) strain broadening -> doublet fits over
    20-140° -> instrument-corrected W–H: strain within 10 %, size within 10 %."""
    ds = xrd_patterns(("Si",), n_samples=1, size_nm=size, strain=strain, instrument=UVW,
                      two_theta=(20, 140, 0.01), peak_counts=30000.0, seed=5)
    refl = ds.attrs["ground_truth"]["reflections"]["Si"]
    peaks = np.asarray(refl["two_theta"])
    peaks = peaks[(peaks > 25) & (peaks < 135)]
    res = xrd.fit_pattern(ds, peaks=peaks, shape="voigt", group=True, window=2.5)
    assert bool(res.success.all())
    tt = np.linspace(20, 140, 10)
    t = np.tan(np.deg2rad(tt) / 2)
    h = np.sqrt(UVW[0] * t**2 + UVW[1] * t + UVW[2])
    inst = xrd.caglioti(xrd.peak_table(tt, h, fwhm_gauss=h, fwhm_lorentz=0.0 * h))
    wh = xrd.williamson_hall(res, k=0.9, instrument=inst, correction="voigt")
    assert float(wh.microstrain.squeeze()) == pytest.approx(strain, rel=0.10)
    assert float(wh.crystallite_size.squeeze()) == pytest.approx(size, rel=0.10)


def test_broad_lines_are_not_pinned_at_a_default_width_bound():
    """#10: a 5 nm Si pattern fitted with default windows/widths (no fwhm=, no window=): the
    width bounds adapt to the data, so the lines (FWHM 1.6-2.3°) are not pinned at 1.000° and
    the Voigt-corrected Scherrer size comes back (was 8.2-9.0 nm, every FWHM exactly 1.0)."""
    ds = xrd_patterns(("Si",), n_samples=1, size_nm=5.0, instrument=UVW,
                      two_theta=(20, 85, 0.01), peak_counts=20000.0, seed=5)
    peaks = [28.442, 47.302, 56.122, 69.129, 76.375]
    res = xrd.fit_pattern(ds, peaks=peaks, shape="voigt")
    truth = np.asarray(ds.attrs["ground_truth"]["reflections"]["Si"]["fwhm"])[0]
    fwhm = res.fwhm.values[0]
    assert not bool(res.fwhm_at_bound.any())
    assert np.all(np.abs(fwhm - 1.0) > 0.1)
    np.testing.assert_allclose(fwhm, np.interp(peaks, ds.attrs["ground_truth"]["reflections"]
                                               ["Si"]["two_theta"], truth), rtol=0.05)
    tt = np.linspace(20, 90, 8)
    t = np.tan(np.deg2rad(tt) / 2)
    h = np.sqrt(UVW[0] * t**2 + UVW[1] * t + UVW[2])
    inst = xrd.caglioti(xrd.peak_table(tt, h, fwhm_gauss=h, fwhm_lorentz=0.0 * h))
    r = xrd.scherrer(res, k=0.9, instrument=inst, correction="voigt", limit_ratio=0.0)
    assert float(np.median(r.crystallite_size)) == pytest.approx(5.0, rel=0.05)


def test_widths_at_their_bound_are_flagged_and_refused():
    """A width bound the user set too tight (window=0.5° for 2° lines): the widths sit at the
    bound, are flagged, and scherrer / williamson_hall / size_strain_plot refuse them (NaN and
    the per-peak flag) instead of returning too-large sizes."""
    ds = xrd_patterns(("Si",), n_samples=1, size_nm=5.0, instrument=UVW,
                      two_theta=(20, 85, 0.01), peak_counts=20000.0, seed=5)
    peaks = [28.442, 47.302, 56.122, 69.129, 76.375]
    res = xrd.fit_pattern(ds, peaks=peaks, shape="pseudo_voigt", window=0.5)
    assert bool(res.fwhm_at_bound.all())
    assert "bound" in res.fwhm_at_bound.attrs["long_name"]
    r = xrd.scherrer(res, k=0.9)
    assert np.isnan(r.crystallite_size).all()
    assert bool(r.width_at_bound.all())
    wh = xrd.williamson_hall(res, k=0.9)
    assert np.isnan(wh.crystallite_size).all() and bool(wh.width_at_bound.all())
    ssp = xrd.size_strain_plot(res)
    assert np.isnan(ssp.crystallite_size).all() and bool(ssp.width_at_bound.all())
