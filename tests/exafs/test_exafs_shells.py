"""Shell fits (exafs.fit_shells): real standards against larch's documented feffit results, the
two engines against each other, synthetic known answers, co-refinement and flags."""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from characterization.synthetic import exafs_chi, feff_path_example
from conftest import shared_data

pytest.importorskip("larch")

from exafs._larch_chi import larch_chi  # noqa: E402

CU_MODEL = {"params": {"amp": 1.0, "del_e0": 0.1, "sig2": 0.002, "del_r": 0.0},
            "paths": {"*": {"s02": "amp", "de0": "del_e0", "sigma2": "sig2", "delr": "del_r"}}}
# doc_feffit1.out (MANIFEST [doc]): value, stderr
CU_DOC = {"amp": (0.9306, 0.0391), "del_e0": (4.358, 0.511), "sig2": (0.00867, 0.00031),
          "del_r": (-0.0060, 0.0026)}


@pytest.fixture(scope="module")
def cu():
    folder = shared_data("exafs") / "xraylarch"
    data = larch_chi([folder / "cu_metal_rt.xdi"], column="mutrans", rbkg=1.0, kweight=1)
    return data, ch.read(folder / "feffcu01.dat")


@pytest.mark.parametrize("engine", ["larch", "batched"])
def test_cu_foil_first_shell_reproduces_doc_feffit1(cu, engine):
    data, paths = cu
    fit = ch.exafs.fit_shells(data, paths=paths, model=CU_MODEL, k_range=(3, 17),
                              r_range=(1.4, 3.0), k_weight=2, dk=4, taper="kaiser",
                              engine=engine)
    assert bool(fit.success.item())
    for name, (value, stderr) in CU_DOC.items():
        got = fit.value.sel(param=name).item()
        assert abs(got - value) <= stderr, (name, got, value)
        # our stderr agrees with the documented one within 10 %
        assert fit.stderr.sel(param=name).item() == pytest.approx(stderr, rel=0.1), name
    # R-factor 0.00272 documented; this larch version's autobk gives 0.00286 (5 % apart)
    assert fit.r_factor.item() == pytest.approx(0.00272, rel=0.1)
    assert fit.n_idp.item() == pytest.approx(1 + 2 * 1.6 * 14 / np.pi)
    assert fit.correlation.sel(param="amp", param_other="sig2").item() == pytest.approx(0.93,
                                                                                         abs=0.02)


def test_engines_agree_on_cu_foil(cu):
    data, paths = cu
    fits = [ch.exafs.fit_shells(data, paths=paths, model=CU_MODEL, engine=e)
            for e in ("larch", "batched")]
    diff = np.abs(fits[0].value - fits[1].value)
    assert bool((diff <= 0.01 * fits[0].stderr).all()), diff.values
    np.testing.assert_allclose(fits[0].stderr, fits[1].stderr, rtol=1e-3)
    np.testing.assert_allclose(fits[0].r_factor, fits[1].r_factor, rtol=1e-4)
    np.testing.assert_allclose(fits[0].redchi, fits[1].redchi, rtol=1e-3)
    np.testing.assert_allclose(fits[0].chi_fit, fits[1].chi_fit, atol=1e-4)


@pytest.mark.parametrize("engine", ["larch", "batched"])
def test_feo_two_paths_reproduce_doc_feffit4(engine):
    folder = shared_data("exafs") / "xraylarch"
    data = larch_chi([folder / "feo_xafs.dat"], labels="energy mu", kweight=2, rbkg=1.05,
                     clamp_hi=300)
    paths = ch.read_many([folder / "feff_feo01.dat", folder / "feff_feo02.dat"], dim="path")
    model = {"params": {"n1": 6.0, "n2": 12.0, "s02": {"value": 0.7, "vary": False},
                        "de0": 0.1, "sig2_1": 0.002, "delr_1": 0.0, "sig2_2": 0.002,
                        "delr_2": 0.0},
             "paths": {"*": {"n": "1", "de0": "de0"},
                       "1": {"s02": "s02*n1", "sigma2": "sig2_1", "delr": "delr_1"},
                       "2": {"s02": "s02*n2", "sigma2": "sig2_2", "delr": "delr_2"}}}
    fit = ch.exafs.fit_shells(data, paths=paths, model=model, k_range=(2, 13.5),
                              r_range=(1.0, 3.2), k_weight=3, dk=3, engine=engine)
    doc = {"n1": (4.58, 0.77), "n2": (11.34, 1.12), "delr_1": (-0.028, 0.008),
           "delr_2": (0.049, 0.006), "sig2_1": (0.0101, 0.0019), "sig2_2": (0.0125, 0.0009)}
    for name, (value, stderr) in doc.items():
        got = fit.value.sel(param=name).item()
        assert abs(got - value) <= stderr, (name, got, value)
    assert fit.stderr.sel(param="s02").item() == 0.0
    assert fit.r_factor.item() == pytest.approx(0.0096, rel=0.25)
    # SnO2-like sanity: N(Fe–O) shell nearer than Fe–Fe
    assert fit.value.sel(param="delr_1").item() < fit.value.sel(param="delr_2").item()


