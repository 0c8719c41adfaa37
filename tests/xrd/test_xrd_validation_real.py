"""XRD on real instrument-standard patterns of ../shared/data/xrd.

LaB6 (NIST SRM 660 type) on a Bruker lab instrument (GSAS-II tutorial file): the fitted Kα
doublet widths and the Caglioti curve are compared with the MANIFEST's values, which are
**curation cross-checks** (computed by the data curators with their own scripts, not an
independent reference): tolerances are set accordingly (widths ±0.005°, W within 10 %, U and V
within 25 % — U and V are strongly anticorrelated over a 20–70° range).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import characterization as ch
from characterization import xrd
from characterization.errors import AnalysisError

from conftest import shared_data

LAB6_PEAKS = [21.36, 30.38, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55]


@pytest.fixture(scope="module")
def lab6():
    path = shared_data("xrd") / "GSAS-II-tutorials/MDtutorials/CWInstDemo/data/LaB6_Jan2018.raw"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ch.read(path)


def test_lab6_doublet_fit_and_caglioti(lab6):
    res = xrd.fit_pattern(lab6, peaks=LAB6_PEAKS, window=0.6)
    assert bool(res.success)
    assert int(res.attrs["kalpha2"]) == 1
    np.testing.assert_allclose(res.center, LAB6_PEAKS, atol=0.02)
    fwhm = res.fwhm.values
    # MANIFEST cross-check: FWHM 0.081–0.090°, pseudo-Voigt η 0.35–0.54
    assert 0.076 < fwhm.min() and fwhm.max() < 0.095
    assert 0.3 < float(res.eta.min()) and float(res.eta.max()) < 0.65
    inst = xrd.caglioti(res)
    # MANIFEST cross-check: U = 0.01247, V = −0.01357, W = 0.01017 deg²
    assert float(inst.W) == pytest.approx(0.01017, rel=0.10)
    assert float(inst.U) == pytest.approx(0.01247, rel=0.25)
    assert float(inst.V) == pytest.approx(-0.01357, rel=0.25)
    # a standard measured on the same instrument is instrument-limited by construction
    size = xrd.scherrer(res, instrument=inst, correction="voigt")
    assert bool(size.instrument_limited.all())


def test_peaks_outside_the_pattern_are_refused(lab6):
    with pytest.raises(AnalysisError, match="outside the measured 2θ range"):
        xrd.fit_pattern(lab6, peaks=[21.36, 75.85])
