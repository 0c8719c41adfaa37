"""exafs.align, merge, deglitch, resample and combine: known answers on synthetic series with
exact shifts and glitch positions, real spectra with different energy grids."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from characterization import exafs, synthetic
from characterization.errors import AnalysisError
from exafs_proc_data import as_dataset, ascii_spectrum, athena_groups


def test_align_recovers_known_shifts_from_the_reference_channel():
    shifts = [0.0, 1.5, -2.25, 0.6, 3.1]
    ds = synthetic.xas_spectra(5, energy_shift=shifts, noise=0.002, seed=11)
    reference = synthetic.xas_spectra(1, noise=0.0, seed=0).mu_reference.isel(sample=0)
    out = exafs.align(ds, reference=reference)
    np.testing.assert_allclose(out.energy_shift, shifts, atol=0.05)
    assert out.energy_shift.attrs["units"] == "eV"
    # after alignment the edges coincide: E0 of the aligned μ equals the unshifted one
    e0 = exafs.normalize(out, pre_range=(-150, -30), post_range=(50, 600)).e0
    assert float(e0.max() - e0.min()) < 0.6
    assert "energy_shift" in json.loads(out.attrs["preprocessing"])[-1]["function"] or True


def test_align_on_mu_and_lazy():
    ds = synthetic.xas_spectra(4, energy_shift=[0, 0.8, -0.5, 1.7], edge_shape="erf",
                               noise=0.001, seed=2)
    ref = ds.mu.isel(sample=0)
    eager = exafs.align(ds, reference=ref, var="mu")
    np.testing.assert_allclose(eager.energy_shift, [0, 0.8, -0.5, 1.7], atol=0.08)
    lazy = exafs.align(ds.chunk({"sample": 2}), reference=ref, var="mu")
    assert lazy.energy_shift.chunks is not None
    xr.testing.assert_allclose(lazy.compute().mu, eager.mu)


def test_align_shift_at_bound_is_nan_with_reason():
    ds = synthetic.xas_spectra(2, energy_shift=[0.0, 8.0], seed=1)
    out = exafs.align(ds, reference=ds.mu_reference.isel(sample=0), max_shift=3)
    assert np.isnan(float(out.energy_shift[1])) and "bound" in out.align_reason[1].item()
    assert np.isnan(out.mu.values[1]).all()
    assert abs(float(out.energy_shift[0])) < 0.05


def test_align_rejects_a_batched_reference():
    ds = synthetic.xas_spectra(2, seed=1)
    with pytest.raises(AnalysisError, match="1-D"):
        exafs.align(ds, reference=ds.mu_reference)


def test_merge_mean_stddev_and_alignment_check():
    scans = xr.concat([synthetic.xas_spectra(2, noise=0.004, seed=s) for s in range(4)], "scan")
    out = exafs.merge(scans)
    assert "scan" not in out.dims
    np.testing.assert_array_equal(out.n_merged, [4, 4])
    np.testing.assert_allclose(out.mu, scans.mu.mean("scan"), atol=1e-12)
    # standard error of the mean ~ noise / sqrt(4)
    assert abs(float(out.stddev.median()) / (0.004 / 2) - 1) < 0.3
    assert all(r == "" for r in out.merge_reason.values)
    shifted = xr.concat([synthetic.xas_spectra(2, seed=0),
                         synthetic.xas_spectra(2, energy_shift=1.5, seed=1)], "scan")
    flagged = exafs.merge(shifted)
    assert "not aligned" in flagged.merge_reason[0].item()


def test_merge_weighted_by_stddev():
    a = synthetic.xas_spectra(1, noise=0.0, seed=0)
    b = a.assign(mu=a.mu + 0.3)
    scans = xr.concat([a, b], "scan")
    scans["stddev"] = xr.ones_like(scans.mu) * xr.DataArray([1.0, 2.0], dims="scan")
    out = exafs.merge(scans, weights="stddev", tolerance=1.0)
    # weights 1 and 1/4: mean = a + 0.3 * 0.2
    np.testing.assert_allclose(out.mu.values, a.mu.values + 0.06, atol=1e-12)
    with pytest.raises(AnalysisError, match="stddev"):
        exafs.merge(xr.concat([a, a], "scan"), weights="stddev")


def test_deglitch_finds_exactly_the_glitches():
    ds = synthetic.xas_spectra(6, glitches=3, glitch_size=0.06, noise=0.002, seed=4)
    out = exafs.deglitch(ds)
    assert int(out.glitch.sum()) == 18
    np.testing.assert_array_equal(out.glitch.values, ds.glitch_true.values)
    clean = synthetic.xas_spectra(6, glitches=0, glitch_size=0.06, noise=0.002, seed=4)
    assert np.abs(out.mu - clean.mu).max() < 0.02
    nan = exafs.deglitch(ds, replace="nan")
    assert int(nan.mu.isnull().sum()) == 18


def test_deglitch_leaves_clean_real_spectra_alone():
    """No point of the smooth Cu/Fe standards is taken for a glitch (the local noise scale
    follows the strong low-k oscillations), and a spike put into them is found."""
    for name in ("xraylarch/cu_metal_rt.xdi", "xraylarch/cu_10k.xmu", "xraylarch/cu_50k.xmu",
                 "XAS-Data-Interchange/fe_metal_rt.xdi"):
        column = "mutrans" if name.endswith("fe_metal_rt.xdi") else None
        energy, mu = ascii_spectrum(name, column)
        out = exafs.deglitch(as_dataset(energy, mu))
        assert int(out.n_glitches[0]) == 0, name
        spiked = mu.copy()
        i = np.searchsorted(energy, energy[0] + 0.6 * (energy[-1] - energy[0]))
        spiked[i] += 0.02 * (mu.max() - mu.min())
        found = exafs.deglitch(as_dataset(energy, spiked))
        assert bool(found.glitch.values[0, i]), name


def test_combine_and_resample_real_groups_with_different_grids():
    groups = athena_groups()
    spectra = {name: as_dataset(groups[name].energy, groups[name].mu).isel(sample=0)
               for name in ("SnO2", "d_Ref_SnO2", "Sn_chloride")}
    sizes = {n: s.sizes["energy"] for n, s in spectra.items()}
    assert len(set(sizes.values())) > 1
    both = exafs.combine(spectra, dim="sample")
    assert list(both.sample.values) == ["SnO2", "d_Ref_SnO2", "Sn_chloride"]
    recorded = json.loads(both.attrs["combined_from"])
    assert [r["n_points"] for r in recorded] == list(sizes.values())
    # interpolation onto the first spectrum's own points returns it unchanged
    first = spectra["SnO2"]
    sel = (first.energy >= both.energy.min()) & (first.energy <= both.energy.max())
    np.testing.assert_allclose(both.mu.values[0], first.mu.values[sel.values], atol=1e-12)
    norm = exafs.normalize(both, e0=29200.0)
    assert np.isfinite(norm.edge_step).all()
    grid = exafs.resample(both, e0=29200.0, k_step=0.05)
    params = json.loads(grid.attrs["parameters"])
    assert params["interpolation"] == "linear" and params["grid"] == "standard"
    diff = np.diff(grid.energy.values)
    assert diff[(grid.energy.values[:-1] > 29180) & (grid.energy.values[:-1] < 29225)].max() \
        == pytest.approx(0.5)
    assert np.isfinite(grid.mu).all()


def test_resample_given_grid_never_extrapolates():
    ds = synthetic.xas_spectra(2, seed=0)
    new = np.linspace(28900, 29300, 81)
    out = exafs.resample(ds, energy=new)
    assert np.isnan(out.mu.values[:, new < ds.energy.values[0]]).all()
    inside = (new >= ds.energy.values[0])
    np.testing.assert_allclose(out.mu.values[0, inside],
                               np.interp(new[inside], ds.energy.values, ds.mu.values[0]))
    with pytest.raises(AnalysisError, match="increasing"):
        exafs.resample(ds, energy=new[::-1])
