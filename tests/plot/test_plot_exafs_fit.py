"""EXAFS fit panels: shell fit in R and k, LCF with components, PCA scree."""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from characterization import plot
from characterization.plot import exafs_fit as panels
from characterization.synthetic import exafs_chi, feff_path_example


@pytest.fixture(scope="module")
def shell_result():
    paths = feff_path_example()
    data = exafs_chi(paths, sigma2=[[0.005], [0.008]], s02=0.9, noise=0.001, seed=1)
    return ch.exafs.fit_shells(data, paths=paths, engine="batched", k_range=(3, 14))


def test_shell_fit_r_draws_data_and_fit(shell_result):
    ax = panels.shell_fit_r(shell_result, index=1)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["|χ(R)| data", "|χ(R)| fit"] and len(labels) == 4
    assert ax.get_xlim()[1] <= 6.5
    assert "R-factor" in ax.get_title()
    y = ax.get_lines()[0].get_ydata()
    np.testing.assert_allclose(y, shell_result.chir_mag.isel(sample=1).values[:len(y)])


def test_shell_fit_k_weights_chi(shell_result):
    ax = panels.shell_fit_k(shell_result, k_weight=3)
    k = shell_result.k.values
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(),
                               k ** 3 * shell_result.chi_fit.isel(sample=0).values)


def test_lcf_panel_lists_weights():
    e = np.linspace(-30, 60, 181)
    import xarray as xr

    refs = xr.Dataset({"norm": (("component", "energy"),
                                np.stack([1 / (1 + np.exp(-e / 2)),
                                          1 / (1 + np.exp(-(e - 5) / 3))]))},
                      coords={"energy": e, "component": ["metal", "oxide"]})
    data = xr.Dataset({"norm": (("sample", "energy"), [0.3 * refs.norm[0].values
                                                       + 0.7 * refs.norm[1].values])},
                      coords={"energy": e})
    result = ch.exafs.fit_lcf(data, reference=refs, range=(-20, 40))
    ax = panels.lcf_fit(result)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "metal: 0.300" in labels and "oxide: 0.700" in labels
    assert "residual (offset)" in labels


def test_default_panels_registered():
    for name in ("exafs.fit_shells", "exafs.fit_lcf", "exafs.pca"):
        assert plot.default_panel(name) is not None
