"""Real depth profile (PHI MultiPak .pro, 10 nm SnO2, MANIFEST §1): referencing to one cycle,
Si 2p oxidation states along sputter_time in one call, honest failures.

No reference decomposition exists for this file; the checks are physical: the first cycle's
C 1s (adventitious carbon on the as-received surface, 284.8 eV) references every cycle; in the
last cycles the Si 2p is one SiO2 component (2p3/2 at 103.0–103.6 eV, Si4+, valence 4); in
the cycles before the overlayer is sputtered through there is no Si signal, which must give
NaN and success=False, never a valence.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import characterization as ch
from conftest import shared_data


@pytest.fixture(scope="module")
def profile():
    tree = ch.read(shared_data("xps") / "pynxtools-xps" / "SnO2_10nm_1.pro")
    ref = ch.xps.reference_energy(tree["C_1s"].to_dataset(), weights=None, range=(280, 292))
    cal = ch.xps.calibrate(tree, shift=ref.isel(sputter_time=0))
    return ref, cal


def test_reference_cycle_is_recorded_and_applied_to_every_region(profile):
    ref, cal = profile
    assert bool(ref.success.isel(sputter_time=0))
    d = float(ref.energy_shift.isel(sputter_time=0))
    assert 1.0 < d < 2.5                                   # the sample charged positively
    for name in ("C_1s", "Si_2p", "Sn_3d5", "survey"):
        node = cal[name].to_dataset()
        assert float(node.energy_shift) == pytest.approx(d)
        step = json.loads(node.attrs["preprocessing"])[-1]
        assert step["parameters"]["shift"]["sputter_time"] == 0.0
        assert step["parameters"]["shift"]["reference"] == 284.8


def test_si2p_along_the_profile(profile):
    _, cal = profile
    si = cal["Si_2p"].to_dataset()
    res = ch.xps.fit_si2p(si, weights=None, range=(96.0, 110.0))   # counts/s only: no Poisson
    assert res.average_valence.dims == ("sputter_time",)
    late = res.isel(sputter_time=slice(-3, None))
    assert bool(late.success.all())
    np.testing.assert_allclose(late.average_valence, 4.0, atol=0.05)
    assert bool(((late.center.sel(state="Si4") > 103.0)
                 & (late.center.sel(state="Si4") < 103.6)).all())
    surface = res.isel(sputter_time=[0, 2, 3, 4])
    assert not bool(surface.success.any())
    assert bool(np.isnan(surface.average_valence).all())
    # whatever fails, fails visibly: NaN valence exactly where success is False
    np.testing.assert_array_equal(np.isnan(res.average_valence.values), ~res.success.values)
