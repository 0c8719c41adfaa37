"""XPS panels: fitted region with residual, depth-profile stack, composition/valence profiles."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from characterization import plot
from characterization.fit import Model, Peak, fit_peaks
from characterization.plot import xps as xps_panels
from characterization.synthetic.xps import si2p_spectra
from characterization.synthetic.xps_survey import survey
from characterization.xps import quantify


def _profile_surveys():
    times = np.array([0.0, 60.0, 120.0, 240.0])
    oxygen = np.array([40.0, 30.0, 20.0, 15.0])
    sites = [survey({"O": oxygen, "Si": 80 - oxygen, "C": np.full(4, 20.0)}, dim="sputter_time",
                    coord=times, be_range=(50, 600), step=1.0, seed=s) for s in range(3)]
    return xr.concat(sites, dim="site").assign_coords(site=("site", [1, 2, 3]))


def test_region_fit_draws_components_on_background_and_residual():
    ds = si2p_spectra(2, fractions=[0.6, 0.0, 0.0, 0.0, 0.4], seed=2)
    model = Model([Peak("Si0", "gaussian", center=99.4), Peak("Si4", "gaussian", center=103.4)],
                  background="linear")
    result = fit_peaks(ds, model)
    ax = xps_panels.region_fit(result, data=ds, index=1)
    assert ax.xaxis_inverted()
    assert len(ax.collections) == 2                     # one filled area per peak component
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"data", "Si0", "Si4", "background", "envelope", "residual"} <= set(labels)
    resid = next(line for line in ax.lines if line.get_label() == "residual").get_ydata()
    data = ds["intensity"].isel(sample=1).values
    expected = data - result["best_fit"].isel(sample=1).values
    np.testing.assert_allclose(resid - np.median(resid - expected), expected)
    envelope = next(line for line in ax.lines if line.get_label() == "envelope")
    np.testing.assert_allclose(envelope.get_ydata(), result["best_fit"].isel(sample=1).values)


def test_stack_along_sputter_time_labels_each_step():
    ds = si2p_spectra(batch={"site": [1, 2], "sputter_time": [0.0, 120.0, 360.0]}, seed=1)
    ax = xps_panels.stack(ds, dim="sputter_time", select={"site": 1}, normalize=True)
    assert len(ax.lines) == 3 and ax.xaxis_inverted()
    assert [t.get_text().strip() for t in ax.texts] == ["0 s", "120 s", "360 s"]
    top = ax.lines[2].get_ydata()
    assert np.nanmax(top) == pytest.approx(3.0)          # normalised, offset 1 per step
    with pytest.raises(ValueError, match="no dim"):
        xps_panels.stack(ds, dim="angle")


def test_profile_averages_sites_with_scatter_error_bars():
    result = quantify(_profile_surveys(), peaks=["O 1s", "Si 2p", "C 1s"])
    ax = xps_panels.profile(result, var="atomic_percent", dim="sputter_time")
    assert len(ax.containers) == 3                      # one errorbar set per line
    oxygen = ax.containers[0].lines[0].get_ydata()
    expected = result["atomic_percent"].sel(peak="O 1s").mean("site").values
    np.testing.assert_allclose(oxygen, expected)
    assert "s.d." in ax.get_legend().get_title().get_text()


def test_profile_of_one_site_uses_standard_errors_and_a_valence_like_variable():
    result = quantify(_profile_surveys(), peaks=["O 1s", "Si 2p", "C 1s"]).isel(site=0)
    ax = xps_panels.profile(result, var="atomic_percent", average=None)
    bars = ax.containers[0].lines[2][0].get_segments()
    lengths = [s[1][1] - s[0][1] for s in bars]
    np.testing.assert_allclose(
        lengths, 2 * result["atomic_percent_stderr"].sel(peak="O 1s").values)
    valence = xr.Dataset({"average_valence": (("site", "sputter_time"),
                                              [[1.3, 1.1, 1.0], [1.2, 1.0, 0.9]],
                                              {"units": "1", "long_name": "Average valence"})},
                         coords={"sputter_time": ("sputter_time", [0.0, 60.0, 120.0],
                                                  {"units": "s"})})
    ax2 = xps_panels.profile(valence, var="average_valence")
    np.testing.assert_allclose(ax2.containers[0].lines[0].get_ydata(), [1.25, 1.05, 0.95])


def test_composition_bars_and_default_panel():
    ds = survey({"C": 70.0, "O": 30.0}, n_samples=1, seed=5)
    result = quantify(ds, peaks=["C 1s", "O 1s", "F 1s"])
    assert plot.default_panel("xps.quantify") is xps_panels.composition
    ax = xps_panels.composition(result, data=ds)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights[:2], result["atomic_percent"].values[0, :2])
    assert [t.get_text() for t in ax.texts][-1] == "n.d."


def test_region_fit_of_an_xps_fit_region_result_stacks_components_on_its_background():
    from characterization.fit import Param
    from characterization.xps import doublet, fit_region

    fw = {"fwhm": Param(1.0, min=0.3, max=3.0), "m": Param(30.0, vary=False)}
    ds = si2p_spectra(2, fractions=[0.6, 0, 0, 0, 0.4], seed=3)
    model = (doublet("Si0", splitting=0.61, ratio=0.5, center=99.4, **fw)
             + doublet("Si4", splitting=0.61, ratio=0.5, center=103.3, **fw))
    result = fit_region(ds, model, background="shirley", range=(96.0, 107.0))
    ax = xps_panels.region_fit(result, data=ds, index=0)
    n_comp = result.sizes["component"]
    assert len(ax.collections) == n_comp
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert "Si0" in labels and not any(label.endswith("_so") for label in labels)
    background = next(line for line in ax.lines if line.get_label() == "background")
    np.testing.assert_allclose(background.get_ydata(), result["background"].isel(sample=0))
    # each filled component sits on the background: its lower edge is the background
    lower = ax.collections[0].get_paths()[0].vertices[:, 1].min()
    assert lower == pytest.approx(float(np.nanmin(result["background"].isel(sample=0))), rel=1e-6)


def test_regions_fit_draws_one_panel_per_region_of_a_joint_fit():
    import matplotlib.pyplot as plt

    from characterization.fit import Param, Peak, Tie
    from characterization.xps import fit_regions, stack_regions

    common = {"fractions": [1.0], "shifts": [0.0], "fwhm": [1.3], "splitting": 0.0,
              "ratio": 0.0, "n_spectra": 2}
    si = si2p_spectra(e0=103.5, energy=(99.0, 108.0, 0.1), seed=4, **common)
    o = si2p_spectra(e0=532.9, energy=(528.0, 538.0, 0.1), seed=5, **common)
    fw = {"fwhm": Param(1.2, min=0.5, max=3.0), "m": Param(30.0, vary=False)}
    model = {"Si_2p": [Peak("Si4", "gl", center=103.4, **fw)],
             "O_1s": [Peak("O", "gl", center=532.8, **fw)]}
    data = stack_regions({"Si_2p": si, "O_1s": o})
    res = fit_regions(data, model, ties={"O_1s/O.center": Tie("Si_2p/Si4.center",
                                                                 offset=429.4)})
    axes = xps_panels.regions_fit(res, data=data, index=1)
    assert [ax.get_title() for ax in axes] == ["Si_2p", "O_1s"]
    for ax, name, lo, hi in ((axes[0], "Si4", 99.0, 108.0), (axes[1], "O", 528.0, 538.0)):
        assert ax.xaxis_inverted() and len(ax.collections) == 1
        assert name in {t.get_text() for t in ax.get_legend().get_texts()}
        env = next(line for line in ax.lines if line.get_label() == "envelope")
        assert env.get_xdata().min() == pytest.approx(lo) and env.get_xdata().max() == pytest.approx(hi)
    plt.close("all")
