"""The synthetic indentation generator is self-consistent: its ground truth is what the curve holds."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.synthetic import indentation_curves


def _part(ds, label):
    keep = ds.segment.values == label
    return ds.displacement.values[keep], ds["load"].values[keep]


@pytest.mark.parametrize("tip", ["berkovich", "sphere", "flat_punch"])
def test_unloading_slope_and_energies_match_truth(tip):
    kwargs = {"flat_punch": dict(max_load=500.0, modulus=150.0, max_depth=1000.0),
              "sphere": dict(max_load=20.0, modulus=150.0, hardness=6.0)}.get(tip, {})
    ds = indentation_curves(None, tip=tip, sampling_rate=2000.0, **kwargs)
    truth = ds.attrs["ground_truth"]
    h_l, p_l = _part(ds, "loading")
    h_u, p_u = _part(ds, "unloading")
    # slope at the top of the unloading = S (N/m = 1e-6 mN/nm)
    slope = (p_u[0] - p_u[3]) / (h_u[0] - h_u[3])
    assert slope * 1e6 == pytest.approx(truth["stiffness"], rel=2e-3)
    w_total = np.trapezoid(np.r_[0, p_l], np.r_[0, h_l]) * 1e-12
    w_e = -np.trapezoid(np.r_[truth["max_load"], p_u], np.r_[truth["max_depth"], h_u]) * 1e-12
    assert w_total == pytest.approx(truth["total_work"], rel=1e-4)
    assert w_e == pytest.approx(truth["elastic_work"], rel=1e-3)
    assert truth["plastic_work"] == pytest.approx(truth["total_work"] - truth["elastic_work"])
    assert h_u[-1] == pytest.approx(truth["final_depth"], abs=1e-6)


def test_berkovich_contact_geometry():
    truth = indentation_curves(None, hardness=9.0, modulus=72.0, max_load=50.0).attrs[
        "ground_truth"]
    er = 1 / ((1 - 0.17 ** 2) / 72.0 + (1 - 0.07 ** 2) / 1141.0)
    area = 50.0 / 9.0 * 1e6                                   # nm²
    assert truth["reduced_modulus"] == pytest.approx(er)
    assert truth["contact_area"] == pytest.approx(area)
    assert truth["contact_depth"] == pytest.approx(np.sqrt(area / 24.5))
    s = 1.034 * 2 / np.sqrt(np.pi) * er * 1e9 * np.sqrt(area) * 1e-9      # N/m
    assert truth["stiffness"] == pytest.approx(s)
    assert truth["max_depth"] == pytest.approx(truth["contact_depth"] + 0.75 * 50.0 / (s * 1e-6))


def test_popin_truth_and_padding():
    ds = indentation_curves(3, popin_load=[np.nan, 20.0, np.nan], popin_depth=15.0,
                            popin_points=3, seed=2)
    truth = ds.attrs["ground_truth"]
    assert list(ds.n_points.values) == [700, 703, 700]
    assert np.isnan(ds["load"].values[0, 700:]).all()
    i = int(truth["popin_index"][1])
    p, h = ds["load"].values[1], ds.displacement.values[1]
    assert p[i] == pytest.approx(20.0) and p[i + 2] == pytest.approx(20.0)
    h_pop = truth["popin_depth"][1]
    np.testing.assert_allclose(h[i:i + 3] - h_pop, [15 / 4, 15 / 2, 45 / 4])
    assert h[i - 1] < h_pop < h[i] and h[i + 3] >= h_pop + 15.0 - 1e-9
    assert truth["popin_excursion"][1] == 15.0 and np.isnan(truth["popin_excursion"][0])


def test_bad_parameters_are_clear_errors():
    with pytest.raises(ValueError, match="tip must be"):
        indentation_curves(tip="cube")
    with pytest.raises(ValueError, match="popin_load"):
        indentation_curves(popin_load=80.0, max_load=50.0)
    with pytest.raises(ValueError, match="linearly"):
        indentation_curves(tip="flat_punch", unloading_exponent=1.5)