@pytest.mark.parametrize("engine", ["larch", "batched"])
def test_cu_temperature_series_einstein_corefinement(engine):
    """doc_feffit3: three Cu temperatures, shared amp/ΔE0/θE; σ²(T) from the Einstein model.
    Our path is feffcu01.dat (the docs use feff0001.dat of their own FEFF run) and our data carry
    no autobk delta_chi (which reweights the three datasets in the documented run); the values
    still fall within the documented stderr."""
    folder = shared_data("exafs") / "xraylarch"
    data = larch_chi([folder / f"cu_{t}k.xmu" for t in (10, 50, 150)], dim="temperature",
                     coords=[10.0, 50.0, 150.0], rbkg=1.0, kweight=2)
    data.temperature.attrs["units"] = "K"
    paths = ch.read(folder / "feffcu01.dat")
    model = {"params": {"amp": 1.0, "del_e0": 2.0, "theta": {"value": 250, "min": 10},
                        "dr_off": 0.0, "alpha": 0.0},
             "paths": {"*": {"s02": "amp", "de0": "del_e0",
                             "delr": "dr_off + temperature*alpha*reff",
                             "sigma2": "sigma2_eins(temperature, theta)"}}}
    shared = ("amp", "del_e0", "theta", "dr_off", "alpha")
    fit = ch.exafs.fit_shells(data, paths=paths, model=model, k_range=(3, 17),
                              r_range=(1.4, 3.4), engine=engine, shared=shared)
    assert fit.sizes["temperature"] == 3
    assert bool(fit.success.all())
    doc = {"amp": (0.8885, 0.0307), "del_e0": (5.37, 0.61), "theta": (232.9, 8.1)}
    for name, (value, stderr) in doc.items():
        got = fit.value.sel(param=name).values
        assert np.ptp(got) == 0.0                           # shared: one value for the series
        assert abs(got[0] - value) <= stderr, (name, got[0], value)
    assert fit.n_idp_joint.values[0] == pytest.approx(3 * fit.n_idp.values[0])
    assert fit.r_factor_joint.values[0] == pytest.approx(0.0164, rel=0.25)
    assert fit.n_varys.values[0] == 5


def test_engines_agree_on_a_corefined_synthetic_series():
    paths = feff_path_example()
    data = exafs_chi(paths, sigma2=[[0.004], [0.006], [0.008]], s02=0.85, de0=2.0,
                     delr=[[0.01], [0.01], [0.01]], noise=0.001, seed=5, dim="state")
    kws = dict(paths=paths, k_range=(3, 14), shared=("s02", "de0", "delr"))
    a = ch.exafs.fit_shells(data, engine="larch", **kws)
    b = ch.exafs.fit_shells(data, engine="batched", **kws)
    assert bool(a.success.all()) and bool(b.success.all())
    assert bool((np.abs(a.value - b.value) <= 0.05 * a.stderr).all())
    np.testing.assert_allclose(b.value.sel(param="sigma2"), [0.004, 0.006, 0.008], atol=3e-4)
    np.testing.assert_allclose(a.r_factor_joint, b.r_factor_joint, rtol=1e-3)


@pytest.mark.parametrize("engine", ["larch", "batched"])
def test_synthetic_known_answer(engine):
    folder = shared_data("exafs") / "xraylarch"
    paths = ch.read(folder / "feffcu01.dat")
    truth_r, truth_s2 = np.array([0.02, -0.015, 0.0]), np.array([0.004, 0.007, 0.010])
    data = exafs_chi(paths, n=[[10.0], [8.0], [12.0]], delr=truth_r[:, None],
                     sigma2=truth_s2[:, None], s02=0.9, de0=3.0, noise=0.002, seed=11)
    model = {"params": {"amp": 10.0, "de0": 0.0, "delr": 0.0, "sigma2": 0.005},
             "paths": {"*": {"n": "1", "s02": "amp"}}}
    fit = ch.exafs.fit_shells(data, paths=paths, model=model, k_range=(3, 15), engine=engine)
    assert bool(fit.success.all())
    np.testing.assert_allclose(fit.value.sel(param="delr"), truth_r, atol=0.01)
    np.testing.assert_allclose(fit.value.sel(param="sigma2"), truth_s2, atol=0.001)
    np.testing.assert_allclose(fit.value.sel(param="amp"), 0.9 * np.array([10, 8, 12]),
                               rtol=0.1)


def test_multiple_k_weights_and_k_space():
    paths = feff_path_example()
    data = exafs_chi(paths, sigma2=[[0.006]], s02=0.9, noise=0.0005, seed=2)
    for kws in ({"k_weight": (1, 2, 3)}, {"fit_space": "k"}, {"fit_space": "q"}):
        fits = [ch.exafs.fit_shells(data, paths=paths, k_range=(3, 14), engine=e, **kws)
                for e in ("larch", "batched")]
        assert bool(fits[1].success.item()), kws
        np.testing.assert_allclose(fits[1].value.sel(param="sigma2"), 0.006, atol=3e-4)
        assert bool((np.abs(fits[0].value - fits[1].value) <= 0.05 * fits[0].stderr + 1e-9)
                    .all()), kws


