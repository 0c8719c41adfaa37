"""exafs.fourier_transform / back_transform: larch's xftf/xftr to 1e-10, windows, grids, real
Sn FT peaks, batch/dask."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization import exafs, synthetic
from characterization.exafs import _kernels as K
from exafs_proc_data import as_dataset, ascii_spectrum, athena_groups

TAPERS = ["hanning", "kaiser", "parzen", "welch", "sine", "gaussian"]


@pytest.fixture(scope="module")
def cu():
    larch = pytest.importorskip("larch")
    from larch.xafs import autobk, pre_edge

    energy, mu = ascii_spectrum("xraylarch/cu_metal_rt.xdi")
    g = larch.Group(energy=energy.copy(), mu=mu.copy())
    pre_edge(g)
    autobk(g, rbkg=1.0, kweight=2)
    chi = exafs.subtract_background(exafs.normalize(as_dataset(energy, mu)), rbkg=1.0)
    return g, chi


@pytest.mark.parametrize("taper", TAPERS)
@pytest.mark.parametrize("k_range,k_weight,dk", [((2, 12), 2, 1), ((3, 17), 3, 4),
                                                 ((2.3, 14.1), 1, 0.5)])
def test_forward_and_back_equal_larch(cu, taper, k_range, k_weight, dk):
    from larch.xafs import xftf, xftr

    g, chi = cu
    ft = exafs.fourier_transform(chi, k_range=k_range, k_weight=k_weight, dk=dk, taper=taper,
                                 r_max=10).isel(sample=0)
    xftf(g, kmin=k_range[0], kmax=k_range[1], kweight=k_weight, dk=dk, window=taper,
         rmax_out=10, with_phase=True)
    scale = np.abs(g.chir_mag).max()
    np.testing.assert_allclose(ft.r.values, g.r, atol=1e-12)
    for ours, theirs in (("chir_re", g.chir_re), ("chir_im", g.chir_im),
                         ("chir_mag", g.chir_mag)):
        np.testing.assert_allclose(ft[ours].values, theirs, atol=1e-10 * scale, rtol=0)
    np.testing.assert_allclose(ft.chir_pha.values, g.chir_pha, atol=1e-9)
    np.testing.assert_allclose(ft.k_window.values[:g.kwin.size], g.kwin, atol=1e-12)
    bt = exafs.back_transform(ft.expand_dims("sample"), r_range=(1.4, 3.0), dr=0.5,
                              taper=taper, q_max=18).isel(sample=0)
    xftr(g, rmin=1.4, rmax=3.0, dr=0.5, window=taper, qmax_out=18)
    n = g.chiq_re.size
    np.testing.assert_allclose(bt.q.values[:n], g.q, atol=1e-9)
    scale_q = np.abs(g.chiq_mag).max()
    np.testing.assert_allclose(bt.chiq_re.values[:n], g.chiq_re, atol=1e-10 * scale_q)
    np.testing.assert_allclose(bt.chiq_im.values[:n], g.chiq_im, atol=1e-10 * scale_q)


def test_window_equals_larch_ftwindow():
    from larch.xafs import ftwindow

    x = 0.05 * np.arange(400)
    for taper in TAPERS:
        for lo, hi, d in ((2, 12, 1), (3.1, 15.7, 3), (0, 10, 0.2)):
            np.testing.assert_allclose(K.ft_window(x, lo, hi, d, taper),
                                       ftwindow(x, xmin=lo, xmax=hi, dx=d, window=taper),
                                       atol=1e-14)


def test_units_and_unknown_taper(cu):
    _, chi = cu
    ft = exafs.fourier_transform(chi, k_weight=3)
    assert ft.chir_mag.attrs["units"] == "angstrom^-4" and ft.r.attrs["units"] == "angstrom"
    from characterization.errors import AnalysisError
    with pytest.raises(AnalysisError, match="taper"):
        exafs.fourier_transform(chi, taper="boxcar")


@pytest.mark.parametrize("name,peak", [("d_Ref_SnO2", 2.79), ("d_Ref_Sn_chloride", 2.76)])
def test_sn_metal_reference_ft_peak(name, peak):
    """MANIFEST: the reference-channel (Sn metal) FT peaks at 2.79 / 2.76 Å uncorrected."""
    g = athena_groups()[name]
    bkg, fft = g.athena_params.bkg, g.athena_params.fft
    ds = exafs.normalize(as_dataset(g.energy, g.mu), e0=float(bkg.e0),
                         pre_range=(bkg.pre1, bkg.pre2), post_range=(bkg.nor1, bkg.nor2),
                         post_degree=int(bkg.nnorm) - 1)
    ft = exafs.fourier_transform(exafs.subtract_background(ds, rbkg=float(bkg.rbkg)),
                                 k_range=(float(fft.kmin), float(fft.kmax)), dk=1,
                                 taper="hanning").isel(sample=0)
    r_peak = float(ft.r[int(ft.chir_mag.argmax("r"))])
    assert abs(r_peak - peak) < 0.06
    assert ft.ft_reason.item() == ""


def test_sno2_first_shell_below_metal():
    g = athena_groups()["SnO2"]
    ds = exafs.normalize(as_dataset(g.energy, g.mu), e0=float(g.athena_params.bkg.e0))
    ft = exafs.fourier_transform(exafs.subtract_background(ds), k_range=(2, 12.275),
                                 taper="hanning").isel(sample=0)
    r_peak = float(ft.r[int(ft.chir_mag.argmax("r"))])
    assert 1.4 < r_peak < 1.7        # Sn–O 2.05 Å minus the phase shift (~0.45 Å)


def test_known_shell_distance_and_batch():
    k = np.arange(0, 16, 0.05)
    rs = [2.2, 2.6, 3.0]
    chi = np.stack([np.sin(2 * k * r) * np.exp(-2 * 0.003 * k ** 2) for r in rs])
    ds = xr.Dataset({"chi": (("sample", "k"), chi, {"units": "1", "long_name": "chi"})},
                    coords={"k": ("k", k, {"units": "1/angstrom", "long_name": "k"})})
    ft = exafs.fourier_transform(ds, k_range=(2, 14), k_weight=0, dk=1, taper="hanning")
    peaks = ft.r.values[ft.chir_mag.argmax("r").values]
    np.testing.assert_allclose(peaks, rs, atol=ft.r.values[1])
    lazy = exafs.fourier_transform(ds.chunk({"sample": 1}), k_range=(2, 14), k_weight=0)
    assert lazy.chir_mag.chunks is not None
    xr.testing.assert_allclose(lazy.chir_mag.compute(),
                               exafs.fourier_transform(ds, k_range=(2, 14), k_weight=0).chir_mag)
    # the back transform of a single-shell window returns the shell's sine
    bt = exafs.back_transform(ft, r_range=(1.5, 3.6), dr=0.2)
    sel = (bt.q > 4) & (bt.q < 12)
    np.testing.assert_allclose(bt.chiq_re.values[1][sel.values], chi[1][: bt.q.size][sel.values],
                               atol=0.06)


def test_window_beyond_data_is_flagged_and_empty_is_nan():
    ds = exafs.subtract_background(exafs.normalize(synthetic.xas_spectra(1, seed=0)))
    ft = exafs.fourier_transform(ds, k_range=(2, 18))
    assert "beyond the data" in ft.ft_reason[0].item()
    none = exafs.fourier_transform(ds, k_range=(16, 18))
    assert np.isnan(none.chir_mag).all() and none.ft_reason[0].item() == "no data inside k_range"


def test_window_beyond_data_on_one_spectrum_without_batch_dim():
    # a single spectrum (no batch dim) read from a file: the reason is set, nothing raises
    ds = exafs.subtract_background(exafs.normalize(synthetic.xas_spectra(1, seed=0)))
    ft = exafs.fourier_transform(ds.isel(sample=0), k_range=(2, 18))
    assert "beyond the data" in ft.ft_reason.item()
    assert np.isfinite(ft.chir_mag).all()
