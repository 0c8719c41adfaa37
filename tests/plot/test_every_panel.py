"""Every public panel renders through the composer (Agg) with labelled axes and drawn data."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization import plot

#: modules other engineers own (their panels are tested beside them)
FOREIGN = ("exafs", "exafs_fit")


def _xrd():
    from characterization import xrd
    from characterization.synthetic import kalpha_patterns, xrd_patterns

    data = kalpha_patterns()
    fit = xrd.fit_pattern(data, peaks=[28.44, 47.30, 56.12])
    pat = xrd_patterns(["Si"], size_nm=25.0, strain=1e-3, seed=2)
    many = xrd.fit_pattern(pat, peaks=[28.44, 47.30, 56.12, 69.13, 76.38])
    return data, fit, many, xrd


def _specs():
    """{panel name: spec} with synthetic data of exact ground truth."""
    from characterization.fit import Model, Peak, fit_peaks
    from characterization.nanoindent import energies, grid_map, oliver_pharr
    from characterization.raman import (fit_carbon, fit_silicon, remove_spikes,
                                        subtract_background)
    from characterization.sorption import bet, bjh, tplot
    from characterization.synthetic import (carbon_spectra, indentation_curves, isotherms,
                                            peak_spectra, silicon_spectra)
    from characterization.synthetic.xps import si2p_spectra
    from characterization.synthetic.xps_survey import survey
    from characterization.xps import fit_si2p, quantify
    from example_inputs.nanoindent_op import grid_results

    spectra = peak_spectra(3, seed=1)
    model = Model([Peak("D1", "lorentzian", center=1350), Peak("G", "lorentzian", center=1590)],
                  background="linear")
    carbon = carbon_spectra(2, laser_wavelength=514.0, seed=3)
    si = silicon_spectra(1, seed=1)
    iso = isotherms(2, kind="IV", seed=3)
    b = bet(iso)
    indents = indentation_curves(2, seed=0, loading_time=5.0, hold_time=1.0,
                                 unloading_time=3.0)
    xps = si2p_spectra(batch={"sputter_time": [0.0, 300.0]}, seed=7)
    quant = quantify(survey({"O": [40, 20], "Si": [40, 60], "C": 20}, dim="sputter_time",
                            coord=[0.0, 120.0], seed=0), peaks=["O 1s", "Si 2p", "C 1s"])
    y, x = np.arange(4) * 2.0, np.arange(6) * 2.0
    mapped = xr.Dataset({"ratio": (("y", "x"), np.arange(24.0).reshape(4, 6),
                                   {"units": "1", "long_name": "I_D/I_G"})},
                        coords={"x": ("x", x, {"units": "um"}), "y": ("y", y, {"units": "um"})})
    data, fit, many, xrd = _xrd()
    return {
        "fit.fit_result": {"result": fit_peaks(spectra, model), "data": spectra},
        "maps.histogram": {"data": mapped, "var": "ratio"},
        "maps.map_image": {"data": mapped, "var": "ratio"},
        "nanoindent.energy_bars": {"result": energies(indents)},
        "nanoindent.grid_maps": {"result": grid_map(grid_results(3, outlier=4))},
        "nanoindent.load_displacement": {"result": energies(indents), "data": indents},
        "nanoindent.unloading_fit": {"result": oliver_pharr(indents), "data": indents},
        "raman.background": {"result": subtract_background(carbon), "data": carbon},
        "raman.band_fit": {"result": fit_silicon(si), "data": si},
        "raman.carbon_fit": {"result": fit_carbon(carbon, model="4band"), "data": carbon},
        "raman.silicon_fit": {"result": fit_silicon(si), "data": si},
        "raman.spikes": {"result": remove_spikes(carbon), "data": carbon},
        "sorption.bet_plot": {"result": b, "data": iso},
        "sorption.isotherm": {"data": iso},
        "sorption.isotherms": {"data": iso},
        "sorption.psd_plot": {"result": bjh(iso)},
        "sorption.tplot_plot": {"result": tplot(iso, bet_area=b), "data": iso},
        "spectra.stacked": {"data": spectra},
        "xps.composition": {"result": quant},
        "xps.profile": {"data": quant, "average": None},
        "xps.region_fit": {"result": fit_si2p(xps), "data": xps},
        "xps.stack": {"data": xps},
        "xrd.pattern_fit": {"result": fit, "data": data},
        "xrd.scherrer_sizes": {"result": xrd.scherrer(fit)},
        "xrd.size_strain_plot": {"result": xrd.size_strain_plot(many)},
        "xrd.stacked_patterns": {"data": data},
        "xrd.williamson_hall_plot": {"result": xrd.williamson_hall(many)},
    }


@pytest.fixture(scope="module")
def specs():
    return _specs()


def test_every_panel_has_a_rendering_test(specs):
    ours = [p for p in plot.available_panels() if p.split(".")[0] not in FOREIGN]
    assert sorted(ours) == sorted(specs)


def test_every_panel_renders_in_a_composed_figure(specs, tmp_path, recwarn):
    names = sorted(specs)
    ncols = 4
    rows = []
    for i in range(0, len(names), ncols):
        row = [{"panel": n, "name": n, **specs[n]} for n in names[i:i + ncols]]
        rows.append(row + [None] * (ncols - len(row)))
    fig = plot.figure(rows, width="360mm", aspect=0.8)
    assert list(fig.panels) == names
    svg_path, = plot.export(fig, tmp_path / "all_panels", formats=("svg",))  # draws once
    letters = [ax.get_title(loc="left") for ax in fig.panels.values()]
    expected = [f"({chr(97 + i % 26) * (1 + i // 26)})" for i in range(len(names))]
    assert letters == expected                      # ... (z), (aa), (bb) past 26 panels
    for name, ax in fig.panels.items():
        drawn = len(ax.lines) + len(ax.collections) + len(ax.patches) + len(ax.images)
        assert drawn > 0, f"{name} drew nothing"
        if name in ("maps.map_image", "xrd.stacked_patterns", "xps.stack"):
            assert ax.get_xlabel() or ax.get_images()     # scale bar instead of ticks
            continue
        strip = ax.child_axes[0] if ax.child_axes else None
        xlabel = ax.get_xlabel() or (strip.get_xlabel() if strip else "")
        categories = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert (xlabel or categories) and ax.get_ylabel(), f"{name} has an unlabelled axis"
    svg = svg_path.read_text(encoding="utf-8")
    assert svg.count("<text") > 100 and "(aa)" in svg
    collapsed = [w for w in recwarn if "constrained_layout not applied" in str(w.message)]
    assert not collapsed                            # the layout engine placed every panel


def test_units_appear_in_labels(specs):
    fig = plot.figure([[{"panel": "raman.silicon_fit", **specs["raman.silicon_fit"]},
                        {"panel": "xrd.pattern_fit", **specs["xrd.pattern_fit"]},
                        {"panel": "sorption.psd_plot", **specs["sorption.psd_plot"]},
                        {"panel": "xps.region_fit", **specs["xps.region_fit"]}]],
                      width="double")
    a, b, c, d = fig.panels.values()
    assert a.child_axes[0].get_xlabel() == "Raman shift (cm$^{-1}$)"
    assert b.child_axes[0].get_xlabel() == "2θ (°)"
    assert "(nm)" in c.get_xlabel() and "cm$^3$ g$^{-1}$" in c.get_ylabel()
    assert d.get_xlabel() == "Binding energy (eV)" and "counts s$^{-1}$" in d.get_ylabel()