@pytest.mark.parametrize("engine", ["larch", "batched"])
def test_parameter_at_bound_is_flagged(engine):
    paths = feff_path_example()
    data = exafs_chi(paths, sigma2=[[0.006]], s02=0.9, noise=0.0005, seed=2)
    model = {"params": {"s02": 0.9, "de0": 0.0, "delr": 0.0,
                        "sigma2": {"value": 0.009, "min": 0.008}}}
    fit = ch.exafs.fit_shells(data, paths=paths, model=model, k_range=(3, 14), engine=engine)
    assert not bool(fit.success.item())
    assert bool(fit.at_bound.sel(param="sigma2").item())
    assert "sigma2" in str(fit.reason.item())


def test_failed_fit_gives_nan_not_a_crash():
    paths = feff_path_example()
    data = exafs_chi(paths, sigma2=[[0.006], [0.006]], s02=0.9, seed=2)
    data["chi"][1] = np.nan
    fit = ch.exafs.fit_shells(data, paths=paths, k_range=(3, 14), engine="batched")
    assert bool(fit.success[0]) and not bool(fit.success[1])
    assert np.isnan(fit.value[1]).all()
    with pytest.raises(ch.AnalysisError if hasattr(ch, "AnalysisError") else Exception):
        ch.exafs.fit_shells(data, paths=paths, k_range=(3, 14), engine="batched",
                            errors="raise")


def test_k_range_outside_data_is_an_error():
    paths = feff_path_example()
    data = exafs_chi(paths, k=np.arange(0, 10, 0.05))
    with pytest.raises(Exception, match="k_range"):
        ch.exafs.fit_shells(data, paths=paths, k_range=(3, 14))


def _sn_chi(name):
    larch_io = pytest.importorskip("larch.io")
    xafs = pytest.importorskip("larch.xafs")
    import xarray as xr

    prj = larch_io.read_athena(str(shared_data("exafs") / "xraylarch" / "Sn.prj"))
    g = getattr(prj, name)
    xafs.pre_edge(g)
    xafs.autobk(g, rbkg=1.0, kweight=2)
    return xr.Dataset({"chi": (("sample", "k"), g.chi[None])}, coords={"k": g.k})


SN_MODEL = {"params": {"s02": {"value": 1.0, "min": 0}, "de0": 0.0, "alpha": 0.0,
                       "sigma2": {"value": 0.005, "min": 0}},
            "paths": {"*": {"delr": "alpha*reff"}}}


@pytest.mark.parametrize("engine", ["larch", "batched"])
def test_sno2_first_shell_sn_o(tmp_path, engine):
    """SnO2 of Sn.prj: 6 O (4 at 2.052, 2 at 2.057 Å) with FEFF6 paths of rutile SnO2 made
    here with feff6l; Sn–O near 2.05 Å (FEFF6 without SCF: within 0.03 Å), N·S0² ≈ 6·S0²."""
    pytest.importorskip("pymatgen")
    from exafs._feff_clusters import feff6l_paths, sno2

    paths = ch.read_many(feff6l_paths(tmp_path, sno2(), rmax=2.2), dim="path")
    assert sorted(paths.degeneracy.values.tolist()) == [2.0, 4.0]
    assert set(paths.scatterers.values) == {"O"}
    fit = ch.exafs.fit_shells(_sn_chi("SnO2"), paths=paths, model=SN_MODEL, k_range=(3, 12),
                              r_range=(1.0, 2.2), dk=1, engine=engine)
    assert bool(fit.success.item())
    r = paths.reff.values * (1 + fit.value.sel(param="alpha").item())
    assert np.all(np.abs(r - 2.05) < 0.03), r
    s02 = fit.value.sel(param="s02").item()
    assert 0.7 < s02 < 1.1                              # 6 O with a physical S0²
    assert fit.r_factor.item() < 0.02


@pytest.mark.parametrize("engine", ["larch", "batched"])
def test_sn_metal_two_shells(tmp_path, engine):
    """Sn metal (the SnO2 scan's reference channel, MANIFEST): β-Sn paths 4 Sn at 3.02 and
    2 Sn at 3.18 Å (Sn at the origin of I4_1/amd) fitted with an isotropic expansion."""
    pytest.importorskip("pymatgen")
    from exafs._feff_clusters import beta_sn, feff6l_paths

    paths = ch.read_many(feff6l_paths(tmp_path, beta_sn(), rmax=3.3), dim="path")
    np.testing.assert_allclose(paths.reff.values, [3.0225, 3.1819], atol=1e-3)
    fit = ch.exafs.fit_shells(_sn_chi("d_Ref_SnO2"), paths=paths, model=SN_MODEL,
                              k_range=(3, 12), r_range=(2.0, 3.4), dk=1, engine=engine)
    assert bool(fit.success.item())
    r = paths.reff.values * (1 + fit.value.sel(param="alpha").item())
    np.testing.assert_allclose(r, [3.02, 3.18], atol=0.03)
