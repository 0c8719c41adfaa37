"""Segmentation: detection against the generator's true labels, file markers, cycles."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.nanoindent import segment
from characterization.synthetic import indentation_curves


def _boundary_distance(labels):
    """Distance of every point to the nearest change of the true label."""
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 0.5
    idx = np.arange(labels.size)
    return np.min(np.abs(idx[:, None] - change[None, :]), axis=1)


@pytest.mark.parametrize("kwargs", [
    dict(drift_hold_time=10.0),
    dict(drift_hold_time=10.0, noise_load=0.01, noise_displacement=0.2, drift_rate=0.05,
         popin_load=20.0),
    dict(tip="flat_punch", max_load=200.0, modulus=150.0, noise_load=0.01),
])
def test_detected_labels_match_truth_away_from_boundaries(kwargs):
    ds = indentation_curves(2, seed=1, **kwargs)
    out = segment(ds, source="detect")
    n = int(ds.n_points[0])
    truth, got = ds.segment.values[0, :n], out.segment.values[0, :n]
    wrong = truth != got
    # only points within half a slope window (7 points) of a true boundary may differ
    assert not wrong[_boundary_distance(truth) > 4].any()
    assert wrong.sum() <= 20
    assert (out.cycle.values[0, :n] == 1).all()


def test_padding_gets_empty_label_and_cycle_zero():
    ds = indentation_curves(2, popin_load=[np.nan, 20.0], seed=1)
    out = segment(ds, source="detect")
    assert (out.segment.values[0, 700:] == "").all()
    assert (out.cycle.values[0, 700:] == 0).all()


def _two_cycles():
    a = indentation_curves(None, max_load=20.0, hold_time=2.0)
    b = indentation_curves(None, max_load=40.0, hold_time=2.0)
    p = np.r_[a["load"].values, b["load"].values]
    h = np.r_[a.displacement.values, b.displacement.values + a.attrs["ground_truth"][
        "final_depth"] * 0]
    t = np.r_[a.time.values, b.time.values + a.time.values[-1]]
    labels = np.r_[a.segment.values, b.segment.values]
    ds = xr.Dataset({"load": ("point", p, {"units": "mN"}),
                     "displacement": ("point", h, {"units": "nm"})},
                    coords={"time": ("point", t, {"units": "s"})},
                    attrs={"technique": "nanoindent"})
    return ds, labels, a.sizes["point"]


def test_multicycle_numbered_per_cycle():
    ds, labels, n_first = _two_cycles()
    out = segment(ds)                                  # no markers: detection
    assert out.attrs["method"] == "rate classification"
    cyc = out.cycle.values
    assert (cyc[: n_first - 5] == 1).all() and (cyc[n_first + 5:] == 2).all()


def test_markers_are_kept_and_cycles_counted():
    ds, labels, n_first = _two_cycles()
    marked = ds.assign_coords(segment=("point", labels))
    out = segment(marked)
    assert out.attrs["method"] == "file markers"
    np.testing.assert_array_equal(out.segment.values, labels)
    assert (out.cycle.values[:n_first] == 1).all() and (out.cycle.values[n_first:] == 2).all()


def test_errors():
    ds, _, _ = _two_cycles()
    with pytest.raises(AnalysisError, match="carry no segment markers"):
        segment(ds, source="markers")
    with pytest.raises(AnalysisError, match="source must be"):
        segment(ds, source="vendor")
    with pytest.raises(AnalysisError, match="'load' not in Dataset"):
        segment(ds.drop_vars("load"))
