"""Parity with lmfit: same model function, same starting values, same optimum and errors.

For every line shape, 50 noisy synthetic spectra are fitted by ``fit_peaks`` (batched) and by a
loop of ``lmfit.Model.fit`` (MINPACK leastsq, finite-difference Jacobian) on the lmfit model
made by :func:`characterization.fit.lmfit_bridge.to_lmfit`. Criteria:

* parameters: relative difference <= 1e-4, or (for coefficients near zero, where a relative
  difference is meaningless) an absolute difference <= 1e-3 standard errors;
* standard errors: within 5 % (lmfit's ``scale_covar=True`` convention in both).
"""

import numpy as np
import pytest
import xarray as xr

from characterization.fit import Model, Param, Peak, Tie, fit_peaks
from characterization.fit._layout import Layout
from characterization.fit.guess import guess_values
from characterization.fit.lmfit_bridge import (from_lmfit_parameters, lmfit_name, to_lmfit,
                                               with_lmfit_parameters)
from characterization.synthetic import peak_spectra

lmfit = pytest.importorskip("lmfit")

# extra generating parameters per shape (the rest default)
SHAPES = {"gaussian": {}, "lorentzian": {}, "pseudo_voigt": {"eta": 0.4}, "voigt": {},
          "pearson7": {"m": 2.0}, "bwf": {"q": -6.0}, "gl": {"m": 30.0}, "sgl": {"m": 40.0},
          "split_pseudo_voigt": {"eta": 0.5}, "split_lorentzian": {}}
N_SPECTRA = 50


def _lmfit_loop(model, x, y):
    values, errors, success, starts = [], [], [], []
    names = [lmfit_name(n) for n in model.parameter_names]
    for row in y:
        lm_model, params = to_lmfit(model, x, row)
        starts.append([params[n].value for n in names])
        result = lm_model.fit(row, params, x=x)
        values.append([result.params[n].value for n in names])
        errors.append([result.params[n].stderr if result.params[n].stderr is not None else np.nan
                       for n in names])
        success.append(result.success)
    return np.array(values), np.array(errors), np.array(success), np.array(starts)


def _assert_parity(model, ds, ours):
    x = ds[ours.attrs["dim"]].values
    y = ds[ours.attrs["var"]].values
    values, errors, success, starts = _lmfit_loop(model, x, y)
    # same starting values: lmfit's come from the same per-spectrum guess as the engine's
    layout = Layout(model, x)
    np.testing.assert_allclose(starts, guess_values(layout, y), rtol=1e-12)
    assert success.all() and bool(ours.success.all())
    v, e = ours.value.values, ours.stderr.values
    diff = np.abs(v - values)
    free = np.array([s.free for s in model.slots])
    well_posed = (diff <= 1e-4 * np.abs(values)) | (diff <= 1e-3 * errors)
    assert well_posed[:, free].all(), (diff / np.abs(values)).max(axis=0)
    np.testing.assert_allclose(e[:, free], errors[:, free], rtol=0.05)
    return diff, values, errors


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_single_peak_parity(shape):
    ds = peak_spectra(N_SPECTRA, shape=shape, n_points=200, x_range=(1100, 1700), noise=15,
                      seed=5, peaks=[{"name": "P", "center": 1400.0, "fwhm": 80.0,
                                      "height": 1000.0, **SHAPES[shape]}])
    model = Model([Peak("P", shape, center=1400)], background="linear")
    ours = fit_peaks(ds, model, components=False)
    diff, values, errors = _assert_parity(model, ds, ours)
    # in practice the agreement is far tighter than required
    assert np.nanmax(diff / errors) < 5e-3


def test_two_peak_parity_with_tie_and_fixed_parameter():
    rng = np.random.default_rng(3)
    model = Model([Peak("A", "pseudo_voigt", center=1380, eta=Param(0.5, vary=False)),
                   Peak("B", "pseudo_voigt", center=1560, fwhm=Tie("A.fwhm", scale=0.8),
                        eta=Tie("A.eta"), amplitude=Param(None, min=0, max=1e7))],
                  background="constant")
    x = np.linspace(1150, 1750, 250)
    n = N_SPECTRA
    truth = {"A.amplitude": rng.uniform(6e4, 9e4, n), "A.center": rng.normal(1380, 4, n),
             "A.fwhm": rng.uniform(70, 90, n), "A.eta": 0.5,
             "B.amplitude": rng.uniform(3e4, 5e4, n), "B.center": rng.normal(1560, 4, n),
             "background.c0": rng.uniform(20, 60, n)}
    y = model.eval(x, truth) + rng.normal(0, 8, (N_SPECTRA, x.size))
    ds = xr.Dataset({"intensity": (("sample", "raman_shift"), y, {"units": "count"})},
                    coords={"raman_shift": ("raman_shift", x, {"units": "1/cm"})},
                    attrs={"technique": "raman"})
    ours = fit_peaks(ds, model, components=False)
    _assert_parity(model, ds, ours)


