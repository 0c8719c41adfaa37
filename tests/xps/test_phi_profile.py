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


@pytest.fixture(scope="module")
def si2p(profile):
    _, cal = profile
    si = cal["Si_2p"].to_dataset()
    return ch.xps.fit_si2p(si, weights=None, range=(96.0, 110.0))   # counts/s only: no Poisson


def test_si2p_along_the_profile(si2p):
    res = si2p
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


def test_sputtered_cycles_converge(si2p):
    """Issue #12: cycles 9, 12, 14, 16 used to end NaN with status -1 (max_nfev reached).
    Cause: the region's background falls towards high binding energy (the 94-96 eV end is
    10-20 % above the 110-114 eV end in every sputtered cycle), so the active Shirley factor
    (>= 0) wants to be negative; started at 0.1 it crept towards its bound 0 by halving
    (the engine never lands on a bound at 0), and the rest of the step was damped with it.
    Started on its bound it is frozen at once. Every cycle from 240 s on is one Si4+ doublet."""
    assert not bool((si2p.status == -1).any())
    late = si2p.sel(sputter_time=slice(240.0, None))
    assert late.sizes["sputter_time"] == 13
    assert bool(late.success.all())
    np.testing.assert_allclose(late.average_valence, 4.0, atol=0.05)
    for t in (270.0, 360.0, 420.0, 480.0):                 # cycles 9, 12, 14, 16
        assert int(si2p.cycle.sel(sputter_time=t)) in (9, 12, 14, 16)
        assert bool(si2p.success.sel(sputter_time=t))


def test_active_shirley_factor_sits_on_its_bound_where_the_background_falls(profile):
    _, cal = profile
    si = cal["Si_2p"].to_dataset().sel(sputter_time=[270.0, 480.0])
    y = si.intensity
    assert bool((y.sel(binding_energy=slice(96, 94)).mean("binding_energy")
                 > 1.1 * y.sel(binding_energy=slice(114, 110)).mean("binding_energy")).all())
    from characterization.fit import Param
    from characterization.xps import doublet
    peaks = doublet("Si4", splitting=0.61, ratio=0.5, center=103.3,
                    fwhm=Param(1.5, min=0.5, max=2.5), m=Param(30.0, vary=False))
    res = ch.xps.fit_region(si, peaks, background="active", weights=None, range=(96.0, 110.0))
    assert bool(res.success.all())
    np.testing.assert_array_equal(res.value.sel(param="Si4.shirley").values, 0.0)
    assert bool(res.at_bound.sel(param="Si4.shirley").all())
