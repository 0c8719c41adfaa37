"""XRD panels: doublet fit with residual and ticks, stacked patterns, W–H and SSP plots."""

from __future__ import annotations

import matplotlib
import numpy as np
import xarray as xr

from characterization import plot, xrd
from characterization.plot import xrd as xrd_panels
from characterization.synthetic import kalpha_patterns as _example_pattern

PEAKS = [28.44, 47.30, 56.12]


def _references():
    """Two phases with different numbers of lines, padded with NaN like reference_pattern."""
    tt = np.array([[28.44, 47.30, 56.12, np.nan], [28.80, 47.92, 56.87, 33.3]])
    inten = np.array([[100.0, 55.0, 30.0, np.nan], [100.0, 60.0, 35.0, 5.0]])
    hkl = np.array([["111", "220", "311", ""], ["111", "220", "311", "200"]])
    return xr.Dataset({"two_theta": (("phase", "reflection"), tt, {"units": "deg"}),
                       "intensity": (("phase", "reflection"), inten, {"units": "%"})},
                      coords={"phase": ["Si", "CoSi2"], "hkl": (("phase", "reflection"), hkl)})


def _ticks(ax):
    return [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]


def test_pattern_fit_panel_has_data_fit_components_residual_and_ticks():
    data = _example_pattern()
    res = xrd.fit_pattern(data, peaks=PEAKS)
    ax = xrd_panels.pattern_fit(res, data=data, index=1, references=_references(),
                                annotate="D = 20 nm")
    assert len(ax.child_axes) == 1  # residual strip under the main panel
    labels = [line.get_label() for line in ax.lines]
    assert "data" in labels and "fit" in labels and "background" in labels
    # one filled area per doublet component
    assert len([c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)
                ]) == 3
    ticks = _ticks(ax)
    assert len(ticks) == 2  # one row per phase
    # the Si row sits at the Si lines inside the fitted range
    si = ticks[0].get_segments()
    xs = sorted(seg[0][0] for seg in si)
    np.testing.assert_allclose(xs, PEAKS)
    texts = [t.get_text().strip() for t in ax.texts]
    assert {"p0", "p1", "p2", "Si", "CoSi2", "D = 20 nm"} <= set(texts)
    # residual = data - fit of the selected pattern
    resid = ax.child_axes[0].lines[-1].get_ydata()
    sel = data.intensity.isel(sample=1).sel(two_theta=res.two_theta)
    np.testing.assert_allclose(resid, sel.values - res.best_fit.isel(sample=1).values)


def test_stacked_patterns_offsets_and_tick_rows():
    data = _example_pattern(n_sample=3)
    ax = xrd_panels.stacked_patterns(data, references=_references(), label_hkl=True)
    curves = [line for line in ax.lines]
    assert len(curves) == 3
    mins = [np.nanmin(c.get_ydata()) for c in curves]
    np.testing.assert_allclose(np.diff(mins), 1.05, atol=1e-9)  # normalised + offset
    ticks = _ticks(ax)
    assert len(ticks) == 2
    assert ax.get_ylim()[0] < 0  # tick rows below the first pattern
    assert any(t.get_text() == "111" for t in ax.texts)


def test_williamson_hall_and_size_strain_panels():
    tt = np.array([28.44, 47.30, 56.12, 69.13, 76.38])
    th = np.deg2rad(tt) / 2
    beta = 0.9 * 0.15406 / (20 * np.cos(th)) + 4e-3 * np.tan(th)
    table = xrd.peak_table(tt, np.rad2deg(beta), fwhm_stderr=0.002, wavelength=1.5406)
    wh = xrd.williamson_hall(table, correction="lorentzian")
    ax = xrd_panels.williamson_hall_plot(wh)
    fit_line = [line for line in ax.lines if line.get_label() == "fit"][0]
    x, y = fit_line.get_data()
    np.testing.assert_allclose(y, 0.9 * 0.15406 / 20 + 1e-3 * x, rtol=1e-6)
    assert "D = 20.0" in ax.texts[-1].get_text()
    ssp = xrd.size_strain_plot(table, width="fwhm", correction="gaussian")
    ax2 = xrd_panels.size_strain_plot(ssp)
    assert ax2.get_xlabel().startswith("β*/d*²")
    size = xrd.scherrer(table, correction="lorentzian")
    ax3 = xrd_panels.scherrer_sizes(size)
    assert len(ax3.patches) == 5


def test_xrd_default_panels_registered():
    assert plot.default_panel("xrd.fit_pattern") is xrd_panels.pattern_fit
    assert plot.default_panel("xrd.williamson_hall") is xrd_panels.williamson_hall_plot
