"""Preparation and energies on real files of shared/data/nanoindent (MANIFEST.md).

The vendor per-cycle peak loads are *vendor* values printed in the NanoSuite file; the
segment-length expectations follow the test protocols the MANIFEST describes.
"""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from characterization import nanoindent as ni
from conftest import shared_data


def _read(path):
    return ch.read(shared_data("nanoindent") / path)


def test_nanosuite_cycles_peak_loads_match_vendor():
    ds = _read("micromechanics/examples/Agilent/FQ.xls")
    vendor = ds["vendor_cycle_load"].values                 # (indent, 5 cycles), mN
    ours = np.stack([ni.energies(ds, cycle=c).max_load.values for c in range(1, 6)], axis=-1)
    np.testing.assert_allclose(ours, vendor, rtol=0.01)
    res = [ni.energies(ds, cycle=c) for c in range(1, 6)]
    assert all(bool(r.success.all()) for r in res)
    # the elastic fraction of fused quartz rises with load (deeper, larger elastic share)
    eta = np.stack([r.elastic_fraction.values for r in res], axis=-1)
    assert (np.diff(eta, axis=-1) > -0.02).all()


def test_mts_markers_and_unloading_to_the_drift_hold():
    ds = _read("PopIn/indentation_data/mts-XP_Indcon5um_Al2O3-40nm.xls")
    res = ni.energies(ds, unload_end="drift_hold")
    ok = res.success.values
    assert ok.sum() >= 0.9 * ok.size
    ratio = (res.unload_end_load / res.max_load).values[ok]
    # MTS "Thermal Drift Hold" at 10 % of the peak load
    np.testing.assert_allclose(ratio, 0.1, atol=0.02)


def test_triboscan_segments_detected_without_markers():
    ds = _read("micromechanics/examples/Hysitron/RobinSteel0000LC.txt")
    out = ni.segment(ds, source="detect")
    labels, counts = np.unique(out.segment.values, return_counts=True)
    count = dict(zip(labels.tolist(), counts.tolist()))
    # 3 mN load – 5 s hold – unload: one hold of about 5 s between loading and unloading
    t = ds.time.values
    hold = out.segment.values == "hold"
    assert (t[hold].max() - t[hold].min()) == pytest.approx(5.0, abs=0.3)
    assert count["loading"] > 1000 and count["unloading"] > 1000
    assert set(labels) <= {"approach", "loading", "hold", "unloading"}


def test_ti990_contact_found_after_the_preload():
    ds = _read("merrypopins/datasets/6microntip_slowloading/grain8_6um_indent01_HL_QS_LC.txt")
    z = ni.zero_point(ds)
    # the record starts at ≈2 mN and lifts off; contact comes after the re-approach (≈10 s)
    assert ds.time.values[int(z.surface_index)] == pytest.approx(10.1, abs=0.3)
    assert abs(z.surface_displacement.item()) < 10 and z.surface_displacement_stderr < 1.0
