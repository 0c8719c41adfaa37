"""Pop-in / excursion / load-drop detection against synthetic curves of known events."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.errors import AnalysisError
from characterization.nanoindent import events
from characterization.synthetic import indentation_curves


def test_popin_found_at_its_load_within_one_sample_interval():
    ds = indentation_curves(3, popin_load=20.0, popin_depth=15.0, noise_load=0.002,
                            noise_displacement=0.05, seed=3)
    res = events(ds)
    step = 50.0 / 400                                    # load increment of one sample, mN
    assert (res.n_events == 1).all()
    np.testing.assert_array_less(np.abs(res.popin_load.values - 20.0), step)
    np.testing.assert_allclose(res.event_excursion[:, 0], 15.0, atol=0.2)
    # work of a burst at constant load: P Δh
    np.testing.assert_allclose(res.event_energy[:, 0], 20.0 * 15.0 * 1e-12, rtol=0.01)
    truth = ds.attrs["ground_truth"]
    np.testing.assert_allclose(res.event_depth[:, 0], truth["popin_depth"], atol=2.0)
    assert not res.fracture.any()


@pytest.mark.parametrize("kwargs", [
    dict(popin_load=[np.nan, 12.3, 33.3], popin_depth=5.0, sampling_rate=200.0),
    dict(tip="sphere", max_load=20.0, modulus=150.0, hardness=6.0,
         popin_load=[np.nan, 2.3, 13.3], popin_depth=8.0),
])
def test_small_popins_in_noise(kwargs):
    ds = indentation_curves(3, noise_load=0.01, noise_displacement=0.2, seed=3, **kwargs)
    truth = ds.attrs["ground_truth"]
    res = events(ds)
    dt = truth["sampling_interval"]
    rate = truth["max_load"][0] / 20.0                      # mN/s of the loading ramp
    assert res.n_events[0] == 0
    for i in (1, 2):
        assert abs(res.popin_load[i].item() - truth["popin_load"][i]) <= 3 * rate * dt
        assert res.event_excursion[i, 0].item() == pytest.approx(
            truth["popin_excursion"][i], abs=0.8)


def test_no_false_events_on_smooth_noisy_curves():
    found = 0
    for rate in (20.0, 200.0):
        for noise in (0.05, 0.2, 1.0):
            ds = indentation_curves(10, noise_load=0.01, noise_displacement=noise,
                                    sampling_rate=rate, seed=5)
            found += int(events(ds).n_events.sum())
    assert found <= 1


def _with_load_drop(drop_to):
    ds = indentation_curves(1, loading_time=20.0, seed=1).isel(indent=0)
    p = ds["load"].values.copy()
    h = ds["displacement"].values.copy()
    i = int(np.argmin(np.abs(p - 30.0)))
    # displacement burst of 60 nm over 3 samples with the load falling to drop_to
    h[i + 1:i + 4] = h[i] + np.array([20.0, 40.0, 60.0])
    p[i + 1:i + 4] = np.linspace(p[i], drop_to, 4)[1:]
    h[i + 4:] += 60.0
    p_after = p[i + 4:400]
    p[i + 4:400] = np.maximum(p_after, drop_to)
    return ds.assign(load=ds["load"].copy(data=p), displacement=ds["displacement"].copy(
        data=h)), i


def test_load_drop_and_fracture_flag():
    ds, i = _with_load_drop(27.0)
    res = events(ds)
    assert res.n_events.item() == 1
    assert res.event_index[0].item() == i
    assert res.event_load_drop[0].item() == pytest.approx(p_at(ds, i) - 27.0, abs=0.05)
    assert res.event_excursion[0].item() == pytest.approx(60.0, abs=1.0)
    assert not res.fracture.item()
    strict = events(ds, fracture_load_drop=0.05)
    assert strict.fracture.item() and "load drop" in strict.message.item()


def p_at(ds, i):
    return float(ds["load"].values[i])


def test_errors_and_padding():
    ds = indentation_curves(2, popin_load=[np.nan, 20.0], popin_depth=15.0, seed=1)
    res = events(ds, max_events=3)
    assert res.sizes["event"] == 3 and res.n_events.values.tolist() == [0, 1]
    with pytest.raises(AnalysisError, match="threshold"):
        events(ds, threshold=0)
