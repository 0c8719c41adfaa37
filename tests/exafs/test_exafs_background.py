"""exafs.subtract_background: larch's autobk numbers harvested (no Group leaks), failures NaN."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization import exafs, synthetic
from exafs_proc_data import as_dataset, ascii_spectrum, athena_groups


def _larch_chi(energy, mu, **kw):
    larch = pytest.importorskip("larch")
    from larch.xafs import autobk, pre_edge

    g = larch.Group(energy=energy.copy(), mu=mu.copy())
    pre_edge(g)
    autobk(g, **kw)
    return g


@pytest.mark.parametrize("name", ["xraylarch/cu_metal_rt.xdi", "xraylarch/cu_10k.xmu",
                                  "xraylarch/feo_xafs.dat"])
@pytest.mark.parametrize("options", [
    {},
    {"rbkg": 1.1, "k_range": (0, 15), "k_weight": 1, "dk": 0.5, "taper": "kaiser",
     "clamp_lo": 1, "clamp_hi": 10}])
def test_equals_larch_autobk(name, options):
    energy, mu = ascii_spectrum(name)
    o = {"rbkg": 1.0, "k_range": (0, None), "k_weight": 2, "dk": 0.1, "taper": "hanning",
         "clamp_lo": 0, "clamp_hi": 1, **options}
    g = _larch_chi(energy, mu, rbkg=o["rbkg"], kmin=o["k_range"][0], kmax=o["k_range"][1],
                   kweight=o["k_weight"], dk=o["dk"], win=o["taper"], clamp_lo=o["clamp_lo"],
                   clamp_hi=o["clamp_hi"])
    out = exafs.subtract_background(exafs.normalize(as_dataset(energy, mu)), **o).isel(sample=0)
    n = g.chi.size
    np.testing.assert_allclose(out.k.values[:n], g.k, atol=1e-12)
    rel = np.sqrt(np.mean((out.chi.values[:n] - g.chi) ** 2)) / np.sqrt(np.mean(g.chi ** 2))
    assert rel < 1e-6
    assert np.isnan(out.chi.values[n:]).all()
    np.testing.assert_allclose(out.background.values, g.bkg, rtol=1e-9)
    assert out.background_reason.item() == ""
    assert not any(type(v).__module__.startswith("larch") for v in out.attrs.values())


def test_sn_metal_reference_chi_and_units():
    g = athena_groups()["d_Ref_SnO2"]
    ds = as_dataset(g.energy, g.mu)
    out = exafs.subtract_background(exafs.normalize(ds), rbkg=1.0, k_weight=2)
    assert out.chi.attrs["units"] == "1" and out.k.attrs["units"] == "1/angstrom"
    assert out.background.attrs["units"] == "1"
    kmax = float(out.k.where(out.chi.isel(sample=0).notnull()).max())
    assert 14.0 < kmax < 14.5          # MANIFEST: k_max 14.30


def test_batch_and_dask_equal_singles():
    ds = exafs.normalize(synthetic.xas_spectra(4, energy_shift=[0, 1, -1, 2], seed=3))
    full = exafs.subtract_background(ds, rbkg=1.0)
    lazy = exafs.subtract_background(ds.chunk({"sample": 2}), rbkg=1.0)
    assert lazy.chi.chunks is not None
    xr.testing.assert_allclose(full.chi, lazy.chi.compute())
    one = exafs.subtract_background(ds.isel(sample=[2]), rbkg=1.0)
    np.testing.assert_allclose(one.chi.values[0], full.chi.values[2], equal_nan=True)


def test_without_normalize_uses_larch_defaults():
    energy, mu = ascii_spectrum("xraylarch/cu_metal_rt.xdi")
    g = _larch_chi(energy, mu, rbkg=1.0, kweight=2)
    out = exafs.subtract_background(as_dataset(energy, mu)).isel(sample=0)
    np.testing.assert_allclose(out.chi.values[:g.chi.size], g.chi, atol=1e-9)


def test_failures_are_nan_with_reason():
    ds = exafs.normalize(synthetic.xas_spectra(2, seed=0))
    bad = ds.copy(deep=True)
    bad["e0"][1] = np.nan
    out = exafs.subtract_background(bad)
    assert np.isnan(out.chi.values[1]).all() and "E0" in out.background_reason[1].item()
    assert np.isfinite(out.chi.values[0, 5:200]).all()
    far = exafs.subtract_background(ds, k_range=(30, None))
    assert np.isnan(far.chi).all() and "beyond the data" in far.background_reason[0].item()
    from characterization.errors import AnalysisError
    with pytest.raises(AnalysisError):
        exafs.subtract_background(ds, k_range=(30, None), errors="raise")
    with pytest.raises(AnalysisError, match="model"):
        exafs.subtract_background(ds, model="spline")
    clipped = exafs.subtract_background(ds, k_range=(0, 25))
    assert "clipped" in clipped.background_reason[0].item()


def test_rerun_replaces_stale_transforms():
    ds = exafs.normalize(synthetic.xas_spectra(1, seed=0))
    ft = exafs.fourier_transform(exafs.subtract_background(ds), k_range=(2, 12))
    again = exafs.subtract_background(ft, rbkg=1.2)
    assert "chir_mag" not in again and "r" not in again.dims


# --- engine="batched": larch's residual solved for the whole batch (characterization.exafs._autobk)

_KAISER = {"rbkg": 1.1, "k_range": (0, 15), "k_weight": 1, "dk": 0.5, "taper": "kaiser",
           "clamp_lo": 1, "clamp_hi": 10}


def _rel(x, ref):
    f = np.isfinite(ref)
    assert (np.isfinite(x) == f).all()
    return np.sqrt(np.mean((x[f] - ref[f]) ** 2)) / np.sqrt(np.mean(ref[f] ** 2))


@pytest.fixture
def tight_larch(monkeypatch):
    """larch's autobk with its leastsq run to tight tolerances (its default stops at ftol 1e-6)."""
    pytest.importorskip("larch")
    import sys

    import larch.xafs.autobk  # noqa: F401  (the module; larch.xafs.autobk is the function)
    from scipy.optimize import leastsq

    def tight(*args, **kw):
        kw.update(ftol=1e-13, xtol=1e-13, epsfcn=1e-10)
        return leastsq(*args, **kw)

    monkeypatch.setattr(sys.modules["larch.xafs.autobk"], "leastsq", tight)


