"""Nanoindentation panels: what is drawn matches the results (areas, fit, maps, bars)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
import xarray as xr

import characterization.nanoindent as ni
from characterization.plot import default_panel
from characterization.plot import nanoindent as panels
from characterization.synthetic import indentation_curves
from example_inputs.nanoindent_op import grid_results


@pytest.fixture(scope="module")
def indents():
    return indentation_curves(2, seed=0, loading_time=5.0, hold_time=1.0, unloading_time=3.0)


def _polygon_area(collection):
    v = collection.get_paths()[0].vertices
    x, y = v[:, 0], v[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


def test_load_displacement_shades_the_works(indents):
    en = ni.energies(indents)
    ax = panels.load_displacement(en, data=indents, index=1)
    fills = [c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)]
    assert len(fills) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    we = float(en.elastic_work[1]) / 1e-10
    assert any(f"{we:.3g}" in t for t in labels)
    # the blue area (under unloading) is W_e: mN*nm = 1e-12 J
    np.testing.assert_allclose(_polygon_area(fills[1]) * 1e-12, float(en.elastic_work[1]),
                               rtol=0.01)


def test_events_are_marked(indents):
    events = xr.Dataset({"event_load": ("indent", [20.0, np.nan]),
                         "event_depth": ("indent", [300.0, np.nan])})
    ax = panels.load_displacement(data=indents, events=events, index=0)
    marks = [ln for ln in ax.lines if ln.get_label() == "events"]
    assert marks and marks[0].get_xydata().tolist() == [[300.0, 20.0]]


def test_unloading_fit_passes_through_the_result(indents):
    op = ni.oliver_pharr(indents)
    ax = panels.unloading_fit(op, data=indents, index=0)
    law = next(ln for ln in ax.lines if ln.get_label().startswith("P = "))
    x, y = law.get_xydata().T
    r = op.isel(indent=0)
    s = float(r.stiffness) * 1e-6
    slope = (y[-1] - y[-2]) / (x[-1] - x[-2])
    np.testing.assert_allclose(slope, s, rtol=0.02)
    assert default_panel("nanoindent.oliver_pharr") is panels.unloading_fit


def test_failed_fit_says_why(indents):
    op = ni.oliver_pharr(indents, unloading_range=(0.999, 1.0))
    ax = panels.unloading_fit(op, data=indents)
    assert any("fewer than 4" in t.get_text() for t in ax.texts)


def test_grid_maps_and_outlier_circles():
    g = ni.grid_map(grid_results(3, outlier=4))
    axes = panels.grid_maps(g, variables=["hardness", "modulus"])
    assert len(axes) == 2
    mesh = axes[0].collections[0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(3, 3),
                               g.map_hardness.values)
    circles = [ln for ln in axes[0].lines if ln.get_marker() == "o"]
    assert circles[0].get_xydata().shape[0] == int(g.outlier.sum())


def test_energy_bars_pool_by_sample():
    res = xr.Dataset({"elastic_work": ("indent", [1e-10, 3e-10, 5e-10]),
                      "plastic_work": ("indent", [2e-10, 2e-10, 1e-10])},
                     coords={"sample": ("indent", ["FeSi2", "FeSi2", "C"])})
    ax = panels.energy_bars(res, labels="sample")
    heights = [round(p.get_height(), 9) for p in ax.patches]
    assert heights == [2.0, 1.0, 2.0, 5.0]       # W_p bars then W_e bars (×1e-10 J)
    assert [t.get_text() for t in ax.texts] == ["50.0 %", "83.3 %"]


def test_events_of_the_events_step_are_marked():
    ds = indentation_curves(1, seed=2, popin_load=[20.0], noise_load=0.002,
                            noise_displacement=0.05)
    ev = ni.events(ds)
    ax = panels.load_displacement(data=ds, events=ev)
    marks = next(ln for ln in ax.lines if ln.get_label() == "events").get_xydata()
    found = ev.event_load.values[np.isfinite(ev.event_load.values)]
    assert marks.shape[0] == found.size >= 1
    assert abs(marks[0, 1] - 20.0) < 0.5                 # at the pop-in load
