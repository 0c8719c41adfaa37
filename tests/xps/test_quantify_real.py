"""xps.quantify on a real Thermo Avantage survey (theoechem-MAHE2024, see the shared MANIFEST)."""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from characterization.xps import quantify
from conftest import shared_data

SURVEY = "theoechem-MAHE2024/20240220_Au_MPPipTFSI4AMSIol3_survey.csv"
LINES = ["C 1s", "N 1s", "O 1s", "F 1s", "S 2p"]
#: Nominal composition (non-H atoms) of the ionic liquid MPPip-TFSI, C11H20N2O4F6S2: the
#: independent reference (the film covers the Au substrate: Au 4f is not detected).
NOMINAL = {"C 1s": 44.0, "N 1s": 8.0, "O 1s": 16.0, "F 1s": 24.0, "S 2p": 8.0}


@pytest.fixture(scope="module")
def survey():
    path = shared_data("xps") / SURVEY
    return ch.read(path)["Sur1_1"].to_dataset()


def test_thermo_set_gives_the_ionic_liquid_stoichiometry(survey):
    res = quantify(survey, peaks=LINES + ["Au 4f"], sensitivity="thermo")
    assert bool(res["success"])
    found = res["atomic_percent"].sel(peak=LINES).values
    # stated tolerance: 1.5 at.% absolute per element (measured: C 43.5, N 7.5, O 14.9,
    # F 25.1, S 8.5)
    np.testing.assert_allclose(found, list(NOMINAL.values()), atol=1.5)
    assert not bool(res["detected"].sel(peak="Au 4f"))
    ratio = res["atomic_percent"].sel(peak="F 1s") / res["atomic_percent"].sel(peak="S 2p")
    assert abs(float(ratio) - 3.0) < 0.2          # CF3 : SO2 of TFSI
    assert "scatter" in res.attrs["uncertainty"]   # the survey export has no counts or dwell
    assert np.all(res["atomic_percent_stderr"].sel(peak=LINES).values < 0.5)


def test_plain_scofield_misses_the_kinetic_energy_dependence(survey):
    thermo = quantify(survey, peaks=LINES, sensitivity="thermo")
    plain = quantify(survey, peaks=LINES, sensitivity="scofield")
    f_thermo = float(thermo["atomic_percent"].sel(peak="F 1s"))
    f_plain = float(plain["atomic_percent"].sel(peak="F 1s"))
    # F 1s has the lowest KE of the set: without the KE^0.75 term it is under-counted
    assert f_plain < f_thermo - 3.0
