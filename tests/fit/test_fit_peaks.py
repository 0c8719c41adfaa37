"""fit_peaks: known answers, failures, ties, bounds, batch dims, dask, units, provenance."""

import copy
import json
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization import AnalysisError
from characterization.fit import Model, Param, Peak, Tie, fit_peaks

CARBON = Model([Peak("D4", "lorentzian", center=1200), Peak("D1", "lorentzian", center=1350),
                Peak("D3", "lorentzian", center=1500), Peak("G", "lorentzian", center=1590)],
               background="linear")


@pytest.fixture(scope="module")
def carbon():
    ds = ch.synthetic.peak_spectra(40, seed=11)
    return ds, fit_peaks(ds, CARBON)


def test_known_answer_recovery_and_honest_errors(carbon):
    ds, res = carbon
    truth = ds.attrs["ground_truth"]
    assert bool(res.success.all())
    pulls = []
    for k, name in enumerate(res.param.values):
        got = res.value.sel(param=name).values
        err = res.stderr.sel(param=name).values
        pulls.append((got - truth[name]) / err)
    pulls = np.concatenate(pulls)
    # parameter errors are consistent with the reported standard errors
    assert np.abs(pulls).max() < 5
    assert 0.75 < pulls.std() < 1.25
    # derived values against the exact truth
    for peak in ("D1", "G"):
        np.testing.assert_allclose(res.height.sel(peak=peak), truth[f"{peak}.height"], rtol=0.03)
        np.testing.assert_allclose(res.area.sel(peak=peak), truth[f"{peak}.area"], rtol=0.03)
        np.testing.assert_allclose(res.center.sel(peak=peak), truth[f"{peak}.center"], atol=1.5)
    # noise level recovered: redchi ~ sigma^2
    assert np.median(res.redchi) == pytest.approx(truth["noise"][0] ** 2, rel=0.1)
    np.testing.assert_allclose(res.best_fit + 0, res.components.sum("component"), rtol=1e-10)


def test_result_structure_units_and_provenance(carbon):
    pint = pytest.importorskip("pint")
    ds, res = carbon
    ureg = pint.UnitRegistry()
    assert res.value.dims == ("sample", "param") and res.best_fit.dims == ("sample", "raman_shift")
    assert res.components.dims == ("sample", "component", "raman_shift")
    assert res.area.dims == ("sample", "peak")
    for name, var in res.variables.items():
        assert "units" in var.attrs and "long_name" in var.attrs, name
        if var.dtype.kind in "fiub":
            ureg.parse_units(var.attrs["units"])
    for units in res.param_units.values:
        ureg.parse_units(str(units))
    assert ureg("1 count * (1/cm)").dimensionality == ureg(res.area.attrs["units"]).dimensionality
    assert res.center.attrs["units"] == "1/cm" and res.height.attrs["units"] == "count"
    assert res.redchi.attrs["units"] == "count**2"
    assert dict(zip(res.param.values, res.param_units.values))["background.c1"] == "count / (1/cm)"
    a = res.attrs
    assert a["method"].startswith("batched Levenberg")
    assert a["characterization_version"] == ch.__version__
    assert Model.from_json(a["model"]) == CARBON
    assert a["dim"] == "raman_shift" and a["var"] == "intensity"
    parameters = json.loads(a["parameters"])
    for key in ("dim", "var", "range", "weights", "max_nfev", "xtol", "ftol", "gtol"):
        assert key in parameters
    assert all(isinstance(v, (str, int, float, list)) for v in a.values())


def test_netcdf_round_trip(carbon, tmp_path):
    pytest.importorskip("h5netcdf")
    _, res = carbon
    path = tmp_path / "fit.nc"
    res.to_netcdf(path, engine="h5netcdf")
    back = xr.load_dataset(path, engine="h5netcdf")
    np.testing.assert_array_equal(back.value.values, res.value.values)
    assert back.attrs["model"] == res.attrs["model"]


def test_input_not_mutated():
    ds = ch.synthetic.peak_spectra(3, seed=2)
    ds.attrs.pop("ground_truth")
    before = ds.copy(deep=True)
    attrs_before = copy.deepcopy(ds.attrs)
    fit_peaks(ds, CARBON, range=(1000, 1800), weights="poisson")
    xr.testing.assert_identical(ds, before)
    assert ds.attrs == attrs_before


def test_nan_spectrum_fails_alone_and_nan_points_are_skipped():
    ds = ch.synthetic.peak_spectra(5, seed=4)
    y = ds.intensity.values.copy()
    y[1] = np.nan                      # whole spectrum missing
    y[3, 100:140] = np.nan             # a gap: those points are ignored
    bad = ds.copy(data={"intensity": y})
    res = fit_peaks(bad, CARBON)
    assert res.success.values.tolist() == [True, False, True, True, True]
    assert np.isnan(res.value[1]).all() and np.isnan(res.area[1]).all()
    assert int(res.status[1]) < 0
    clean = fit_peaks(ds, CARBON)
    np.testing.assert_allclose(res.value[[0, 2, 4]], clean.value[[0, 2, 4]], rtol=1e-12)
    np.testing.assert_allclose(res.value[3], clean.value[3], rtol=0.02)


