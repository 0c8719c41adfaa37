"""Panels draw what they should from results, with labels from long_name and units."""

from __future__ import annotations

import numpy as np
import pytest

from characterization import plot
from characterization.fit import Model, Peak, fit_peaks
from characterization.plot import fit as fit_panels, sorption as sorption_panels
from characterization.plot._labels import axis_label, pretty_units
from characterization.plot.spectra import stacked
from characterization.sorption import bet, bjh, tplot
from characterization.synthetic import isotherms, peak_spectra


def test_units_and_labels():
    assert pretty_units("1/cm") == "cm$^{-1}$"
    assert pretty_units("m^2/g") == "m$^2$ g$^{-1}$"
    ds = peak_spectra(2, seed=0)
    assert axis_label(ds.raman_shift) == "Raman shift (cm$^{-1}$)"


def test_figure_layout_and_letters():
    fig, axes = plot.figure(2, 2, width="double")
    assert axes.size == 4
    assert fig.get_size_inches()[0] == pytest.approx(174 / 25.4)
    letters = [ax.get_title(loc="left") for ax in axes]
    assert letters == ["(a)", "(b)", "(c)", "(d)"]
    with pytest.raises(ValueError, match="width"):
        plot.figure(width="poster")


def test_fit_panel_draws_data_components_fit_and_residual():
    ds = peak_spectra(3, seed=1)
    model = Model([Peak("D1", "lorentzian", center=1350), Peak("G", "lorentzian", center=1590)],
                  background="linear")
    res = fit_peaks(ds, model)
    ax = fit_panels.fit_result(res, data=ds, index=2)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "data" in labels and "fit" in labels and "background" in labels
    fit_line = next(line for line in ax.get_lines() if line.get_label() == "fit")
    np.testing.assert_allclose(fit_line.get_ydata(), res.best_fit.isel(sample=2).values)
    assert len(ax.child_axes) == 1  # residual strip
    assert "cm$^{-1}$" in ax.child_axes[0].get_xlabel()


def test_stacked_offsets_curves():
    ds = peak_spectra(3, seed=2)
    ax = stacked(ds, offset=1000.0)
    ys = [line.get_ydata() for line in ax.get_lines()]
    np.testing.assert_allclose(ys[1] - ys[0], ds.intensity[1] - ds.intensity[0] + 1000.0)


def test_sorption_panels():
    ds = isotherms(2, kind="IV", seed=3)
    b = bet(ds)
    ax = sorption_panels.bet_plot(b, data=ds, index=1)
    used = next(line for line in ax.get_lines() if line.get_label() == "BET range")
    assert len(used.get_xdata()) == int(b.n_points[1])
    ax = sorption_panels.isotherm(ds, log=True)
    assert ax.get_xscale() == "log"
    t = tplot(ds, bet_area=b)
    ax = sorption_panels.tplot_plot(t, data=ds)
    assert "Statistical thickness" in ax.get_xlabel()
    p = bjh(ds)
    ax = sorption_panels.psd_plot(p, index=0)
    assert ax.get_xscale() == "log" and "pore" in ax.get_xlabel().lower()


def test_default_panels_resolve():
    for qualname in plot.DEFAULT_PANELS:
        assert callable(plot.default_panel(qualname))
    assert plot.default_panel("sorption.langmuir") is None


def test_map_image_and_histogram():
    import xarray as xr

    from characterization.plot.maps import histogram, map_image, nice_length

    assert nice_length(100.0) == 20.0 and nice_length(37.0) == 5.0
    y, x = np.arange(4) * 2.0, np.arange(6) * 2.0
    values = np.arange(24, dtype=float).reshape(4, 6)
    values[0, 0] = np.nan
    ds = xr.Dataset({"ratio": (("y", "x"), values, {"units": "1", "long_name": "I_D/I_G"})},
                    coords={"x": ("x", x, {"units": "um"}), "y": ("y", y, {"units": "um"})})
    ax = map_image(ds, "ratio")
    image = ax.get_images()[0]
    assert image.get_array().mask[0, 0]                       # failed pixel transparent
    assert image.get_extent() == [-1.0, 11.0, -1.0, 7.0]      # pixel-centred stage extent
    assert any("µm" in t.get_text() for t in ax.texts)        # scale bar label
    ax = histogram(ds, "ratio")
    assert "(1 NaN)" in ax.texts[0].get_text()
    with pytest.raises(ValueError, match="dims"):
        map_image(ds.expand_dims(sample=2), "ratio")


def test_raman_panels():
    from characterization.plot import raman as raman_panels
    from characterization.raman import fit_carbon, fit_silicon, remove_spikes, subtract_background
    from characterization.synthetic import carbon_spectra, silicon_spectra

    ds = carbon_spectra(2, laser_wavelength=514.0, seed=3)
    res = fit_carbon(ds, model="4band")
    ax = raman_panels.carbon_fit(res, data=ds, index=1)
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"D1", "G", "D3", "D4", "baseline", "fit"} <= labels     # bands rebuilt from the fit
    wide = carbon_spectra(2, model="2band", include=("2D",), seed=3)
    ax = raman_panels.carbon_fit(fit_carbon(wide, model="2band", include=("2D",)), data=wide)
    assert "2D" in {t.get_text() for t in ax.get_legend().get_texts()}  # labelled parameters
    assert "I$_D$/I$_G$" in ax.get_legend().get_title().get_text()
    si = silicon_spectra(2, seed=1)
    ax = raman_panels.silicon_fit(fit_silicon(si), data=si)
    assert "ω =" in " ".join(t.get_text() for t in ax.texts)
    ax = raman_panels.background(subtract_background(ds), data=ds)
    assert [line.get_label() for line in ax.get_lines()] == ["measured", "baseline", "corrected"]
    ax = raman_panels.spikes(remove_spikes(ds), data=ds)
    assert "cleaned" in [line.get_label() for line in ax.get_lines()]
