"""Energies (ISO 14577 work partitioning) against the generator's exact integrals."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.nanoindent import energies, segment
from characterization.synthetic import indentation_curves

KEYS = ("total_work", "elastic_work", "plastic_work", "elastic_fraction")
CASES = {
    "berkovich": dict(),
    "berkovich_popin_drift_hold": dict(popin_load=20.0, drift_hold_time=10.0),
    "sphere": dict(tip="sphere", max_load=20.0, modulus=150.0, hardness=6.0),
    "flat_punch": dict(tip="flat_punch", max_load=500.0, modulus=150.0, max_depth=1000.0),
}


@pytest.mark.parametrize("source", ["auto", "detect"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_known_energies_within_half_percent(case, source):
    ds = indentation_curves(3, noise_load=0.002, noise_displacement=0.05, seed=7,
                            **CASES[case])
    truth = ds.attrs["ground_truth"]
    res = energies(segment(ds, source=source))
    assert res.success.all()
    for key in KEYS:
        np.testing.assert_allclose(res[key].values, truth[key], rtol=5e-3, err_msg=key)
    np.testing.assert_allclose(res.max_load.values, truth["max_load"], rtol=1e-3)


def test_unload_end_at_drift_hold_is_recorded():
    ds = indentation_curves(2, drift_hold_time=10.0, drift_hold_fraction=0.1, seed=3)
    truth = ds.attrs["ground_truth"]
    full, to_hold = energies(ds), energies(ds, unload_end="drift_hold")
    np.testing.assert_allclose(to_hold.elastic_work.values, truth["elastic_work_to_drift_hold"],
                               rtol=1e-3)
    np.testing.assert_allclose(full.elastic_work.values, truth["elastic_work"], rtol=1e-3)
    np.testing.assert_allclose(to_hold.unload_end_load.values, 5.0)
    assert json.loads(to_hold.attrs["parameters"])["unload_end"] == "drift_hold"
    assert (to_hold.elastic_work < full.elastic_work).all()


def test_hold_work_counted_only_when_asked():
    rate, hold = 0.5, 5.0
    ds = indentation_curves(1, drift_rate=rate, hold_time=hold, seed=1)
    without, with_hold = energies(ds), energies(ds, include_hold=True)
    extra = (with_hold.total_work - without.total_work).item()
    dt = ds.attrs["ground_truth"]["sampling_interval"]
    # P_max × drift during the hold (the first hold step is already in the loading)
    assert extra == pytest.approx(50.0 * rate * (hold - dt) * 1e-12, rel=1e-6)


def test_units_are_converted_to_joules():
    ds = indentation_curves(1, seed=1)
    micro = ds.assign(load=ds["load"] * 1000).assign(
        displacement=ds["displacement"] / 1000)
    micro["load"].attrs["units"] = "µN"
    micro["displacement"].attrs["units"] = "µm"
    a, b = energies(ds), energies(micro)
    np.testing.assert_allclose(a.total_work, b.total_work, rtol=1e-12)
    np.testing.assert_allclose(b.max_load, a.max_load, rtol=1e-12)
    with pytest.raises(AnalysisError, match="not understood"):
        energies(ds.assign(load=ds["load"].assign_attrs(units="kgf")))


def test_cycles_selected():
    a = indentation_curves(None, max_load=20.0)
    b = indentation_curves(None, max_load=40.0)
    ds = xr.Dataset(
        {"load": ("point", np.r_[a["load"].values, b["load"].values], {"units": "mN"}),
         "displacement": ("point", np.r_[a.displacement.values, b.displacement.values],
                          {"units": "nm"})},
        coords={"time": ("point", np.r_[a.time.values, b.time.values + 40]),
                "segment": ("point", np.r_[a.segment.values, b.segment.values]),
                "cycle": ("point", np.r_[np.ones(a.sizes["point"], int),
                                         np.full(b.sizes["point"], 2)])},
        attrs={"technique": "nanoindent"})
    first, last = energies(ds, cycle=1), energies(ds)
    assert first.elastic_work.item() == pytest.approx(
        a.attrs["ground_truth"]["elastic_work"], rel=1e-3)
    assert last.elastic_work.item() == pytest.approx(
        b.attrs["ground_truth"]["elastic_work"], rel=1e-3)
    missing = energies(ds, cycle=3)
    assert not missing.success.item() and "no cycle 3" in missing.message.item()
    assert np.isnan(missing.total_work.item())


def test_vendor_labels_and_a_failing_test_in_a_batch():
    ds = indentation_curves(2, seed=2)
    labels = np.where(ds.segment.values == "loading", "Load",
                      np.where(ds.segment.values == "unloading", "Unload From Peak",
                               np.where(ds.segment.values == "hold", "Hold", "")))
    labels[1] = np.where(labels[1] == "Unload From Peak", "Hold", labels[1])
    res = energies(ds.assign_coords(segment=(("indent", "point"), labels)))
    truth = ds.attrs["ground_truth"]
    assert res.success.values.tolist() == [True, False]
    assert res.elastic_work[0].item() == pytest.approx(truth["elastic_work"][0], rel=1e-3)
    assert np.isnan(res.elastic_work[1].item()) and "no unloading" in res.message[1].item()


def test_errors():
    ds = indentation_curves(1, seed=1)
    with pytest.raises(AnalysisError, match="run characterization.nanoindent.segment"):
        energies(ds.drop_vars("segment"))
    with pytest.raises(AnalysisError, match="unload_end"):
        energies(ds, unload_end="10%")
    with pytest.raises(AnalysisError, match="cycle"):
        energies(ds, cycle=0)
