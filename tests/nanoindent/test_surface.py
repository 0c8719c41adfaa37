"""Zero point: synthetic offsets recovered within their uncertainty; the TI 990 pre-load trap."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.errors import AnalysisError
from characterization.nanoindent import energies, zero_point
from characterization.synthetic import indentation_curves


def test_exact_offset_without_noise():
    ds = indentation_curves(3, approach_time=5.0, surface_offset=-40.0, seed=1)
    out = zero_point(ds)
    np.testing.assert_allclose(out.surface_displacement, -40.0, atol=1e-6)
    truth = ds.attrs["ground_truth"]["contact_index"]
    np.testing.assert_array_equal(out.surface_index, np.array(truth) - 1)
    assert out.surface_found.all()
    np.testing.assert_allclose(out.displacement.values, ds.displacement.values + 40.0)


def test_offset_within_uncertainty_in_noise():
    ds = indentation_curves(6, approach_time=5.0, surface_offset=25.0, noise_load=0.01,
                            noise_displacement=0.2, seed=1)
    out = zero_point(ds)
    z = (out.surface_displacement - 25.0) / out.surface_displacement_stderr
    assert (np.abs(z) < 3).all()
    assert (out.surface_displacement_stderr < 5).all()


def test_energies_after_zero_point_start_at_contact():
    ds = indentation_curves(2, approach_time=5.0, surface_offset=-40.0, noise_load=0.002,
                            noise_displacement=0.05, seed=2)
    res = energies(zero_point(ds))
    np.testing.assert_allclose(res.total_work, ds.attrs["ground_truth"]["total_work"],
                               rtol=5e-3)


def test_preload_at_the_start_is_not_the_surface():
    ds = indentation_curves(1, approach_time=5.0, surface_offset=0.0, seed=3)
    p = ds["load"].values.copy()
    p[0, :20] = 2.0 * np.exp(-np.arange(20) / 4.0)        # TI 990-like decaying pre-load
    out = zero_point(ds.assign(load=ds["load"].copy(data=p)))
    assert out.surface_index.item() == ds.attrs["ground_truth"]["contact_index"][0] - 1
    assert out.surface_displacement.item() == pytest.approx(0.0, abs=1e-6)


def test_errors():
    ds = indentation_curves(1, seed=1)
    with pytest.raises(AnalysisError, match="fit_fraction"):
        zero_point(ds, fit_fraction=0)
