"""Drift and frame-compliance corrections against the generator's known drift and compliance."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.errors import AnalysisError
from characterization.nanoindent import (correct_drift, correct_frame_compliance, energies,
                                         segment)
from characterization.synthetic import indentation_curves


def test_drift_rate_measured_and_removed():
    ds = indentation_curves(3, drift_rate=0.2, drift_hold_time=30.0, noise_displacement=0.1,
                            noise_load=0.002, seed=4)
    out = correct_drift(ds)
    z = (out.drift_rate - 0.2) / out.drift_rate_stderr
    assert (np.abs(z) < 4).all() and (out.drift_rate_stderr < 0.01).all()
    assert out.drift_corrected.all() and not out.drift_already_corrected.any()
    clean = indentation_curves(3, drift_rate=0.0, drift_hold_time=30.0, noise_displacement=0.1,
                               noise_load=0.002, seed=4)
    residual = (out.displacement - clean.displacement).values
    # what is left is (measured − true rate) × t: below 0.02 nm/s × 70 s
    assert np.nanmax(np.abs(residual)) < 1.5
    truth = ds.attrs["ground_truth"]
    res = energies(out)
    np.testing.assert_allclose(res.elastic_work, truth["elastic_work"], rtol=5e-3)
    np.testing.assert_allclose(res.plastic_work, truth["plastic_work"], rtol=5e-3)


def test_drift_detected_by_segmentation_too():
    ds = indentation_curves(2, drift_rate=-0.1, drift_hold_time=30.0, seed=1)
    out = correct_drift(segment(ds, source="detect"))
    np.testing.assert_allclose(out.drift_rate, -0.1, atol=2e-3)


def test_already_corrected_exports_left_alone():
    ds = indentation_curves(2, drift_rate=0.0, drift_hold_time=30.0, noise_displacement=0.1,
                            seed=2)
    flagged = ds.assign_coords(drift_correction_enabled=("indent", [True, False]))
    out = correct_drift(flagged)
    assert out.drift_already_corrected.values.tolist() == [True, False]
    np.testing.assert_array_equal(out.displacement[0].values, ds.displacement[0].values)
    vendor = ds.assign(vendor_drift_rate=("indent", [0.05, 0.0], {"units": "nm/s"}))
    out = correct_drift(vendor)
    assert out.drift_already_corrected.values.tolist() == [True, False]


def test_given_rate_and_missing_hold():
    ds = indentation_curves(1, drift_rate=0.3, seed=1)
    out = correct_drift(ds, rate=0.3)
    t = ds.time.values
    np.testing.assert_allclose(out.displacement.values, ds.displacement.values - 0.3 * (
        t - t[:, :1]))
    missing = correct_drift(ds)
    assert np.isnan(missing.drift_rate.item()) and not missing.drift_corrected.item()
    with pytest.raises(AnalysisError, match="no drift hold"):
        correct_drift(ds, errors="raise")


def test_frame_compliance():
    ds = indentation_curves(2, frame_compliance=0.25, seed=1)
    clean = indentation_curves(2, seed=1)
    for kwargs in ({"frame_compliance": 0.25}, {"frame_stiffness": 4e6}):
        out = correct_frame_compliance(ds, **kwargs)
        np.testing.assert_allclose(out.displacement, clean.displacement, atol=1e-9)
    stored = ds.assign(frame_stiffness=((), 4e6, {"units": "N/m"}))
    np.testing.assert_allclose(correct_frame_compliance(stored).displacement,
                               clean.displacement, atol=1e-9)
    with pytest.raises(AnalysisError, match="not both"):
        correct_frame_compliance(ds, frame_compliance=0.2, frame_stiffness=1e6)
    with pytest.raises(AnalysisError, match="the data have none"):
        correct_frame_compliance(ds)
