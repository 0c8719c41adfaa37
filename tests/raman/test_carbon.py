"""Carbon D/G band analysis: presets, known-answer fits, BIC choice, La, maps, real files."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization.errors import AnalysisError, ReadError
from characterization.fit import Model
from characterization.raman.carbon import crystallite_size, fit_carbon
from characterization.raman.carbon_models import AUTO, PRESETS, carbon_model
from characterization.synthetic.raman_carbon import carbon_spectra

RAMAN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raman"

# "Realistic noise" here: Poisson shot noise + 4-count read noise, G height ~10000 counts on a
# 2000-6000 count baseline, i.e. a signal-to-noise ratio of about 85 at the G maximum.
COUNTS = 10000.0


def _rel(a, b):
    return np.asarray(a) / np.asarray(b) - 1.0


# ---------------------------------------------------------------------- presets
def test_presets_bands_shapes_and_dispersion():
    shapes = {name: {p.name: p.shape for p in carbon_model(name).peaks} for name in PRESETS}
    assert shapes["2band"] == {"D1": "lorentzian", "G": "lorentzian"}
    assert shapes["4band"] == {"D4": "lorentzian", "D1": "lorentzian", "D3": "gaussian",
                               "G": "lorentzian"}
    assert shapes["5band"]["D2"] == "lorentzian" and shapes["5band"]["D3"] == "gaussian"
    assert shapes["bwf"] == {"D1": "lorentzian", "G": "bwf"}
    # D1 disperses by 50 1/cm per eV from 1350 at 514.5 nm
    starts = {lam: carbon_model("2band", laser_wavelength=lam).peaks[0].params["center"].value
              for lam in (514.5, 532, 633, 785)}
    assert starts[514.5] == pytest.approx(1350.0)
    assert starts[532] == pytest.approx(1350 + 50 * (1239.84198 / 532 - 1239.84198 / 514.5))
    assert 1325 < starts[633] < 1330 and 1305 < starts[785] < 1312
    # unknown laser: the D1 window covers every excitation 488-785 nm
    d1 = carbon_model("2band").peaks[0].params["center"]
    assert d1.min < starts[785] - 30 and d1.max > 1350 + 30
    with_opt = carbon_model("4band", include=("D'", "2D"), laser_wavelength=532)
    assert with_opt.peak_names == ("D4", "D1", "D3", "G", "D2", "X2D")
    assert carbon_model("5band", include="D'").peak_names.count("D2") == 1
    with pytest.raises(ValueError, match="presets"):
        carbon_model("3band")
    with pytest.raises(ValueError, match="optional band"):
        carbon_model("2band", include=("D7",))   # D5 is a known band since issue 10


# ---------------------------------------------------------------------- known answers
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_known_answer_each_preset(preset):
    ds = carbon_spectra(40, model=preset, counts=COUNTS, seed=21)
    truth = ds.attrs["ground_truth"]
    res = fit_carbon(ds, model=preset)
    assert bool(res.success.all())
    assert set(res.model.values) == {preset}
    for band in ("D1", "G") + (("D2",) if preset == "5band" else ()):
        err = np.abs(res.center.sel(peak=band).values - truth[f"{band}.center"])
        assert np.median(err) < 0.5, (band, np.median(err))
    for band in ("D3", "D4"):            # broad, weak bands: a few 1/cm
        if band in res.peak.values and preset != "2band":
            err = np.abs(res.center.sel(peak=band).values - truth[f"{band}.center"])
            assert np.median(err) < 3.0, (band, np.median(err))
    for kind in ("height", "area"):
        rel = _rel(res[f"id_ig_{kind}"], truth[f"id_ig_{kind}"])
        # 5-band areas: G and D2 overlap (FWHM 60 and 40, 35 1/cm apart), so the split of the
        # area between them is noise-limited: median ~2.5 % at this SNR, still unbiased.
        tol = 0.03 if (preset, kind) == ("5band", "area") else 0.02
        assert np.median(np.abs(rel)) < tol, (kind, np.median(np.abs(rel)))
        assert abs(np.mean(rel)) < 0.01, (kind, np.mean(rel))           # no bias


def test_ratio_stderr_is_calibrated_with_poisson_weights():
    ds = carbon_spectra(150, model="4band", counts=3000, seed=4)
    truth = ds.attrs["ground_truth"]
    res = fit_carbon(ds, model="4band", weights="poisson", best_fit=False)
    for kind in ("height", "area"):
        z = (res[f"id_ig_{kind}"] - truth[f"id_ig_{kind}"]) / res[f"id_ig_{kind}_stderr"]
        assert 0.7 < float(z.std()) < 1.4, (kind, float(z.std()))


def test_bic_picks_the_generating_model():
    ds = carbon_spectra(120, model=("2band", "4band"), counts=2000, seed=7)
    truth = ds.attrs["ground_truth"]["model"]
    res = fit_carbon(ds, model=["2band", "4band"], best_fit=False)
    rate = float(np.mean(res.model.values == truth))
    assert rate >= 0.9, rate
    assert res.bic.dims == ("sample", "candidate")
    assert list(res.candidate.values) == ["2band", "4band"]
    assert res.n_params.values.tolist() == [8, 14]
    chosen = res.bic.argmin("candidate").values
    assert (res.candidate.values[chosen] == res.model.values).all()
    assert res.attrs["selection"].startswith("lowest BIC")


def test_auto_fits_all_presets_and_keeps_union_of_bands():
    ds = carbon_spectra(8, model=("bwf", "5band"), counts=COUNTS, seed=3)
    res = fit_carbon(ds, model="auto")
    assert list(res.candidate.values) == list(AUTO)
    assert list(res.peak.values) == ["D4", "D1", "D3", "G", "D2"]
    assert set(res.model.values) <= set(AUTO)
    two = res.model.values == "2band"
    assert np.isnan(res.height.sel(peak="D3").values[two]).all()
    assert "G.q" in res.param.values
    models = json.loads(res.attrs["models"])
    assert Model.from_dict(models["bwf"]).peaks[1].shape == "bwf"
    assert json.loads(res.attrs["line_shapes"])["4band"]["D3"] == "gaussian"
    assert json.loads(res.attrs["range"]) == [800.0, 2000.0]


# ---------------------------------------------------------------------- outputs, maps, failures
def test_units_long_names_and_attrs():
    ds = carbon_spectra(3, model="2band", seed=1)
    res = fit_carbon(ds, model="2band", background="chebyshev(2)")
    units = {n: res[n].attrs["units"] for n in ("id_ig_height", "id_ig_area", "center", "fwhm",
                                                "height", "area", "best_fit", "bic")}
    assert units == {"id_ig_height": "1", "id_ig_area": "1", "center": "1/cm", "fwhm": "1/cm",
                     "height": "count", "area": "count * (1/cm)", "best_fit": "count",
                     "bic": "1"}
    assert all("long_name" in v.attrs for v in res.data_vars.values())
    assert json.loads(res.attrs["background"])["per_model"] == {"2band": "chebyshev(2)"}
    assert json.loads(res.attrs["laser_wavelength"]) == 532.0
    assert json.loads(res.attrs["parameters"])["model"] == "2band"
    assert res.attrs["result_of"] == "raman.fit_carbon"


def test_map_keeps_dims_and_dask_equals_eager():
    ds = carbon_spectra(map_shape=(4, 5), model="4band", counts=COUNTS, seed=8)
    res = fit_carbon(ds, model="4band", best_fit=False)
    assert res.id_ig_height.dims == ("y", "x")
    assert res.center.dims == ("y", "x", "peak")
    truth = ds.attrs["ground_truth"]["id_ig_height"]
    assert truth.shape == (4, 5)
    assert np.median(np.abs(_rel(res.id_ig_height, truth))) < 0.02
    lazy = fit_carbon(ds.chunk({"y": 2}), model="4band", best_fit=False)
    assert lazy.id_ig_height.chunks is not None
    xr.testing.assert_allclose(lazy.compute().id_ig_area, res.id_ig_area, rtol=1e-9)


def test_failed_spectra_give_nan_not_exception():
    ds = carbon_spectra(4, model="2band", seed=5)
    y = ds.intensity.values.copy()
    y[1] = np.nan                     # nothing to fit
    y[2, ::2] = np.nan                # half the points missing: still fitted
    bad = ds.copy(data={"intensity": y})
    res = fit_carbon(bad, model=["2band", "4band"])
    assert res.success.values.tolist() == [True, False, True, True]
    assert res.model.values[1] == "none"
    assert np.isnan(res.id_ig_height.values[1]) and np.isnan(res.bic.values[1]).all()
    assert np.isfinite(res.id_ig_height.values[[0, 2, 3]]).all()


def test_single_spectrum_without_batch_dim():
    ds = carbon_spectra(1, model="bwf", id_ig=0.4, counts=COUNTS, seed=2).isel(sample=0)
    res = fit_carbon(ds, model="bwf")
    assert res.id_ig_height.dims == ()
    assert float(res.id_ig_height) == pytest.approx(0.4, rel=0.02)


def test_input_errors():
    ds = carbon_spectra(2, seed=0)
    with pytest.raises(AnalysisError, match="unknown carbon model"):
        fit_carbon(ds, model="7band")
    with pytest.raises(AnalysisError, match="outside range"):
        fit_carbon(ds, include=("2D",), range=(800, 2000))
    wrong = ds.copy()
    wrong["raman_shift"] = wrong.raman_shift.assign_attrs(units="nm")
    with pytest.raises(AnalysisError, match="1/cm"):
        fit_carbon(wrong)
    with pytest.raises(AnalysisError, match="weights"):
        fit_carbon(ds, weights="sqrt")


def test_optional_2d_band_extends_the_range():
    ds = carbon_spectra(6, model="2band", include=("2D",), counts=COUNTS, seed=9)
    truth = ds.attrs["ground_truth"]
    res = fit_carbon(ds, model="2band", include=("2D",))
    assert json.loads(res.attrs["range"]) == [800.0, 3000.0]
    err = np.abs(res.center.sel(peak="2D").values - truth["2D.center"])
    assert np.median(err) < 1.0
    assert "2D.center" in res.param.values


# ---------------------------------------------------------------------- crystallite size
def _result(ratio, laser=532.0, stderr=None):
    ds = xr.Dataset({"id_ig_area": ("sample", np.asarray(ratio, float)),
                     "id_ig_height": ("sample", np.asarray(ratio, float))},
                    coords={"laser_wavelength": ((), laser, {"units": "nm"})})
    if stderr is not None:
        ds["id_ig_area_stderr"] = ("sample", np.asarray(stderr, float))
    return ds


def test_cancado_hand_computed():
    res = crystallite_size(_result([1.0, 0.5], stderr=[0.1, 0.0]))
    la = 2.4e-10 * 532.0 ** 4                       # 19.22 nm
    np.testing.assert_allclose(res.crystallite_size.values, [la, 2 * la])
    assert res.crystallite_size.values[0] == pytest.approx(19.22, abs=0.01)
    np.testing.assert_allclose(res.crystallite_size_stderr.values, [0.1 * la, 0.0])
    assert res.crystallite_size.attrs["units"] == "nm"
    assert res.attrs["ratio"] == "area" and "Cancado" in res.attrs["formula"]
    # 633 nm: 2.4e-10 * 633^4 / 0.2
    res = crystallite_size(_result([0.2]), laser_wavelength=633)
    assert float(res.crystallite_size[0]) == pytest.approx(2.4e-10 * 633 ** 4 / 0.2)


def test_tuinstra_koenig_hand_computed_and_warnings():
    res = crystallite_size(_result([1.0, 0.1], laser=514.0), formula="tuinstra_koenig")
    np.testing.assert_allclose(res.crystallite_size.values, [4.4, 44.0])
    assert res.attrs["ratio"] == "height"
    res = crystallite_size(_result([1.0], laser=633.0), formula="tuinstra_koenig")
    assert float(res.crystallite_size[0]) == pytest.approx(4.4 + 0.033 * (633 - 514))
    with pytest.warns(UserWarning, match="extrapolated"):
        crystallite_size(_result([1.0], laser=785.0), formula="tuinstra_koenig")
    with pytest.warns(UserWarning, match="stage 2"):
        low = crystallite_size(_result([3.0, 0.5], laser=514.0), formula="tuinstra_koenig")
    assert low.in_regime.values.tolist() == [False, True]


def test_crystallite_size_needs_laser_wavelength():
    ds = _result([1.0]).drop_vars("laser_wavelength")
    with pytest.raises(AnalysisError, match="laser_wavelength"):
        crystallite_size(ds)
    assert float(crystallite_size(ds, laser_wavelength=532).crystallite_size[0]) == \
        pytest.approx(19.22, abs=0.01)


def test_crystallite_size_from_spectra():
    ds = carbon_spectra(5, model="2band", id_ig=0.5, counts=COUNTS, seed=6)
    truth = ds.attrs["ground_truth"]["id_ig_area"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = crystallite_size(ds, fit={"model": "2band"})
    np.testing.assert_allclose(res.crystallite_size.values, 2.4e-10 * 532 ** 4 / truth, rtol=0.02)
    assert res.model.values.tolist() == ["2band"] * 5
    assert json.loads(res.attrs["models"])["2band"]["background"] == "linear"


# ---------------------------------------------------------------------- real files
def _read(rel: str) -> xr.Dataset:
    path = RAMAN / rel
    if not path.is_file():
        pytest.skip(f"real Raman data not available: {path} is absent")
    try:
        ds = ch.read(path)
    except ReadError as exc:
        pytest.skip(f"Raman reader for {path.suffix} not ready: {exc}")
    if ds.attrs.get("technique") == "raman":
        return ds
    # Generic two-column text (the Raman text reader is not in yet): the axis is the Raman
    # shift in 1/cm and the values are counts, as the MANIFEST states; say so explicitly.
    (var,) = ds.data_vars
    (dim,) = ds[var].dims
    ds = ds.rename({dim: "raman_shift", var: "intensity"}).sortby("raman_shift")
    ds["raman_shift"].attrs.update(units="1/cm", long_name="Raman shift")
    ds["intensity"].attrs.update(units="count", long_name="Intensity")
    ds.attrs["technique"] = "raman"
    return ds


def test_real_disordered_carbon_dw38c():
    spectra = [_read(f"raman-fitting/testDW38C_pos{i}.txt") for i in (2, 3, 4)]
    y = np.stack([s.intensity.values for s in spectra])
    ds = xr.Dataset({"intensity": (("sample", "raman_shift"), y, {"units": "count"})},
                    coords={"raman_shift": spectra[0].raman_shift}, attrs={"technique": "raman"})
    heights, areas = [], []
    for baseline in ("linear", "chebyshev(2)"):
        res = fit_carbon(ds, model=list(PRESETS), background=baseline)
        assert bool(res.success.all())
        d1, g = res.center.sel(peak="D1"), res.center.sel(peak="G")
        assert ((d1 > 1325) & (d1 < 1345)).all() and ((g > 1570) & (g < 1595)).all()
        for name in PRESETS:        # every candidate, not only the chosen one
            one = fit_carbon(ds, model=name, background=baseline, best_fit=False)
            heights += one.id_ig_height.values.tolist()
            areas += one.id_ig_area.values.tolist()
    # Model spread on one disordered carbon (measured: height 1.02-1.99, area 2.06-5.91; the
    # spread experts quote for six models and two baselines is 0.95-2.11 and 2.30-6.12)
    assert 0.9 < min(heights) and max(heights) < 2.2
    assert 1.9 < min(areas) and max(areas) < 6.5


@pytest.mark.parametrize("rel", ["datalab/raman_example.wdf", "datalab/raman_example.txt"])
def test_real_graphitic_datalab(rel):
    ds = _read(rel)
    laser = None if "laser_wavelength" in ds.coords else 632.8
    ds = ds.expand_dims(sample=1)
    ratios = []
    for baseline in ("linear", "chebyshev(2)"):
        res = fit_carbon(ds, model=list(PRESETS), background=baseline, laser_wavelength=laser)
        assert bool(res.success.all())
        assert float(res.center.sel(peak="G")[0]) == pytest.approx(1580.0, abs=2.0)
        for name in PRESETS:
            one = fit_carbon(ds, model=name, background=baseline, laser_wavelength=laser)
            ratios.append(float(one.id_ig_height[0]))
    # MANIFEST: 0.140-0.146 over 12 model/baseline combinations, computed during curation (a
    # cross-check, not an independent reference). Measured here: 0.1458-0.1490 over 8. The
    # tolerance (+-0.01 around that range) allows for the different band sets and fit range.
    assert 0.130 < min(ratios) and max(ratios) < 0.156, ratios


def test_real_line_map_ex2_in_one_call():
    ds = _read("py-wdf-reader/ex2.wdf")
    assert ds.sizes["spot"] == 235
    counts, defined, failed = {}, {}, {}
    for name in ("2band", "4band"):
        res = fit_carbon(ds, model=name, best_fit=False)
        assert res.id_ig_height.dims == ("spot",)
        counts[name] = int(res.success.sum())
        failed[name] = np.flatnonzero(~res.success.values)
        ok = np.isfinite(res.id_ig_height.values)
        defined[name] = int(ok.sum())
        # every undefined ratio says why, every defined one has no reason
        assert (res.reason.values[~ok] != "").all() and (res.reason.values[ok] == "").all()
        median = float(res.id_ig_height.median())
        # Before issue 10 every spectrum "converged" (2band 235/235, median 1.06; 4band
        # 222/235, median 0.60), including spots without carbon signal and D1 bands pinned at
        # their FWHM bound of 400 1/cm by the broad amorphous hump between D and G. With the
        # engine's detection and at-bound checks (measured): 2band 215 converged, ratio
        # defined in 43 (136 with D1.fwhm at its bound), median 0.52; 4band 184 converged (13
        # reach max_nfev as before), 96 defined, median 0.53. The MANIFEST cross-check
        # (0.32-0.35) needs a cubic background over 1000-1800 1/cm (2band median 0.28 there).
        assert 0.2 < median < 1.5
    # Since the engine's detection test (fit._quality): spots 21 and 24-42 carry no carbon
    # signal (mean G-band counts within 1 noise sigma of the baseline) and now fail instead of
    # reporting a ratio of noise; 4band also fails where its extra bands leave no band
    # significant.
    assert counts["2band"] == 215 and counts["4band"] >= 180, counts
    assert defined["2band"] >= 40 and defined["4band"] >= 90, defined
    assert set(range(24, 43)) <= set(failed["2band"]) and len(failed["2band"]) == 20
    shift = ds.raman_shift
    g_band = ds.intensity.where((shift > 1560) & (shift < 1620)).mean("raman_shift")
    edge = ds.intensity.where(shift > 1750).mean("raman_shift")
    noise = ds.intensity.where(shift > 1700).diff("raman_shift").std("raman_shift") / np.sqrt(2)
    assert float(((g_band - edge) / noise)[failed["2band"]].max()) < 1.0


# ---------------------------------------------------------------------- generator
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_noise_free_fit_recovers_generator_truth_exactly(preset):
    ds = carbon_spectra(3, model=preset, noise=0, seed=13)
    truth = ds.attrs["ground_truth"]
    res = fit_carbon(ds, model=preset, best_fit=False)
    for kind in ("height", "area"):
        np.testing.assert_allclose(res[f"id_ig_{kind}"], truth[f"id_ig_{kind}"], rtol=1e-5)
    for band in res.peak.values:
        np.testing.assert_allclose(res.center.sel(peak=band), truth[f"{band}.center"],
                                   atol=1e-3)
    np.testing.assert_allclose(res.value.sel(param="background.c1"), truth["background.c1"],
                               rtol=1e-4)


def test_generator_quadratic_baseline_coefficients_and_map_truth():
    ds = carbon_spectra(map_shape=(2, 3), model="2band", noise=0, background="quadratic",
                        seed=1)
    truth = ds.attrs["ground_truth"]
    x = ds.raman_shift.values
    far = x < 900                     # far from the bands: only their weak tails remain
    base = truth["background.c0"][..., None] + truth["background.c1"][..., None] * x + \
        truth["background.c2"][..., None] * x ** 2
    assert base.shape == (2, 3, x.size)
    resid = ds.intensity.values - base
    assert (resid[..., far] > 0).all()          # band tails only
    assert (resid[..., far] < 0.1 * truth["G.height"][..., None]).all()
    assert ds.intensity.dims == ("y", "x", "raman_shift") and ds.x.attrs["units"] == "um"
    assert set(np.unique(truth["model"])) == {"2band"}


# ---------------------------------------------------------------------- issue 10: no silent answers
def test_noise_zero_and_constant_pixels_give_nan_ratios_with_a_reason():
    """Empty map pixels must not report I_D/I_G (they gave up to 1e178 with success=True; all
    zeros 1.0, a constant 2e-4)."""
    ds = carbon_spectra(map_shape=(3, 4), model="2band", counts=COUNTS, seed=30)
    y = ds.intensity.values.copy()
    rng = np.random.default_rng(31)
    y[0, 0] = 0.0                                          # all zero
    y[0, 1] = 800.0                                        # constant
    y[1, 2] = rng.poisson(800.0, y.shape[-1])              # noise only
    y[2, 3] = 800.0 + rng.normal(0.0, 30.0, y.shape[-1])   # noise only
    bad = np.zeros(y.shape[:2], dtype=bool)
    bad[0, 0] = bad[0, 1] = bad[1, 2] = bad[2, 3] = True
    res = fit_carbon(ds.copy(data={"intensity": y}), model=["2band", "4band"])
    for kind in ("height", "area"):
        assert np.isnan(res[f"id_ig_{kind}"].values[bad]).all(), kind
        assert np.isfinite(res[f"id_ig_{kind}"].values[~bad]).all(), kind
    assert (res.reason.values[bad] != "").all() and (res.reason.values[~bad] == "").all()
    assert "degenerate" in str(res.reason.values[0, 0])
    assert not res.g_detected.values[bad].any()
    truth = ds.attrs["ground_truth"]["id_ig_height"][~bad]
    assert np.median(np.abs(res.id_ig_height.values[~bad] / truth - 1)) < 0.02


def test_range_excluding_a_preset_band_raises():
    ds = carbon_spectra(2, model="2band", seed=0)
    with pytest.raises(AnalysisError, match="excludes band D1"):
        fit_carbon(ds, model="2band", range=(1450, 2000))
    with pytest.raises(AnalysisError, match="excludes band G"):
        fit_carbon(ds, model="4band", range=(800, 1540))


def test_optional_bands_keep_their_labels_and_ratios():
    ds = carbon_spectra(8, model=("2band", "4band"), include=("tPA", "2D", "D'"),
                        counts=COUNTS, seed=33)
    truth = ds.attrs["ground_truth"]
    res = fit_carbon(ds, model=["2band", "4band"], include=("tPA", "2D", "D'"))
    assert list(res.peak.values) == ["tPA1", "D4", "D1", "tPA2", "D3", "G", "D2", "2D"]
    assert bool(res.success.all())
    for band in ("tPA1", "tPA2", "2D", "D1", "G"):
        err = np.abs(res.center.sel(peak=band).values - truth[f"{band}.center"])
        assert np.median(err) < 3.0, (band, np.median(err))
    i2d = truth["2D.height"] / truth["G.height"]
    assert np.median(np.abs(res.i2d_ig_height.values / i2d - 1)) < 0.03
    idp = truth["D2.area"] / truth["G.area"]
    assert np.median(np.abs(res.id2_ig_area.values / idp - 1)) < 0.2
    assert res.i2d_ig_height.attrs["units"] == "1" and "2D" in res.i2d_ig_height.attrs["long_name"]
    assert "2D.center" in res.param.values and "tPA1.fwhm" in res.param.values
    # D1 is D1 whatever the model
    two = fit_carbon(ds, model="2band", best_fit=False)
    assert "D1" in two.peak.values and "D" not in two.peak.values


def test_quality_mask_for_maps():
    ds = carbon_spectra(map_shape=(4, 4), model="2band", counts=COUNTS, seed=34)
    y = ds.intensity.values.copy()
    weak = np.zeros((4, 4), dtype=bool)
    weak[1, :] = True
    faint = carbon_spectra(map_shape=(1, 4), model="2band", counts=300, seed=35)  # same grid
    y[1] = faint.intensity.values[0]
    res = fit_carbon(ds.copy(data={"intensity": y}), model="2band", min_snr=50)
    assert res.snr.dims == ("y", "x") and res.snr.attrs["units"] == "1"
    assert (res.snr.values[~weak] > 50).all() and (res.snr.values[weak] < 50).all()
    assert np.isnan(res.id_ig_height.values[weak]).all()
    assert np.isfinite(res.id_ig_height.values[~weak]).all()
    assert (res.quality.values == ~weak).all()
    assert all("signal-to-noise" in str(r) for r in res.reason.values[weak])
    # map statistics (median, histogram) then use good pixels only
    truth = ds.attrs["ground_truth"]["id_ig_height"]
    assert abs(float(res.id_ig_height.median()) / np.median(truth[~weak]) - 1) < 0.02
    everything = fit_carbon(ds.copy(data={"intensity": y}), model="2band")
    assert np.isfinite(everything.id_ig_height.values).all()     # detected, only faint
