"""Refit of the CasaXPS Fe 2p analysis stored in FeO_analyzed.vms (MANIFEST §1) with our LF.

The file's CasaXPS 2.3.25 fit (independent of this project): U 3 Tougaard background
(B = 335.44588 eV²) over BE 699.85–749.09 eV, two ``LF(0.54,10,80,100,6)`` main lines (Fe 2p3/2,
Fe 2p1/2) and two ``SGL(30)`` satellites. We refit the same region with
:func:`characterization.xps.fit_region`, the same background (CasaXPS's B), the same line-shape
families, exponents (α = 0.54, β = 10), SGL mixing (30 %) and CasaXPS's parameter limits.
What cannot be transferred: CasaXPS's LF damping ``w = 80`` and Gaussian index ``m = 100`` have
no published mapping to energies (see :mod:`characterization.fit.lineshapes._lf`), so our
``damping`` and ``fwhm_g`` are fitted (shared by both main lines). Hence the comparison is on
the quantities an analyst reports, with tolerances set from the measured agreement (below):

=================  ============  ============  ==========
quantity           CasaXPS       this refit    agreement
=================  ============  ============  ==========
total area         166092        164156        -1.2 %
2p3/2 area         63507         67171         +5.8 %
2p1/2 area         49042         48207         -1.7 %
sat 2p3/2 area     35837         31933         -10.9 %
sat 2p1/2 area     17705         16845         -4.9 %
2p3/2 position     709.047 eV    708.951 eV    -0.10 eV
2p1/2 position     722.128 eV    721.910 eV    -0.22 eV
sat 2p1/2 pos.     729.888 eV    729.385 eV    -0.50 eV
=================  ============  ============  ==========

(Peaks: p32, p12 = Fe 2p3/2, 2p1/2; sat32, sat12 their satellites. Positions: CasaXPS's
``Position`` is the line-shape parameter, compared with our ``center``
parameter, not the maximum of the asymmetric peak.) CasaXPS's ``FWHM`` of an LF component is
its own width parameter, with no published relation to ours: we check only that the Fe 2p1/2
line is broader than the 2p3/2 line, as in CasaXPS (4.87 vs 3.86 eV; here the true FWHM is
5.70 vs 4.95 eV). The 2p3/2 satellite ends at CasaXPS's limits (centre 716 eV, FWHM 8 eV) in
both fits: our result flags it ``at_bound`` (its derived values are NaN, as documented), so its
parameters are read from ``value``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import characterization as ch
from characterization.fit import Param, Peak, Tie
from conftest import shared_data


@pytest.fixture(scope="module")
def refit():
    path = shared_data("xps") / "pynxtools-xps" / "FeO_analyzed.vms"
    tree = ch.read(path)
    ds = next(node for node in tree.subtree if node.has_data).to_dataset()
    casa = json.loads(ds.attrs["casa"])
    region = casa["regions"][0]
    b_casa = float(region["line"].split("(*U 3 Tougaard*)")[1].split()[6])
    comps = casa["components"]
    assert [c["shape"] for c in comps] == ["LF(0.54,10,80,100,6)", "SGL(30)"] * 2

    def lims(i, key):
        return {"min": comps[i][f"{key}_limits"][0], "max": comps[i][f"{key}_limits"][1]}

    fixed = {"alpha": Param(0.54, vary=False), "beta": Param(10.0, vary=False)}
    # starting values: CasaXPS's areas and positions rounded (a refit, not a copy)
    peaks = [
        Peak("p32", "lf", amplitude=6e4, center=Param(709.0, **lims(0, "center")),
             fwhm=Param(2.0, min=0.1, max=26.75), damping=Param(3.0, min=0.1, max=100.0),
             fwhm_g=Param(2.0, min=0.0, max=10.0), **fixed),
        Peak("sat32", "sgl", amplitude=3e4, amplitude_type="area",
             center=Param(715.0, **lims(1, "center")), fwhm=Param(7.0, **lims(1, "fwhm")),
             m=Param(30.0, vary=False)),
        Peak("p12", "lf", amplitude=5e4, center=Param(722.0, **lims(2, "center")),
             fwhm=Param(2.5, min=0.1, max=26.75), damping=Tie("p32.damping"),
             fwhm_g=Tie("p32.fwhm_g"), **fixed),
        Peak("sat12", "sgl", amplitude=2e4, amplitude_type="area",
             center=Param(729.0, **lims(3, "center")), fwhm=Param(7.0, **lims(3, "fwhm")),
             m=Param(30.0, vary=False)),
    ]
    res = ch.xps.fit_region(ds, peaks, background="tougaard", range=tuple(region["range"]),
                            n_average=1,
                            background_kwargs={"cross_section": "U3", "tougaard_b": b_casa})
    return res, comps


def _value(res, name):
    return float(res["value"].sel(param=name))


def test_refit_converges_with_casaxps_background(refit):
    res, _ = refit
    assert bool(res.success)
    assert res.attrs["method"].startswith("tougaard background")
    # CasaXPS's own fit also ends with this satellite at its limits
    at = res["at_bound"].to_series()
    assert at["sat32.fwhm"] and at["sat32.center"]
    assert not at["p32.center"] and not at["p12.center"]


def test_refit_areas_match_casaxps(refit):
    res, comps = refit
    names = ["p32", "sat32", "p12", "sat12"]
    ours = np.array([_value(res, f"{n}.amplitude") for n in names])
    casa = np.array([c["area"] for c in comps])
    # total Fe 2p area (what quantification uses): measured -1.2 %
    assert ours.sum() == pytest.approx(casa.sum(), rel=0.02)
    # main lines: measured +5.8 % and -1.7 % (damping/Gaussian not transferable)
    assert ours[0] == pytest.approx(casa[0], rel=0.07)
    assert ours[2] == pytest.approx(casa[2], rel=0.03)
    # satellites: measured -10.9 % and -4.9 % (they trade area with the LF tails)
    assert ours[1] == pytest.approx(casa[1], rel=0.12)
    assert ours[3] == pytest.approx(casa[3], rel=0.06)
    # the derived area of the main lines is the amplitude (area-normalised LF)
    assert float(res["area"].sel(peak="p32")) == pytest.approx(ours[0], rel=1e-9)


def test_refit_positions_and_widths_match_casaxps(refit):
    res, comps = refit
    # measured: -0.10, -0.22, -0.50 eV; 2p3/2 satellite at CasaXPS's bound 716.0 in both
    assert _value(res, "p32.center") == pytest.approx(comps[0]["center"], abs=0.15)
    assert _value(res, "p12.center") == pytest.approx(comps[2]["center"], abs=0.3)
    assert _value(res, "sat12.center") == pytest.approx(comps[3]["center"], abs=0.6)
    assert _value(res, "sat32.center") == pytest.approx(comps[1]["center"], abs=1e-6)
    # spin-orbit splitting: CasaXPS 13.08 eV, measured 12.96 eV
    split = _value(res, "p12.center") - _value(res, "p32.center")
    assert split == pytest.approx(comps[2]["center"] - comps[0]["center"], abs=0.15)
    # widths: the 2p1/2 line is the broader one in both fits; satellites at CasaXPS's 8 eV cap
    assert float(res["fwhm"].sel(peak="p12")) > float(res["fwhm"].sel(peak="p32"))
    assert comps[2]["fwhm"] > comps[0]["fwhm"]
    assert _value(res, "sat32.fwhm") == pytest.approx(comps[1]["fwhm"], abs=1e-6)
    assert _value(res, "sat12.fwhm") == pytest.approx(8.0, abs=1e-6)
    assert comps[3]["fwhm"] == pytest.approx(7.83, abs=0.01)