@pytest.mark.parametrize("name", ["xraylarch/cu_metal_rt.xdi", "xraylarch/cu_10k.xmu",
                                  "xraylarch/feo_xafs.dat"])
@pytest.mark.parametrize("options", [{}, _KAISER])
def test_batched_equals_larch_autobk(name, options):
    energy, mu = ascii_spectrum(name)
    ds = exafs.normalize(as_dataset(energy, mu))
    ref = exafs.subtract_background(ds, **options).isel(sample=0)
    out = exafs.subtract_background(ds, engine="batched", **options).isel(sample=0)
    assert out.background_reason.item() == ""
    assert _rel(out.chi.values, ref.chi.values) < 3e-3     # larch stops at ftol 1e-6
    assert "batched" in out.attrs["method"]


@pytest.mark.parametrize("name", ["xraylarch/cu_metal_rt.xdi", "xraylarch/cu_10k.xmu",
                                  "xraylarch/feo_xafs.dat"])
@pytest.mark.parametrize("options", [{}, _KAISER])
def test_batched_equals_tight_larch(name, options, tight_larch):
    # measured: <= 5e-6 (defaults) and <= 2.4e-5 (kaiser, clamps 1/10) of the chi rms
    energy, mu = ascii_spectrum(name)
    ds = exafs.normalize(as_dataset(energy, mu))
    ref = exafs.subtract_background(ds, **options).isel(sample=0)
    out = exafs.subtract_background(ds, engine="batched", **options).isel(sample=0)
    assert _rel(out.chi.values, ref.chi.values) < 1e-4
    f = np.isfinite(ref.background.values)
    ref_b, out_b = ref.background.values[f], out.background.values[f]
    assert np.sqrt(np.mean((out_b - ref_b) ** 2)) < 1e-4 * float(ds.edge_step[0])


