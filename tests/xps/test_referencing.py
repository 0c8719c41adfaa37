"""Energy referencing: reference peak position, shift, calibration of regions and trees."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization.errors import AnalysisError
from characterization.synthetic.xps import si2p_spectra


def _c1s(n=4, charge=0.0, seed=0):
    # one GL(30) peak at 284.8 eV + charge (no doublet), Shirley step, Poisson counts
    return si2p_spectra(n, fractions=[1.0], shifts=[0.0], fwhm=[1.1], e0=284.8, splitting=0.0,
                        ratio=0.0, energy=(278.0, 292.0, 0.1), charge_shift=charge, seed=seed)


def test_reference_energy_recovers_charging_shift():
    charge = np.array([0.0, 0.35, -0.8, 2.1])
    ds = _c1s(charge=charge, seed=3)
    ref = ch.xps.reference_energy(ds)
    assert bool(ref.success.all())
    np.testing.assert_allclose(ref.energy_shift.values, -charge, atol=0.01)
    assert (ref.energy_shift_stderr < 0.01).all() and (ref.energy_shift_stderr > 0).all()
    # the stated error is honest: |error| within 4 sigma
    assert np.all(abs(ref.energy_shift.values + charge) < 4 * ref.energy_shift_stderr.values)
    assert ref.energy_shift.attrs["units"] == "eV" and float(ref.reference) == 284.8


def test_calibrate_per_spectrum_moves_peaks_to_reference():
    charge = np.array([0.4, -0.25, 0.0])
    ds = _c1s(3, charge=charge, seed=5)
    ref = ch.xps.reference_energy(ds)
    cal = ch.xps.calibrate(ds, shift=ref)
    again = ch.xps.reference_energy(cal, range=(280.0, 290.0))
    np.testing.assert_allclose(again.center.values, 284.8, atol=0.02)
    assert "energy_shift_stderr" in cal and cal.energy_shift.dims == ("sample",)
    history = json.loads(cal.attrs["preprocessing"])
    assert history[-1]["function"] == "characterization.xps.calibrate"
    assert history[-1]["parameters"]["shift"]["reference"] == 284.8


def test_calibrate_uniform_shift_is_exact_and_tree_is_consistent():
    c1s = _c1s(2, charge=0.5, seed=1)
    si = si2p_spectra(2, charge_shift=0.5, seed=2)
    ref = ch.xps.reference_energy(c1s).mean("sample")
    tree = xr.DataTree.from_dict({"C_1s": c1s, "Si_2p": si})
    out = ch.xps.calibrate(tree, shift=ref)
    d = float(ref.energy_shift)
    for name, src in (("C_1s", c1s), ("Si_2p", si)):
        node = out[name].to_dataset()
        np.testing.assert_allclose(node.binding_energy.values, src.binding_energy.values + d)
        np.testing.assert_array_equal(node.counts.values, src.counts.values)
    single = ch.xps.calibrate(si, shift=0.25)
    np.testing.assert_allclose(single.binding_energy - si.binding_energy, 0.25)
    assert single.energy_shift.attrs["units"] == "eV"


def test_failed_reference_is_nan_and_cannot_be_applied():
    ds = _c1s(2, seed=4)
    ds["intensity"][1] = 50.0 + 0.0 * ds["intensity"][1]
    ds["counts"][1] = 25.0
    ref = ch.xps.reference_energy(ds)
    assert ref.success.values.tolist() == [True, False]
    assert np.isnan(ref.energy_shift[1])
    with pytest.raises(AnalysisError, match="NaN"):
        ch.xps.calibrate(ds, shift=ref.isel(sample=1))
    with pytest.raises(AnalysisError, match="shift must be"):
        ch.xps.calibrate(ds, shift="C 1s")
