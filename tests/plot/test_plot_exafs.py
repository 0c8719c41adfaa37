"""EXAFS panels: μ(E) stack, χ(k)·k^n, |χ(R)|/Re[χ(R)] with fit; default panels of the steps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from characterization import exafs, plot, synthetic
from characterization.plot import exafs as panels


@pytest.fixture(scope="module")
def processed():
    ds = synthetic.xas_spectra(batch={"state": ["pristine", "lithiated", "delithiated"]},
                               seed=1)
    ds = exafs.normalize(ds, pre_range=(-150, -30), post_range=(50, 700))
    ds = exafs.subtract_background(ds, rbkg=1.0)
    return exafs.fourier_transform(ds, k_range=(2, 12), dk=1, taper="hanning")


def test_mu_stack_draws_every_state_with_offset(processed):
    ax = panels.mu_stack(processed, offset=0.5)
    assert len(ax.lines) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["pristine", "lithiated", "delithiated"]
    y0, y2 = ax.lines[0].get_ydata(), ax.lines[2].get_ydata()
    np.testing.assert_allclose(y2 - 1.0, processed.flat.sel(state="delithiated").values)
    np.testing.assert_allclose(y0, processed.flat.isel(state=0).values)
    assert "eV" in ax.get_xlabel()


def test_chi_k_is_k_weighted_with_window(processed):
    ax = panels.chi_k(processed, k_weight=2)
    data = [ln for ln in ax.lines if ln.get_label() != "window"]
    assert len(data) == 3
    k = processed.k.values
    np.testing.assert_allclose(data[1].get_ydata(),
                               processed.chi.isel(state=1).values * k ** 2)
    assert any(ln.get_label() == "window" for ln in ax.lines)
    assert "Å" in ax.get_xlabel()


def test_chi_r_magnitude_real_part_and_fit(processed):
    fit = processed[["chir_mag", "chir_re"]] * 0.9
    ax = panels.chi_r(processed, fit=fit, range=(0, 6))
    labels = [ln.get_label() for ln in ax.lines]
    assert "pristine |χ(R)|" in labels and "pristine Re[χ(R)]" in labels
    assert labels.count("fit") == 1
    mag = next(ln for ln in ax.lines if ln.get_label() == "pristine |χ(R)|")
    sel = processed.chir_mag.isel(state=0).sel(r=slice(0, 6))
    np.testing.assert_allclose(mag.get_ydata(), sel.values)
    assert "phase uncorrected" in (ax.get_legend().get_title().get_text() if ax.get_legend() else ax.get_title("right"))


def test_default_panels_and_overview(processed):
    for step, name in (("exafs.normalize", "mu_stack"), ("exafs.subtract_background", "chi_k"),
                       ("exafs.fourier_transform", "chi_r")):
        panel = plot.default_panel(step)
        assert panel.__name__ == name
        _, ax = plt.subplots()
        panel(processed, data=None, ax=ax)
        assert ax.lines
    axes = panels.overview(processed)
    assert len(axes) == 3 and all(a.lines for a in axes)
