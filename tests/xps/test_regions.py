"""stack_regions / unstack_regions: regions (or cycles) with different energy axes as one
NaN-padded Dataset along a batch dim, and back (DESIGN §3)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization.errors import AnalysisError
from characterization.synthetic.xps import si2p_spectra
from characterization.xps import stack_regions, unstack_regions
from conftest import shared_data


def _region(lo, hi, step, seed, n=2):
    ds = si2p_spectra(n, energy=(lo, hi, step), seed=seed)
    ds.attrs.pop("ground_truth")
    return ds


def test_union_axis_is_exact_and_round_trips():
    a, b = _region(96.0, 108.0, 0.1, 0), _region(100.0, 115.0, 0.1, 1)
    st = stack_regions({"A": a, "B": b})
    assert st.intensity.dims == ("region", "sample", "binding_energy")
    assert st.n_points.values.tolist() == [121, 151]
    assert st.sizes["binding_energy"] == 191                 # 96 ... 115 eV at 0.1 eV
    assert bool(st.binding_energy[0] > st.binding_energy[-1])     # descending like the input
    assert json.loads(st.attrs["preprocessing"])[-1]["method"] == "union"
    np.testing.assert_array_equal(st.intensity.sel(region="A").dropna("binding_energy").values,
                                  a.intensity.values)
    assert bool(st.intensity.sel(region="A", binding_energy=slice(115, 108.05)).isnull().all())
    back = unstack_regions(st)
    xr.testing.assert_identical(back["A"].to_dataset().drop_attrs(), a.drop_attrs())
    node = back["B"].to_dataset()          # shared points carry A's value (float noise only)
    np.testing.assert_allclose(node.binding_energy.values, b.binding_energy.values, atol=1e-9)
    xr.testing.assert_identical(node.drop_attrs().drop_vars(["binding_energy", "kinetic_energy"]),
                                b.drop_attrs().drop_vars(["binding_energy", "kinetic_energy"]))


def test_steps_that_differ_are_interpolated_and_recorded():
    a, b = _region(96.0, 108.0, 0.1, 0), _region(95.0, 110.0, 0.25, 1)
    with pytest.raises(AnalysisError, match="interpolate"):
        stack_regions([a, b], interpolate=False)
    st = stack_regions([a, b])
    step = json.loads(st.attrs["preprocessing"])[-1]
    assert step["method"] == "interpolated"
    assert step["parameters"]["energy_step"] == pytest.approx(0.1)
    assert step["parameters"]["node_steps"] == pytest.approx([0.1, 0.25])
    np.testing.assert_allclose(st.energy_step.values, [0.1, 0.25])
    # a point of b's own lattice is reproduced exactly, a point between is the linear mean
    y = b.intensity.isel(sample=0)
    got = st.intensity.sel(region="region1").isel(sample=0)
    y100 = float(y.sel(binding_energy=100.0))
    assert float(got.sel(binding_energy=100.0)) == pytest.approx(y100)
    assert float(got.sel(binding_energy=100.1, method="nearest")) == pytest.approx(
        float(y.sel(binding_energy=100.0)) + 0.4 * (float(y.sel(binding_energy=100.25))
                                                     - float(y.sel(binding_energy=100.0))))
    # never extrapolated
    assert bool(got.sel(binding_energy=slice(115, 110.05)).isnull().all())


def test_cycles_of_different_lengths_into_one_depth_profile():
    cycles = []
    for k, (lo, hi) in enumerate([(96.0, 108.0), (97.0, 107.0), (96.0, 110.0)]):
        ds = _region(lo, hi, 0.1, k, n=1).isel(sample=0, drop=True)
        cycles.append(ds.assign_coords(sputter_time=((), 30.0 * k, {"units": "s",
                                                                    "long_name": "Sputter time"})))
    st = stack_regions(cycles, dim="sputter_time")
    assert st.intensity.dims == ("sputter_time", "binding_energy")
    assert st.sputter_time.values.tolist() == [0.0, 30.0, 60.0]
    assert st.sputter_time.attrs["units"] == "s"
    assert st.n_points.values.tolist() == [121, 101, 141]
    back = unstack_regions(st)
    np.testing.assert_array_equal(back["30.0"].to_dataset().intensity.values,
                                  cycles[1].intensity.values)


def test_real_phi_regions_stack_and_round_trip():
    tree = ch.read(shared_data("xps") / "pynxtools-xps" / "SnO2_10nm_1.pro")
    hr = xr.DataTree.from_dict({n: tree[n].to_dataset() for n in ("C_1s", "Si_2p", "Sn_3d5")})
    st = stack_regions(hr)
    assert json.loads(st.attrs["preprocessing"])[-1]["method"] == "union"
    assert st.intensity.dims == ("region", "sputter_time", "binding_energy")
    assert st.n_points.values.tolist() == [101, 101, 101]
    assert st.region_label.values.tolist() == ["C 1s", "Si 2p", "Sn 3d5"]
    back = unstack_regions(st)
    for name in hr.children:
        xr.testing.assert_identical(back[name].to_dataset().drop_attrs(),
                                    hr[name].to_dataset().drop_attrs())
    # with the 0.8 eV survey the axes differ: interpolated onto 0.2 eV, recorded
    full = stack_regions(tree)
    assert json.loads(full.attrs["preprocessing"])[-1]["method"] == "interpolated"
    assert full.energy_step.sel(region="survey").item() == pytest.approx(0.8)
