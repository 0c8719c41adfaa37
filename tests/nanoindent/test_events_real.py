"""Events on real files of the MANIFEST (shared/data/nanoindent).

The pop-in loads and excursions below were computed during data curation with the curators'
own scripts: they are **curation cross-checks, not independent references** (MANIFEST.md).
"""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from characterization.nanoindent import events, zero_point
from conftest import shared_data

TI990 = "merrypopins/datasets/6microntip_slowloading/{}_HL_QS_LC.txt"


@pytest.mark.parametrize("name, load, excursion, drop_to", [
    ("grain8_6um_indent01", 161.5, 94.9, 154.1),
    ("grain12_6um_indent02", 137.4, 81.7, None),
    ("grain1_6um_indent01", None, None, None),
])
def test_ti990_popins(name, load, excursion, drop_to):
    ds = ch.read(shared_data("nanoindent") / TI990.format(name))
    res = events(zero_point(ds), min_excursion=3.0)
    if load is None:
        assert res.n_events.item() == 0                       # grain1: the control
        return
    assert res.n_events.item() == 1
    assert res.event_load[0].item() == pytest.approx(load, abs=0.5)
    # our excursion stops where the burst ends (5–95 % of the excess depth): within 15 %
    assert res.event_excursion[0].item() == pytest.approx(excursion, rel=0.15)
    if drop_to is not None:
        assert load - res.event_load_drop[0].item() == pytest.approx(drop_to, abs=3.0)


def test_nanosuite_popin_xls_every_test_has_its_popin():
    ds = ch.read(shared_data("nanoindent") / "micromechanics/examples/Agilent/Popin.xls")
    res = events(ds, min_excursion=3.0)
    assert (res.n_events >= 1).all()
    first = res.popin_load.values
    big = np.nanmax(res.event_excursion.values, axis=-1)
    # curation: pop-ins at 0.2–0.54 mN with Δh 10–33 nm (one test's first event is smaller)
    assert np.sum((first >= 0.2) & (first <= 0.56)) >= 11
    assert np.all((big >= 10) & (big <= 35))
