"""Linear-combination fitting (exafs.fit_lcf): exact recovery, constraints, flags, real Sn XANES."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from conftest import shared_data


def _refs(n=3):
    e = np.linspace(29150.0, 29280.0, 521)
    x = e - 29200.0
    shapes = [1 / (1 + np.exp(-x / 2)) + 0.15 * np.exp(-((x - 8) / 4) ** 2),
              1 / (1 + np.exp(-(x - 4) / 3)) + 0.4 * np.exp(-((x - 12) / 5) ** 2),
              1 / (1 + np.exp(-(x + 3) / 1.5)) + 0.05 * np.sin(x / 6) * (x > 0)][:n]
    return xr.Dataset({"norm": (("component", "energy"), np.stack(shapes),
                                {"units": "1", "long_name": "Normalised μ"})},
                      coords={"energy": ("energy", e, {"units": "eV", "long_name": "Energy"}),
                              "component": ["Sn", "SnO2", "Li-Sn"][:n]})


def _mix(refs, weights, noise=0.0, seed=0):
    w = np.asarray(weights, dtype=float)
    y = w @ refs.norm.values
    y = y + np.random.default_rng(seed).normal(0, noise, y.shape) if noise else y
    return xr.Dataset({"norm": (("state", "energy"), y, {"units": "1", "long_name": "norm"})},
                      coords={"energy": refs.energy, "state": ["pristine", "lithiated",
                                                               "delithiated"][:len(w)],
                              "e0": ("state", np.full(len(w), 29200.0), {"units": "eV",
                                                                       "long_name": "E0"})})


def test_exact_weights_recovered_without_noise():
    refs = _refs()
    truth = [[0.2, 0.5, 0.3], [0.7, 0.0 + 0.1, 0.2], [0.05, 0.9, 0.05]]
    fit = ch.exafs.fit_lcf(_mix(refs, truth), reference=refs, range=(29170, 29260))
    np.testing.assert_allclose(fit.weight.values, truth, atol=1e-3)
    np.testing.assert_allclose(fit.weight_sum, 1.0, atol=1e-9)
    assert bool(fit.success.all())
    assert fit.best_fit.dims == ("state", "energy")
    assert fit.components.dims == ("state", "component", "energy")


def test_default_range_is_around_e0_and_stderr_scales_with_noise():
    refs = _refs(2)
    data = _mix(refs, [[0.4, 0.6]] * 2, noise=0.005, seed=3)
    fit = ch.exafs.fit_lcf(data, reference=refs)
    e = fit.energy.values
    assert e.min() >= 29180 - 1e-9 and e.max() <= 29230 + 1e-9
    np.testing.assert_allclose(fit.weight.values, [[0.4, 0.6]] * 2, atol=4 * float(
        fit.weight_stderr.max()))
    assert 0 < float(fit.weight_stderr.max()) < 0.05


def test_nonnegative_weight_at_zero_is_flagged():
    refs = _refs()
    data = _mix(refs, [[0.6, 0.4, 0.0]], noise=0.002, seed=1)
    data["norm"] = data.norm - 0.05 * refs.norm[2].values   # pushes the third weight below 0
    fit = ch.exafs.fit_lcf(data, reference=refs, range=(29170, 29260))
    assert fit.weight.sel(component="Li-Sn").item() == 0.0
    assert bool(fit.at_bound.sel(component="Li-Sn").item())
    assert not bool(fit.success.item())


def test_unconstrained_and_no_sum_constraint():
    refs = _refs(2)
    data = _mix(refs, [[0.8, 0.35]])
    fit = ch.exafs.fit_lcf(data, reference=refs, range=(29170, 29260), sum_to_one=False)
    np.testing.assert_allclose(fit.weight.values, [[0.8, 0.35]], atol=1e-6)
    np.testing.assert_allclose(fit.weight_sum, 1.15, atol=1e-6)


def test_shift_is_found():
    refs = _refs(2)
    shifted = refs.assign_coords(energy=refs.energy + 1.5)   # data are refs moved by +1.5 eV
    data = _mix(shifted, [[0.3, 0.7]]).interp(energy=refs.energy.values[20:-20])
    fit = ch.exafs.fit_lcf(data, reference=refs, range=(29170, 29260), shift=True)
    assert fit["shift"].item() == pytest.approx(1.5, abs=0.051)
    np.testing.assert_allclose(fit.weight.values, [[0.3, 0.7]], atol=0.01)


def test_combinations_pick_the_true_subset():
    refs = _refs()
    data = _mix(refs, [[0.0, 0.6, 0.4]], noise=0.003, seed=7)
    fit = ch.exafs.fit_lcf(data, reference=refs, range=(29170, 29260), combinations=True)
    assert fit.weight.sel(component="Sn").item() == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(fit.weight.sel(component=["SnO2", "Li-Sn"]).values[0],
                               [0.6, 0.4], atol=0.02)


def test_real_sn_standards_mixture_recovered():
    """Sn foil and SnO2 of Sn.prj normalised by larch; a 30/70 mixture is unmixed."""
    larch_io = pytest.importorskip("larch.io")
    xafs = pytest.importorskip("larch.xafs")
    prj = larch_io.read_athena(str(shared_data("exafs") / "xraylarch" / "Sn.prj"))
    grid = np.arange(29170.0, 29290.0, 0.5)
    refs = []
    for name in ("Sn_foil", "SnO2"):
        g = getattr(prj, name)
        xafs.pre_edge(g)
        refs.append(np.interp(grid, g.energy, g.norm))
    ref = xr.Dataset({"norm": (("component", "energy"), np.stack(refs))},
                     coords={"energy": grid, "component": ["Sn", "SnO2"]})
    data = xr.Dataset({"norm": (("sample", "energy"), [0.3 * refs[0] + 0.7 * refs[1]])},
                      coords={"energy": grid})
    fit = ch.exafs.fit_lcf(data, reference=ref, range=(29180, 29280))
    np.testing.assert_allclose(fit.weight.values, [[0.3, 0.7]], atol=1e-3)


def test_range_outside_references_is_an_error():
    refs = _refs(2)
    with pytest.raises(ch.errors.AnalysisError, match="range"):
        ch.exafs.fit_lcf(_mix(refs, [[0.5, 0.5]]), reference=refs, range=(29000, 29300))
