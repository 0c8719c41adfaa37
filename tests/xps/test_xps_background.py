"""XPS backgrounds: linear, iterated Shirley, Tougaard U2/U3 (known answers, robustness)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from scipy.integrate import quad

import characterization as ch
from characterization.errors import AnalysisError
from characterization.synthetic.xps import si2p_spectra
from characterization.xps._background_kernels import (shirley_kernel, tougaard_kernel,
                                                      linear_kernel)


def _exact(n=3, **kw):
    # m = 0 (Gaussian) so the peaks vanish at the region ends: the generator's Shirley step is
    # then exactly the fixed point of the iterated Shirley
    return si2p_spectra(n, noise=False, m=0.0, seed=4, **kw)


def test_shirley_recovers_generator_background():
    ds = _exact()
    truth_env = ds.attrs["ground_truth"]
    out = ch.xps.subtract_background(ds, background="shirley", n_average=1)
    assert bool(out.background_converged.all())
    peak = ds.intensity.max("binding_energy")
    # data minus the recovered background is the bare envelope: its end points are 0
    resid = out.intensity.isel(binding_energy=[0, -1])
    assert float(abs(resid).max()) < 1e-6 * float(peak.max())
    # background monotonic (step up towards high binding energy, axis is descending)
    bg = out.background.values
    assert np.all(np.diff(bg, axis=-1) <= 1e-9 * bg.max())
    # area of the envelope = sum of the true areas
    area = -np.trapezoid(out.intensity.values, out.binding_energy.values, axis=-1)
    true = truth_env["areas"].sum(axis=-1)
    np.testing.assert_allclose(area, true, rtol=2e-3)


def test_shirley_exact_fixed_point_on_constructed_spectrum():
    x = np.linspace(0.0, 20.0, 401)
    peak = np.exp(-0.5 * ((x - 8.0) / 0.8) ** 2)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (peak[1:] + peak[:-1]) * np.diff(x))])
    bg_true = 2.0 + 0.7 * cum / cum[-1]
    bg, n_iter, ok = shirley_kernel((peak + bg_true)[None], x=x, n_average=1, tol=1e-10)
    assert ok[0] and 2 <= n_iter[0] < 100
    np.testing.assert_allclose(bg[0], bg_true, atol=1e-7)
    # same answer on the reversed axis
    bg_r, _, _ = shirley_kernel((peak + bg_true)[None, ::-1], x=x[::-1], n_average=1, tol=1e-10)
    np.testing.assert_allclose(bg_r[0, ::-1], bg_true, atol=1e-7)
    # a kinetic-energy axis puts the step on the other side
    bg_k, _, _ = shirley_kernel((peak + bg_true)[None, ::-1], x=x, n_average=1, tol=1e-10,
                                losses_at_high_x=False)
    np.testing.assert_allclose(bg_k[0, ::-1], bg_true, atol=1e-7)


def test_shirley_on_poisson_noise_keeps_area():
    ds = si2p_spectra(40, m=0.0, seed=11, peak_counts=5e3)
    truth = ds.attrs["ground_truth"]["areas"].sum(axis=-1)
    out = ch.xps.subtract_background(ds, background="shirley", n_average=7)
    assert bool(out.background_converged.all())
    area = -np.trapezoid(out.intensity.values, out.binding_energy.values, axis=-1)
    rel = area / truth - 1.0
    # endpoint averaging over 7 points: area bias below 1 %, scatter below 2 %
    assert abs(rel.mean()) < 0.01 and rel.std() < 0.02
    # and the background stays between the two averaged end intensities
    lo = out.background.isel(binding_energy=-1)
    hi = out.background.isel(binding_energy=0)
    assert bool(((out.background >= lo - 1e-9) & (out.background <= hi + 1e-9)).all())


def test_shirley_without_peak_is_nan_with_flag():
    ds = _exact(2)
    ds["intensity"][1] = 100.0       # a flat spectrum: no net area, Shirley undefined
    out = ch.xps.subtract_background(ds, background="shirley", n_average=1)
    assert out.background_converged.values.tolist() == [True, False]
    assert np.isnan(out.background[1]).all() and np.isfinite(out.background[0]).all()


def test_linear_through_averaged_ends():
    x = np.linspace(100.0, 110.0, 101)
    y = 3.0 + 0.5 * x
    bg = linear_kernel(y[None], x=x, n_average=4)
    np.testing.assert_allclose(bg[0], y, rtol=1e-12)


def _gauss(e, c=10.0, s=0.7):
    return np.exp(-0.5 * ((e - c) / s) ** 2)


@pytest.mark.parametrize("cross_section,c,d", [("U2", 1643.0, 0.0), ("U3", 551.0, 436.0)])
def test_tougaard_matches_quadrature(cross_section, c, d):
    x = np.linspace(0.0, 60.0, 1201)
    y = 5.0 + _gauss(x)
    bg, b = tougaard_kernel(y[None], x=x, cross_section=cross_section, b=2866.0, n_average=1)
    assert b[0] == 2866.0
    cp = -1.0 if cross_section == "U2" else 1.0

    def k(t):
        return 2866.0 * t / ((c - cp * t * t) ** 2 + d * t * t)

    for e in (9.0, 12.0, 25.0, 59.0):
        ref = 5.0 + quad(lambda t: k(t) * (_gauss(e - t)), 0.0, e, points=[e - 10.0],
                         limit=200)[0]
        assert bg[0, np.argmin(abs(x - e))] == pytest.approx(ref, rel=2e-3, abs=1e-6)


def test_tougaard_scaled_b_meets_loss_end_and_reversed_axis():
    ds = si2p_spectra(3, noise=False, seed=2, energy=(95.0, 140.0, 0.1))
    out = ch.xps.subtract_background(ds, background="tougaard", cross_section="U2",
                                     n_average=3)
    assert (out.tougaard_b > 0).all()
    hi_end = ds.intensity.isel(binding_energy=slice(0, 3)).mean("binding_energy")
    np.testing.assert_allclose(out.background.isel(binding_energy=slice(0, 3)).mean(
        "binding_energy"), hi_end, rtol=1e-10)
    rev = ch.xps.subtract_background(ds.isel(binding_energy=slice(None, None, -1)),
                                     background="tougaard", n_average=3)
    np.testing.assert_allclose(rev.background.values[:, ::-1], out.background.values,
                               rtol=1e-10)


def test_range_crops_and_records_provenance():
    ds = _exact(2)
    out = ch.xps.subtract_background(ds, background="linear", range=(106.0, 97.0))
    assert float(out.binding_energy.min()) >= 97.0 and float(out.binding_energy.max()) <= 106.0
    assert out.background.attrs["units"] == "count/s"
    assert "subtract_background" in out.attrs["preprocessing"]
    assert out.counts.equals(ds.counts.sel(binding_energy=out.binding_energy))


def test_bad_inputs_are_named():
    ds = _exact(1)
    with pytest.raises(AnalysisError, match="unknown background"):
        ch.xps.subtract_background(ds, background="snip")
    with pytest.raises(AnalysisError, match="keeps 0 points"):
        ch.xps.subtract_background(ds, range=(200.0, 210.0))
    with pytest.raises(AnalysisError, match="cross_section"):
        ch.xps.subtract_background(ds, background="tougaard", cross_section="U9")
    with pytest.raises(AnalysisError, match="n_average"):
        ch.xps.subtract_background(ds, n_average=0)


def test_dask_equals_eager_and_batch_equals_loop():
    ds = si2p_spectra(4, seed=5)
    eager = ch.xps.subtract_background(ds, background="shirley")
    lazy = ch.xps.subtract_background(ds.chunk(sample=2), background="shirley")
    assert lazy.intensity.chunks is not None
    xr.testing.assert_allclose(lazy.compute().intensity, eager.intensity)
    single = ch.xps.subtract_background(ds.isel(sample=[2]), background="shirley")
    np.testing.assert_allclose(single.background.values[0], eager.background.values[2])
