"""Rounding and matching (issue #10): points found to the precision typed, report choices
reproduced (t-plot thickness table + DCF), BET criteria option sets."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.sorption import bet, total_pore_volume, tplot
from characterization.sorption._match import match_point, typed_tolerance
from characterization.sorption.bet import area_from_monolayer
from characterization.sorption.thickness import harkins_jura, thickness_table
from characterization.synthetic.isotherms import isotherms


def _isotherm(x, n, attrs=None):
    return xr.Dataset({"amount": ("point", np.asarray(n, float), {"units": "mmol/g",
                                                                   "long_name": "n"})},
                      coords={"relative_pressure": ("point", np.asarray(x, float),
                                                    {"units": "1"}),
                              "branch": ("point", np.array(["adsorption"] * len(x))),
                              "adsorbate": "N2"},
                      attrs={"technique": "sorption", **(attrs or {})})


def test_typed_precision():
    assert typed_tolerance(0.05449) == pytest.approx(0.5e-5, rel=1e-6)
    assert typed_tolerance(0.988027597) == pytest.approx(0.5e-9, rel=1e-6)
    assert typed_tolerance(4e-08) == pytest.approx(0.5e-8, rel=1e-6)
    assert typed_tolerance(0.99) == pytest.approx(0.5e-3, rel=1e-6)     # never coarser
    x = np.array([0.2, 0.5, 0.98802759678])
    assert match_point(x, 0.988027597) == (2, "")
    k, why = match_point(x, 0.99)
    assert k == -1 and "nearest point: 0.98802759678" in why


def test_total_pore_volume_finds_the_last_point_typed_to_nine_decimals():
    x = np.array([0.1, 0.5, 0.9, 0.98802759678])
    n = np.array([1.0, 2.0, 10.0, 12.0])
    res = total_pore_volume(_isotherm(x, n), p=0.988027597, bet_area=100.0)   # was NaN
    assert bool(res.success)
    assert float(res.amount_at_p) == 12.0
    assert float(res.relative_pressure_used) == 0.98802759678
    # a point the user did not name is still never used in its place
    with pytest.warns(UserWarning, match="highest measured p/p0: 0.988"):
        far = total_pore_volume(_isotherm(x, n), p=0.99, bet_area=100.0)
    assert np.isnan(far.amount_at_p)


def test_total_pore_volume_takes_the_named_point_not_an_interpolation():
    x = np.array([0.1, 0.5, 0.9, 0.95012, 0.97])
    n = np.array([1.0, 2.0, 10.0, 11.0, 14.0])
    res = total_pore_volume(_isotherm(x, n), p=0.950, bet_area=100.0)  # 3 decimals: 0.95012
    assert float(res.amount_at_p) == 11.0
    inner = total_pore_volume(_isotherm(x, n), p=0.96, bet_area=100.0)
    assert float(inner.amount_at_p) == pytest.approx(np.interp(0.96, x, n), rel=1e-12)


def test_bet_pressures_rounded_to_five_decimals():
    ds = isotherms(n_samples=1, kind="II", noise=0.0, seed=2).isel(sample=0)
    x = ds.relative_pressure.values[ds.branch.values == "adsorption"]
    chosen = x[(x > 0.05) & (x < 0.3)]
    exact = bet(ds, pressures=chosen)
    rounded = bet(ds, pressures=np.round(chosen, 5))                     # failed before
    assert bool(rounded.success)
    assert float(rounded.bet_area) == float(exact.bet_area)
    np.testing.assert_array_equal(rounded.used.values, exact.used.values)


def test_bet_pressure_without_a_point_names_the_nearest():
    ds = isotherms(n_samples=1, kind="II", noise=0.0, seed=2).isel(sample=0)
    x = ds.relative_pressure.values[ds.branch.values == "adsorption"]
    chosen = list(x[(x > 0.05) & (x < 0.3)][:4]) + [0.123]
    nearest = float(x[np.argmin(np.abs(x - 0.123))])
    res = bet(ds, pressures=chosen, errors="nan")
    assert not bool(res.success) and np.isnan(res.bet_area)
    assert f"nearest point: {nearest!r}" in str(res.message.values)
    with pytest.raises(AnalysisError, match="nearest point"):
        bet(ds, pressures=chosen, errors="raise")


def _bet_isotherm(x, c=17.5, nm=10.0):
    x = np.asarray(x, float)
    return nm * c * x / ((1 - x) * (1 - x + c * x))


def test_bet_criteria_sets():
    # Sample_D-like: an exact BET isotherm with C = 17.5 measured only at p/p0 0.05-0.075, so
    # 1/(√C+1) = 0.193 lies outside every range: criteria 3 and 4 fail, 1 and 2 hold.
    x = np.linspace(0.05, 0.075, 9)
    ds = _isotherm(x, _bet_isotherm(x))
    full = bet(ds, errors="nan")
    assert not bool(full.success) and "enforced Rouquerol criteria" in str(full.message.values)
    iso = bet(ds, criteria="iso9277")
    assert bool(iso.success)
    assert float(iso.bet_area) == pytest.approx(area_from_monolayer(10.0, 0.162), rel=1e-9)
    assert bool(iso.criterion_c_positive) and bool(iso.criterion_monotonic)
    assert not bool(iso.criterion_monolayer_in_range)           # evaluated, recorded
    named = bet(ds, criteria=["c_positive", "monotonic"])
    assert float(named.bet_area) == float(iso.bet_area)
    assert json.loads(iso.attrs["parameters"])["criteria"] == ["c_positive", "monotonic"]
    assert "enforcing c_positive, monotonic" in str(iso.message.values)
    assert int(bet(ds, criteria="none").n_valid_ranges) >= int(iso.n_valid_ranges)
    with pytest.raises(AnalysisError, match="unknown Rouquerol criteria"):
        bet(ds, criteria=["c_positive", "knee"])
    with pytest.raises(AnalysisError, match="criteria must be one of"):
        bet(ds, criteria="strict")


def _with_report(ds, report):
    return ds.assign_attrs(original_metadata=json.dumps({"report": report}))


def test_tplot_thickness_report_uses_the_table_and_dcf():
    ds = isotherms(n_samples=1, kind="I", film="harkins_jura", surface_area=80.0,
                   variation=0.0, seed=5).isel(sample=0)
    p = np.linspace(0.05, 0.9, 30)
    t_angstrom = 10 * harkins_jura(p) * 1.03          # a user-defined curve, 3 % thicker
    report = {"t_plot": {"thickness_equation": "USER.THK", "density_conversion_factor":
                         {"value": 0.0015468}, "thickness_range": {"min": 3.5, "max": 5.0,
                                                                   "units": "Å"},
                         "thickness_curve": {"relative_pressure": p.tolist(),
                                             "thickness": t_angstrom.tolist(),
                                             "thickness_units": "Å"}}}
    rep = tplot(_with_report(ds, report), thickness="report", thickness_range="report",
                bet_area=500.0)
    ref = tplot(ds, thickness=thickness_table(p, t_angstrom, units="angstrom"),
                thickness_range=(0.35, 0.5), density_conversion_factor=0.0015468,
                bet_area=500.0)
    for name in ("external_area", "micropore_volume", "n_points"):
        assert float(rep[name]) == float(ref[name])
    assert json.loads(rep.attrs["parameters"])["thickness"]["name"] == "USER.THK"
    named = _with_report(ds, {"t_plot": {"thickness_equation": "Harkins and Jura",
                                         "density_conversion_factor": {"value": 0.00155}}})
    by_name = tplot(named, thickness="report", bet_area=500.0)
    plain = tplot(ds, thickness="harkins_jura", density_conversion_factor=0.00155,
                  bet_area=500.0)
    assert float(by_name.external_area) == float(plain.external_area)


def test_report_options_without_a_report_are_a_clear_error():
    ds = isotherms(n_samples=1, kind="I", seed=5).isel(sample=0)
    with pytest.raises(AnalysisError, match="original_metadata"):
        tplot(ds, thickness="report", bet_area=500.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AnalysisError, match="no t-plot"):
            tplot(_with_report(ds, {"bet": {}}), thickness="report", bet_area=500.0)
