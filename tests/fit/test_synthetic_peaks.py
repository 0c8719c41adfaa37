"""characterization.synthetic.peak_spectra: conventions, seeding, exact ground truth."""

import numpy as np
import pytest
import xarray as xr

from characterization.conventions import validate
from characterization.fit import Model
from characterization.synthetic import peak_spectra


def test_follows_conventions_and_is_seeded():
    ds = peak_spectra(5, seed=3)
    validate(ds, "raman")
    assert ds.intensity.dims == ("sample", "raman_shift")
    assert ds.raman_shift.attrs["units"] == "1/cm" and ds.intensity.attrs["units"] == "count"
    assert ds.sizes == {"sample": 5, "raman_shift": 1000}
    xr.testing.assert_identical(ds.drop_attrs(), peak_spectra(5, seed=3).drop_attrs())
    assert not np.array_equal(ds.intensity, peak_spectra(5, seed=4).intensity)


@pytest.mark.parametrize("technique, dim, units", [("raman", "raman_shift", "count"),
                                                   ("xrd", "two_theta", "count"),
                                                   ("xps", "binding_energy", "count/s")])
def test_ground_truth_reproduces_the_data(technique, dim, units):
    ds = peak_spectra(4, technique=technique, shape="pseudo_voigt", seed=1, noise=0.0)
    assert ds.intensity.attrs["units"] == units
    truth = ds.attrs["ground_truth"]
    model = Model.from_json(ds.attrs["model"])
    params = {n: truth[n] for n in model.parameter_names}
    np.testing.assert_allclose(model.eval(ds[dim].values, params), ds.intensity.values,
                               rtol=1e-12, atol=1e-9)
    for peak in model.peak_names:
        np.testing.assert_allclose(truth[f"{peak}.area"], truth[f"{peak}.amplitude"])


def test_noise_level_and_default_carbon_spectrum():
    ds = peak_spectra(20, seed=2)
    truth = ds.attrs["ground_truth"]
    model = Model.from_json(ds.attrs["model"])
    assert model.peak_names == ("D4", "D1", "D3", "G")
    assert {p.shape for p in model.peaks} == {"lorentzian"}
    clean = model.eval(ds.raman_shift.values, {n: truth[n] for n in model.parameter_names})
    residual = ds.intensity.values - clean
    assert residual.std() == pytest.approx(truth["noise"][0], rel=0.02)
    assert truth["noise"][0] == pytest.approx(10.0)          # 1 % of the 1000-count D1 band
    assert 1570 < truth["G.center"].mean() < 1610


def test_custom_peaks_and_validation():
    ds = peak_spectra(3, peaks=[{"name": "A", "center": 1300, "fwhm": 40, "height": 10,
                                 "shape": "bwf", "q": -4.0}], background="none", noise=0.0)
    truth = ds.attrs["ground_truth"]
    assert truth["A.q"].tolist() == [-4.0] * 3 and "background.c0" not in truth
    with pytest.raises(ValueError, match="unknown entries"):
        peak_spectra(2, peaks=[{"name": "A", "center": 1, "fwhm": 1, "height": 1, "eta": 1}])
    with pytest.raises(ValueError, match="technique"):
        peak_spectra(2, technique="nmr")
    with pytest.raises(ValueError, match="background"):
        peak_spectra(2, background="cubic")