def test_non_convergence_gives_nan_not_exception():
    ds = ch.synthetic.peak_spectra(3, seed=4)
    res = fit_peaks(ds, CARBON, max_nfev=2)
    assert not res.success.any() and np.isnan(res.value).all()
    assert (res.status == -1).all()


def test_ties_and_fixed_parameters_are_honoured():
    model = Model([
        Peak("Si2p3", "gl", center=99.4, m=Param(30, vary=False)),
        Peak("Si2p1", "gl", amplitude=Tie("Si2p3.amplitude", scale=0.5),
             center=Tie("Si2p3.center", offset=0.6), fwhm=Tie("Si2p3.fwhm"),
             m=Param(30, vary=False)),
        Peak("SiO2", "gl", center=103.5, m=Param(30, vary=False))], background="linear")
    # data made by the tied model itself (so the ties hold in the truth), plus noise
    rng = np.random.default_rng(8)
    n = 12
    x = np.linspace(95, 108, 300)
    truth = {"Si2p3.amplitude": rng.uniform(800, 1200, n), "Si2p3.center": rng.normal(99.4, 0.1, n),
             "Si2p3.fwhm": rng.uniform(0.7, 0.9, n), "Si2p3.m": 30.0, "Si2p1.m": 30.0,
             "SiO2.amplitude": rng.uniform(400, 700, n), "SiO2.center": rng.normal(103.5, 0.2, n),
             "SiO2.fwhm": rng.uniform(1.4, 1.8, n), "SiO2.m": 30.0,
             "background.c0": rng.uniform(50, 100, n), "background.c1": rng.uniform(-0.5, 0.5, n)}
    y = model.eval(x, truth) + rng.normal(0, 10, (n, x.size))
    ds = xr.Dataset({"intensity": (("sample", "binding_energy"), y,
                                   {"units": "count/s", "long_name": "Intensity"})},
                    coords={"binding_energy": ("binding_energy", x, {"units": "eV",
                                                                      "long_name": "BE"})},
                    attrs={"technique": "xps"})
    res = fit_peaks(ds, model)
    assert bool(res.success.all())
    v, e = res.value, res.stderr
    np.testing.assert_allclose(v.sel(param="Si2p1.amplitude"), 0.5 * v.sel(param="Si2p3.amplitude"),
                               rtol=1e-14)
    np.testing.assert_allclose(v.sel(param="Si2p1.center") - v.sel(param="Si2p3.center"), 0.6,
                               rtol=1e-9)
    np.testing.assert_array_equal(v.sel(param="Si2p1.fwhm"), v.sel(param="Si2p3.fwhm"))
    assert (v.sel(param="Si2p3.m") == 30).all() and (e.sel(param="Si2p3.m") == 0).all()
    np.testing.assert_allclose(e.sel(param="Si2p1.amplitude"), 0.5 * e.sel(param="Si2p3.amplitude"),
                               rtol=1e-12)
    for name in ("Si2p3.center", "Si2p3.amplitude", "Si2p3.fwhm", "SiO2.center"):
        pull = (v.sel(param=name) - truth[name]) / e.sel(param=name)
        assert float(np.abs(pull).max()) < 4, name
    np.testing.assert_allclose(res.area.sel(peak="Si2p1") / res.area.sel(peak="Si2p3"), 0.5)


def test_active_bound_is_respected_exactly():
    ds = ch.synthetic.peak_spectra(6, seed=5)
    model = Model([Peak("D4", "lorentzian", center=1200), Peak("D1", "lorentzian", center=1350),
                   Peak("D3", "lorentzian", center=1500),
                   Peak("G", "lorentzian", center=1590, fwhm=Param(40, min=20, max=50))],
                  background="linear")
    res = fit_peaks(ds, model)          # true G fwhm ~ 63-77: the upper bound must be active
    assert bool(res.success.all())
    np.testing.assert_array_equal(res.value.sel(param="G.fwhm"), 50.0)
    assert (res.value.sel(param="D1.amplitude") > 0).all()