_ALL_FILES = [("xraylarch/cu_10k.xmu", None), ("xraylarch/cu_50k.xmu", None),
              ("xraylarch/cu_150k.xmu", None), ("xraylarch/cu_metal_rt.xdi", None),
              ("xraylarch/feo_xafs.dat", None), ("xraylarch/sno2_l3.dat", None),
              ("XAS-Data-Interchange/fe_metal_rt.xdi", None),
              ("XAS-Data-Interchange/zn_znse_rt.xdi", "ln(i0/itrans)")]


def _all_shared_spectra():
    for name, column in _ALL_FILES:
        yield name, *ascii_spectrum(name, column)
    for name, g in sorted(athena_groups().items()):
        if hasattr(g, "energy") and hasattr(g, "mu"):
            yield f"Sn.prj:{name}", g.energy, g.mu


def test_batched_equals_larch_on_every_shared_file():
    # larch's defaults (rbkg 1, k weight 2, hanning dk 0.1, clamp_hi 1): measured <= 2.5e-5
    # (Sn.prj Sn_foil) of the chi rms on the 8 text files and the 5 Sn.prj groups
    seen = 0
    for name, energy, mu in _all_shared_spectra():
        ds = exafs.normalize(as_dataset(energy, mu))
        ref = exafs.subtract_background(ds, rbkg=1.0, k_weight=2).isel(sample=0)
        out = exafs.subtract_background(ds, rbkg=1.0, k_weight=2,
                                        engine="batched").isel(sample=0)
        assert out.background_reason.item() == ref.background_reason.item(), name
        assert _rel(out.chi.values, ref.chi.values) < 1e-4, name
        seen += 1
    assert seen == 13


def test_batched_batch_equals_singles_and_dask(monkeypatch):
    from characterization.exafs import background

    ds = exafs.normalize(synthetic.xas_spectra(4, energy_shift=[0, 1, -1, 2], seed=3))
    full = exafs.subtract_background(ds, rbkg=1.0, engine="batched")
    monkeypatch.setattr(background, "_BLOCK", 3)           # two blocks: same numbers
    blocks = exafs.subtract_background(ds, rbkg=1.0, engine="batched")
    np.testing.assert_allclose(blocks.chi.values, full.chi.values, rtol=1e-7, atol=1e-9,
                               equal_nan=True)
    ref = exafs.subtract_background(ds, rbkg=1.0)
    for i in range(4):
        assert _rel(full.chi.values[i], ref.chi.values[i]) < 1e-3
        one = exafs.subtract_background(ds.isel(sample=[i]), rbkg=1.0, engine="batched")
        np.testing.assert_allclose(one.chi.values[0], full.chi.values[i], rtol=1e-7,
                                   atol=1e-9, equal_nan=True)
    lazy = exafs.subtract_background(ds.chunk({"sample": 2}), rbkg=1.0, engine="batched")
    xr.testing.assert_allclose(full.chi, lazy.chi.compute())


def test_batched_failures_are_nan_with_reason():
    ds = exafs.normalize(synthetic.xas_spectra(3, seed=1))
    mu = ds.mu.values.copy()
    mu[1] = np.nan
    ds = ds.assign(mu=(ds.mu.dims, mu))
    out = exafs.subtract_background(ds, engine="batched")
    assert np.isnan(out.chi.values[1]).all() and out.background_reason.values[1]
    assert np.isfinite(out.chi.values[0]).any() and out.background_reason.values[0] == ""
    with pytest.raises(Exception, match="engine"):
        exafs.subtract_background(ds, engine="fast")
