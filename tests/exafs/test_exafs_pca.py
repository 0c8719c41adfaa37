"""PCA of spectra sets (exafs.pca): number of components, variance, target transformation."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import characterization as ch


def _set(n_species=3, n_spectra=12, noise=0.002, seed=0):
    e = np.linspace(29150.0, 29280.0, 261)
    x = e - 29200.0
    species = np.stack([1 / (1 + np.exp(-x / 2)) + 0.15 * np.exp(-((x - 8) / 4) ** 2),
                        1 / (1 + np.exp(-(x - 4) / 3)) + 0.4 * np.exp(-((x - 12) / 5) ** 2),
                        1 / (1 + np.exp(-(x + 3) / 1.5)) + 0.1 * np.sin(x / 5) * (x > 0)])
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(n_species), n_spectra)
    y = w @ species[:n_species] + rng.normal(0, noise, (n_spectra, e.size))
    ds = xr.Dataset({"norm": (("state", "energy"), y, {"units": "1", "long_name": "norm"})},
                    coords={"energy": ("energy", e, {"units": "eV", "long_name": "Energy"})})
    refs = xr.Dataset({"norm": (("component", "energy"), species)},
                      coords={"energy": e, "component": ["A", "B", "C"]})
    return ds, refs


@pytest.mark.parametrize("n_species", [2, 3])
def test_ind_finds_the_number_of_species(n_species):
    ds, _ = _set(n_species)
    out = ch.exafs.pca(ds)
    assert int(out.n_components) == n_species
    assert out.cumulative_variance.values[n_species - 1] > 0.9999
    assert out.f_pvalue.values[0] < 0.01
    assert out.f_pvalue.values[n_species] > 0.01        # the first noise eigenvalue


def test_scores_and_components_reconstruct_the_data():
    ds, _ = _set(noise=0.0)
    out = ch.exafs.pca(ds)
    recon = out.scores.values @ out.components.values
    np.testing.assert_allclose(recon, ds.norm.values, atol=1e-10)
    assert out.scores.dims == ("state", "pc")


def test_target_transformation_accepts_members_rejects_outsiders():
    ds, refs = _set(n_species=2)
    outsider = xr.Dataset({"norm": (("component", "energy"),
                                    [np.exp(-((refs.energy.values - 29230) / 10) ** 2)])},
                          coords={"energy": refs.energy, "component": ["outsider"]})
    both = xr.concat([refs.isel(component=[0, 1]), outsider], "component")
    out = ch.exafs.pca(ds, reference=both)
    res = out.target_residual.values
    assert res[0] < 0.005 and res[1] < 0.005 and res[2] > 0.05


def test_range_and_errors():
    ds, _ = _set()
    out = ch.exafs.pca(ds, range=(29180, 29230))
    assert out.energy.min() >= 29180 and out.energy.max() <= 29230
    with pytest.raises(ch.errors.AnalysisError):
        ch.exafs.pca(ds.isel(state=[0]))
