"""Caglioti instrument function: exact round trip, Lorentzian part, evaluation, errors."""

import numpy as np
import pytest

from characterization.errors import AnalysisError
from characterization.xrd import caglioti, instrument_fwhm, peak_table

TT = np.array([21.36, 30.39, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55, 71.74, 75.85])
T = np.tan(np.deg2rad(TT) / 2)


def test_caglioti_round_trip_exact():
    u, v, w = 0.0047, -0.0021, 0.0026
    r = caglioti(peak_table(TT, np.sqrt(u * T**2 + v * T + w)))
    np.testing.assert_allclose([r.U, r.V, r.W], [u, v, w], rtol=1e-9)
    assert r.U.attrs["units"] == "deg^2" and float(r.r_squared) == pytest.approx(1.0)


def test_caglioti_lorentz_round_trip_and_evaluation():
    u, v, w, x, y = 0.003, -0.001, 0.002, 0.01, 0.02
    th = np.deg2rad(TT) / 2
    g = np.sqrt(u * T**2 + v * T + w)
    lo = x * T + y / np.cos(th)
    r = caglioti(peak_table(TT, 0.5346 * lo + np.sqrt(0.2166 * lo**2 + g**2),
                            fwhm_lorentz=lo, fwhm_gauss=g), lorentz=True)
    np.testing.assert_allclose([r.U, r.V, r.W, r.X, r.Y], [u, v, w, x, y], rtol=1e-8, atol=1e-12)
    ev = instrument_fwhm(r, TT)
    np.testing.assert_allclose(ev.fwhm_gauss, g, rtol=1e-8)
    np.testing.assert_allclose(ev.fwhm_lorentz, lo, rtol=1e-8)
    assert ev.fwhm.attrs["units"] == "deg"


def test_caglioti_batch_with_noise_has_stderr():
    rng = np.random.default_rng(1)
    h = np.sqrt(0.004 * T**2 - 0.002 * T + 0.0025) * (1 + 0.003 * rng.standard_normal((3, TT.size)))
    r = caglioti(peak_table(np.broadcast_to(TT, h.shape), h, fwhm_stderr=0.003 * h))
    assert r.U.dims == ("sample",)
    assert np.all(r.U_stderr > 0) and np.all(np.abs(r.U - 0.004) < 5 * r.U_stderr + 1e-4)


def test_caglioti_errors():
    with pytest.raises(AnalysisError):
        caglioti(peak_table(TT, np.where(TT > 50, -0.1, 0.1)))
    with pytest.raises(AnalysisError):
        caglioti(peak_table(TT, 0.1 + 0 * TT), lorentz=True)
    with pytest.raises(AnalysisError):
        caglioti("not a dataset")


def test_caglioti_weights_equal_or_per_line_errors():
    """#10: weights=None (equal weights, as most references) vs weights='stderr' (1/σ² of H²
    from fwhm_stderr). With one line 10x less certain and carrying a large error, the weighted
    fit recovers U, V, W and the unweighted one is pulled; both report redchi, and the weighted
    stderr scaled by sqrt(redchi) is honest (truth within 3 stderr)."""
    rng = np.random.default_rng(3)
    tt = np.array([21.36, 30.38, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55, 71.74, 75.85,
                   79.9, 83.9])
    t = np.tan(np.deg2rad(tt) / 2)
    uvw = (0.004, -0.002, 0.0025)
    h = np.sqrt(uvw[0] * t**2 + uvw[1] * t + uvw[2])
    sigma = np.full(tt.size, 0.0005)
    sigma[5] = 0.005
    noisy = h + sigma * rng.standard_normal(tt.size)
    noisy[5] = h[5] + 0.012                      # the uncertain line is far off (2.4 of its σ)
    table = peak_table(tt, noisy, fwhm_stderr=sigma)
    w = caglioti(table, weights="stderr")
    u = caglioti(table)
    for name, true in zip("UVW", uvw):
        assert abs(float(w[name]) - true) < 3 * float(w[f"{name}_stderr"])
    assert abs(float(w.W) - uvw[2]) < abs(float(u.W) - uvw[2])
    assert 0.3 < float(w.redchi) < 5.0        # weights consistent with the scatter
    assert float(u.redchi) < 1e-6             # deg^4: not a chi-square of unit variance
    assert w.redchi.attrs["units"] == "1" and u.redchi.attrs["units"] == "deg^4"
    assert w.attrs["method"] == "weighted least squares"
    assert '"weights": "stderr"' in w.attrs["parameters"]
    with pytest.raises(AnalysisError, match="fwhm_stderr"):
        caglioti(peak_table(tt, noisy), weights="stderr")
    with pytest.raises(AnalysisError, match="weights"):
        caglioti(table, weights="poisson")