def test_lmfit_model_evaluates_the_same_function():
    model = Model([Peak("A", "voigt", center=10.0, fwhm_g=2.0, fwhm_l=1.0, amplitude=50.0),
                   Peak("B", "bwf", center=14.0, fwhm=2.0, q=-5.0, amplitude=Tie("A.amplitude",
                                                                                     scale=0.3),
                        amplitude_type="height")],
                  background=dict(kind="chebyshev", degree=2, c0=1.0, c1=0.5, c2=-0.2))
    x = np.linspace(0, 25, 300)
    lm_model, params = to_lmfit(model, x)
    assert params["B_amplitude"].expr == "0.3*A_amplitude"
    assert params["A_fwhm_g"].min == 0 and params["A_amplitude"].min == 0
    np.testing.assert_allclose(lm_model.eval(params, x=x),
                               model.eval(x, {s.name: s.spec.value for s in model.slots
                                              if not s.tied}), rtol=1e-13)


def test_lmfit_parameters_round_trip():
    model = Model([
        Peak("Si2p3", "gl", center=Param(99.4, min=98, max=101), fwhm=0.8, m=Param(30, vary=False),
             amplitude=1000.0),
        Peak("Si2p1", "gl", amplitude=Tie("Si2p3.amplitude", scale=0.5),
             center=Tie("Si2p3.center", offset=0.6), fwhm="Si2p3.fwhm", m=30.0)],
        background=dict(kind="linear", c0=10.0, c1=0.0))
    _, params = to_lmfit(model)
    assert params["Si2p1_center"].expr == "Si2p3_center + 0.6"
    back = with_lmfit_parameters(model, params)
    for a, b in zip(model.slots, back.slots):
        assert (a.name, a.lower, a.upper, a.free, a.tied) == (b.name, b.lower, b.upper, b.free,
                                                               b.tied)
        if a.tied:
            assert a.spec == b.spec
        else:
            assert a.spec.value == b.spec.value
    # edits made in lmfit come back, including linear expressions written differently
    params["Si2p1_center"].set(expr="0.6 + 1.0*Si2p3_center")
    params["Si2p1_amplitude"].set(expr="Si2p3_amplitude / 2")
    params["Si2p3_fwhm"].set(value=0.9, min=0.5, max=1.5)
    edited = with_lmfit_parameters(model, params)
    slots = {s.name: s for s in edited.slots}
    assert slots["Si2p1_center".replace("_", ".", 1)].spec == Tie("Si2p3.center", 1.0, 0.6)
    assert slots["Si2p1.amplitude"].spec == Tie("Si2p3.amplitude", 0.5, 0.0)
    assert (slots["Si2p3.fwhm"].lower, slots["Si2p3.fwhm"].upper) == (0.5, 1.5)
    rebuilt = from_lmfit_parameters(params, {"Si2p3": "gl", "Si2p1": "gl"})
    assert rebuilt.parameter_names == model.parameter_names
    assert rebuilt.background.kind == "linear"
    params["Si2p1_center"].set(expr="Si2p3_center * Si2p3_fwhm")
    with pytest.raises(ValueError, match="not a linear tie"):
        with_lmfit_parameters(model, params)


def test_to_lmfit_needs_data_for_missing_values():
    model = Model([Peak("A", "gaussian", center=5.0)])
    with pytest.raises(ValueError, match="no starting value"):
        to_lmfit(model)
    x = np.linspace(0, 10, 101)
    _, params = to_lmfit(model, x, 3 * np.exp(-(x - 5) ** 2))
    assert params["A_fwhm"].value == pytest.approx(2 * np.sqrt(np.log(2)), rel=0.15)