def test_multiple_batch_dims_and_loop_of_singles():
    ds = ch.synthetic.peak_spectra(6, seed=6)
    ds.attrs.pop("ground_truth")
    flat = fit_peaks(ds, CARBON)
    mapped = ds.assign_coords(y=("sample", [0, 0, 0, 1, 1, 1]), x=("sample", [0, 1, 2] * 2))
    mapped = mapped.drop_vars("sample").set_index(sample=["y", "x"]).unstack("sample")
    mapped["y"].attrs, mapped["x"].attrs = {"units": "um", "long_name": "y"}, {
        "units": "um", "long_name": "x"}
    res = fit_peaks(mapped, CARBON)
    assert res.value.dims == ("y", "x", "param") and res.components.dims[:3] == ("y", "x",
                                                                                "component")
    np.testing.assert_array_equal(res.value.values.reshape(6, -1), flat.value.values)
    for i in (0, 4):
        single = fit_peaks(ds.isel(sample=i), CARBON)
        assert single.value.dims == ("param",)
        np.testing.assert_array_equal(single.value.values, flat.value.values[i])


def test_dask_equals_eager():
    pytest.importorskip("dask")
    ds = ch.synthetic.peak_spectra(10, seed=7)
    ds.attrs.pop("ground_truth")
    eager = fit_peaks(ds, CARBON)
    lazy = fit_peaks(ds.chunk(sample=3), CARBON)
    assert lazy.value.chunks is not None
    computed = lazy.compute()
    for name in eager.data_vars:
        np.testing.assert_array_equal(computed[name].values, eager[name].values, err_msg=name)
    assert computed.attrs == eager.attrs


def test_range_on_descending_axis_and_weights():
    ds = ch.synthetic.peak_spectra(4, technique="xps", shape="gaussian", seed=9, n_points=400)
    desc = ds.isel(binding_energy=slice(None, None, -1))
    model = Model([Peak("Si2p3", "gaussian", center=99.4), Peak("Si2p1", "gaussian", center=100.0),
                   Peak("SiO2", "gaussian", center=103.5)], background="linear")
    asc = fit_peaks(ds, model, range=(97, 106))
    res = fit_peaks(desc, model, range=(106, 97))
    assert res.sizes["binding_energy"] == asc.sizes["binding_energy"]
    np.testing.assert_allclose(res.value, asc.value, rtol=1e-7)
    ones = xr.ones_like(ds.intensity)
    weighted = fit_peaks(ds, model, range=(97, 106), weights=ones)
    np.testing.assert_allclose(weighted.value, asc.value, rtol=1e-10)
    assert weighted.redchi.attrs["units"] == "1"
    poisson = fit_peaks(ds, model, range=(97, 106), weights="poisson")
    assert bool(poisson.success.all()) and json.loads(
        poisson.attrs["parameters"])["weights"].startswith("poisson")


def test_accessor_equals_function_and_registry():
    from characterization import _api

    entry = _api.get("fit.fit_peaks")
    from example_inputs import example

    ds, kwargs = example("fit.fit_peaks")
    assert entry.batch_dim in ds.dims
    via_accessor = ds.fit.fit_peaks(**kwargs)
    xr.testing.assert_identical(via_accessor, fit_peaks(ds, **kwargs))
    assert bool(via_accessor.success.all())


def test_model_given_as_dict_or_json():
    ds = ch.synthetic.peak_spectra(2, seed=3)
    a = fit_peaks(ds, CARBON, components=False)
    b = fit_peaks(ds, CARBON.to_dict(), components=False)
    c = fit_peaks(ds, CARBON.to_json(), components=False)
    xr.testing.assert_identical(a, b)
    xr.testing.assert_identical(a, c)
    assert "components" not in a


@pytest.mark.parametrize("kwargs, message", [
    ({"range": (5000, 6000)}, "keeps 0 points"),
    ({"range": (1, 1)}, "two different"),
    ({"var": "nope"}, "not in Dataset"),
    ({"dim": "sample"}, "numeric"),
    ({"weights": 3}, "weights must be"),
    ({"weights": "nope"}, "neither 'poisson'"),
])
def test_bad_arguments_raise_clear_errors(kwargs, message):
    ds = ch.synthetic.peak_spectra(2, seed=1)
    with pytest.raises(AnalysisError, match=message):
        fit_peaks(ds, CARBON, **kwargs)


def test_missing_technique_or_units_raise():
    ds = ch.synthetic.peak_spectra(2, seed=1)
    bare = ds.copy()
    bare.attrs = {}
    with pytest.raises(AnalysisError, match="pass dim= and var="):
        fit_peaks(bare, CARBON)
    fit_peaks(bare, CARBON, dim="raman_shift", var="intensity", components=False)
    no_units = ds.copy()
    no_units["intensity"] = no_units.intensity.copy()
    no_units["intensity"].attrs = {}
    with pytest.raises(AnalysisError, match="units"):
        fit_peaks(no_units, CARBON)
    with pytest.raises(AnalysisError, match="model must be"):
        fit_peaks(ds, 42)


def test_import_is_light():
    code = ("import sys, characterization, characterization.fit; "
            "print(json.dumps([m for m in ('lmfit', 'matplotlib', 'dask') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == []
