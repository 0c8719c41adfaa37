"""The EXAFS path sum against larch's own path calculation (``path2chi``)."""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from characterization.exafs.path_sum import PathTable, path_chi
from characterization.synthetic import exafs_chi, feff_path_example
from conftest import shared_data


@pytest.mark.parametrize("name", ["feffcu01.dat", "feff_feo01.dat", "feff_feo02.dat"])
def test_path_chi_equals_larch_path2chi(name):
    xafs = pytest.importorskip("larch.xafs")
    path_file = shared_data("exafs") / "xraylarch" / name
    table = PathTable(ch.read(path_file))
    k = np.arange(0, 18.001, 0.05)
    pars = dict(s02=0.87, de0=3.5, delr=-0.012, sigma2=0.0071, c3=2e-4)
    ours = path_chi(table, k, **pars)
    ref = xafs.feffpath(str(path_file), s02=0.87, e0=3.5, deltar=-0.012, sigma2=0.0071,
                        third=2e-4)
    xafs.path2chi(ref, k=k)
    np.testing.assert_allclose(ours, ref.chi, atol=1e-6 * np.abs(ref.chi).max())


def test_batch_of_parameter_sets_equals_loop():
    table = PathTable(feff_path_example(reff=(2.5, 3.6), degeneracy=(12, 6),
                                        scatterers=("Cu", "Cu")))
    k = np.arange(0, 15, 0.05)
    s2 = np.array([[0.004, 0.006], [0.008, 0.01], [0.002, 0.003]])
    batch = path_chi(table, k, sigma2=s2, de0=np.array([[1.0], [2.0], [3.0]]))
    for i in range(3):
        np.testing.assert_allclose(batch[i], path_chi(table, k, sigma2=s2[i], de0=float(i + 1)))


def test_amplitude_scales_with_n_s02_and_debye_waller():
    table = PathTable(feff_path_example())
    k = np.arange(0, 15, 0.05)
    a = path_chi(table, k, s02=1.0, n=6, complex_out=True)
    b = path_chi(table, k, s02=0.5, n=24, complex_out=True)
    np.testing.assert_allclose(np.abs(b), 2 * np.abs(a), rtol=1e-12)
    c = path_chi(table, k, sigma2=0.01, complex_out=True)
    d = path_chi(table, k, sigma2=0.0, complex_out=True)
    sel = k > 2
    # |χ| ratio = exp(-2 p² σ²) with p ≈ k (real_p = sqrt(k²+4) in the model path)
    ratio = np.abs(c[sel]) / np.abs(d[sel])
    p2 = (k[sel] ** 2 + 4)
    assert np.all(ratio <= 1) and np.allclose(ratio, np.exp(-2 * 0.01 * p2), rtol=0.05)


def test_synthetic_generator_records_truth_and_noise():
    paths = feff_path_example()
    clean = exafs_chi(paths, sigma2=[[0.004], [0.008]], s02=0.9)
    noisy = exafs_chi(paths, sigma2=[[0.004], [0.008]], s02=0.9, noise=0.01, seed=4)
    assert clean.chi.dims == ("sample", "k")
    np.testing.assert_allclose(clean.true_sigma2.values[:, 0], [0.004, 0.008])
    resid = (noisy.chi - clean.chi).values
    assert resid.std() == pytest.approx(0.01, rel=0.05)
    again = exafs_chi(paths, sigma2=[[0.004], [0.008]], s02=0.9, noise=0.01, seed=4)
    np.testing.assert_array_equal(again.chi.values, noisy.chi.values)


def test_analytic_derivatives_equal_finite_differences():
    from characterization.exafs.path_sum import path_chi_grad

    table = PathTable(feff_path_example(reff=(2.1, 3.0), degeneracy=(6, 12),
                                        scatterers=("O", "Fe")))
    k = np.arange(0, 15, 0.05)
    p = dict(s02=np.array([[0.9, 0.8]]), n=np.array([[6.0, 12.0]]),
             de0=np.array([[2.0, 2.0]]), delr=np.array([[0.01, -0.02]]),
             sigma2=np.array([[0.005, 0.008]]), c3=np.array([[1e-4, 0.0]]))
    chi, grads = path_chi_grad(table, k, **p)
    np.testing.assert_allclose(chi, path_chi(table, k, fine=True, **p), atol=1e-14)
    sel = k > 1.5
    for key in p:
        for j in range(2):
            h = 1e-6 * max(1.0, abs(p[key][0, j]))
            up = {kk: v.copy() for kk, v in p.items()}
            dn = {kk: v.copy() for kk, v in p.items()}
            up[key][0, j] += h
            dn[key][0, j] -= h
            fd = (path_chi(table, k, fine=True, **up) - path_chi(table, k, fine=True, **dn)) / (
                2 * h)
            scale = np.abs(fd[..., sel]).max()
            assert np.abs(fd - grads[key][..., j, :])[..., sel].max() <= 1e-4 * scale, key


def test_batched_engine_analytic_equals_numeric_jacobian():
    paths = feff_path_example()
    data = exafs_chi(paths, sigma2=[[0.005], [0.009]], de0=1.5, s02=0.85, noise=0.001, seed=8)
    a = ch.exafs.fit_shells(data, paths=paths, engine="batched", k_range=(3, 14))
    b = ch.exafs.fit_shells(data, paths=paths, engine="batched", k_range=(3, 14),
                            fit_kwargs={"jacobian": "numeric"})
    assert bool((np.abs(a.value - b.value) <= 0.01 * a.stderr).all())
    np.testing.assert_allclose(a.stderr, b.stderr, rtol=1e-3)
