"""BET: known answers on synthetic isotherms, the Rouquerol criteria, explicit failures."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.sorption import bet
from characterization.sorption._bet_kernel import pressure_at_amount
from characterization.sorption.bet import area_from_monolayer
from characterization.synthetic.isotherms import isotherms


def _isotherm(x, n, branch=None):
    branch = np.array(["adsorption"] * len(x)) if branch is None else branch
    return xr.Dataset({"amount": ("point", np.asarray(n, float), {"units": "mmol/g",
                                                                   "long_name": "n"})},
                      coords={"relative_pressure": ("point", np.asarray(x, float),
                                                    {"units": "1"}),
                              "branch": ("point", branch), "adsorbate": "N2"},
                      attrs={"technique": "sorption"})


def test_area_constant():
    # 1 mmol/g of N2 monolayer = 1e-3 * 6.02214076e23 * 0.162e-18 m²
    assert area_from_monolayer(1.0, 0.162) == pytest.approx(97.55868, rel=1e-6)


@pytest.mark.parametrize("kind", ["II", "IV"])
def test_known_area_within_one_percent(kind):
    ds = isotherms(n_samples=12, kind=kind, noise=0.003, seed=21)
    res = bet(ds)
    truth = ds.attrs["ground_truth"]["bet_area"]
    assert res.success.all()
    np.testing.assert_allclose(res.bet_area.values, truth, rtol=0.01)
    np.testing.assert_allclose(res.c_constant.values, ds.attrs["ground_truth"]["c"], rtol=0.1)


def test_exact_bet_isotherm_gives_exact_numbers_on_a_given_range():
    ds = isotherms(n_samples=3, kind="II", noise=0.0, seed=2)
    res = bet(ds, range=(0.05, 0.3))
    np.testing.assert_allclose(res.bet_area.values, ds.attrs["ground_truth"]["bet_area"],
                               rtol=1e-9)
    np.testing.assert_allclose(res.c_constant.values, ds.attrs["ground_truth"]["c"], rtol=1e-8)
    np.testing.assert_allclose(res.r_squared.values, 1.0, atol=1e-12)


def test_automatic_range_satisfies_each_criterion_when_recomputed():
    ds = isotherms(n_samples=6, kind="IV", noise=0.004, seed=5)
    res = bet(ds)
    for s in range(6):
        used = res.used.isel(sample=s).values
        x = ds.relative_pressure.values[used]
        n = ds.amount.isel(sample=s).values[used]
        y = x / (n * (1 - x))
        slope, intercept = np.polyfit(x, y, 1)
        c = slope / intercept + 1
        nm = 1 / (slope + intercept)
        assert intercept > 0 and c > 0                                   # criterion 1
        assert np.all(np.diff(n * (1 - x)) > 0)                          # criterion 2
        xm = 1 / (np.sqrt(c) + 1)
        assert x.min() <= xm <= x.max()                                  # criterion 3
        ads = ds.branch.values == "adsorption"
        xa, na = ds.relative_pressure.values[ads], ds.amount.isel(sample=s).values[ads]
        x_nm = pressure_at_amount(xa, na, np.array([nm]))[0]
        assert abs(x_nm - xm) / xm <= 0.2                                # criterion 4
        for name in ("c_positive", "monotonic", "monolayer_in_range", "monolayer_consistent"):
            assert bool(res[f"criterion_{name}"].isel(sample=s))
        assert res.bet_area.isel(sample=s) == pytest.approx(
            area_from_monolayer(nm, 0.162), rel=1e-9)


def test_window_never_extends_past_the_rouquerol_maximum():
    # Langmuir-like isotherm: n(1-x) peaks early; the range must end at or before the peak.
    x = np.linspace(0.002, 0.3, 40)
    n = 10 * 400 * x / (1 + 400 * x) + 0.5 * x
    res = bet(_isotherm(x, n), min_points=3, errors="nan")
    peak = x[np.argmax(n * (1 - x))]
    if bool(res.success):
        assert float(res.p_max) <= peak
    else:
        assert "closest" in str(res.message.values)


def test_no_valid_range_is_explicit():
    x = np.linspace(0.05, 0.3, 8)
    n = 5.0 - 3 * x  # decreasing: n(1-x) decreases everywhere
    ds = _isotherm(x, n)
    with pytest.warns(UserWarning, match="no range satisfies"):
        res = bet(ds)
    assert not bool(res.success) and np.isnan(res.bet_area)
    assert "closest:" in str(res.message.values) and "monotonic" in str(res.message.values)
    with pytest.raises(AnalysisError, match="BET failed"):
        bet(ds, errors="raise")


def test_given_points_and_range_and_recorded_criteria():
    ds = isotherms(n_samples=1, kind="II", noise=0.0, seed=4).isel(sample=0)
    ads = ds.relative_pressure.values[ds.branch.values == "adsorption"]
    chosen = ads[(ads > 0.05) & (ads < 0.3)][::2]
    res = bet(ds, pressures=chosen)
    assert int(res.n_points) == chosen.size
    assert res.used.values.sum() == chosen.size
    assert float(res.bet_area) == pytest.approx(ds.attrs["ground_truth"]["bet_area"][0],
                                                rel=1e-9)
    assert "given range" in str(res.message.values)
    with pytest.raises(AnalysisError, match="not both"):
        bet(ds, pressures=chosen, range=(0.05, 0.3))


def test_negative_and_above_one_pressures_are_excluded():
    x = np.array([-0.003, 0.0, 0.05, 0.08, 0.11, 0.14, 0.17, 0.2, 0.23, 0.26, 1.0007])
    c, nm = 80.0, 3.0
    xc = np.clip(x, 1e-9, 0.99)
    n = nm * c * xc / ((1 - xc) * (1 - xc + c * xc))
    res = bet(_isotherm(x, n), range=(-1, 2))
    assert not res.used.values[[0, 1, -1]].any()
    assert float(res.monolayer_amount) == pytest.approx(nm, rel=1e-9)


def test_stderr_is_consistent_with_regression_scatter():
    ds = isotherms(n_samples=200, kind="II", noise=0.004, variation=0.0, seed=8)
    res = bet(ds, range=(0.05, 0.3))
    spread = float(res.bet_area.std())
    typical = float(res.bet_area_stderr.median())
    assert 0.5 < typical / spread < 2.0


def test_cross_section_for_argon_and_override():
    ds = isotherms(n_samples=1, kind="II", noise=0.0, adsorbate="Ar", seed=1)
    res = bet(ds, range=(0.05, 0.3))
    assert float(res.bet_area[0]) == pytest.approx(ds.attrs["ground_truth"]["bet_area"][0],
                                                   rel=1e-9)
    res138 = bet(ds, range=(0.05, 0.3), cross_section=0.138)
    assert float(res138.bet_area[0] / res.bet_area[0]) == pytest.approx(0.138 / 0.142)
    assert '"cross_section": 0.138' in res138.attrs["parameters"]


def test_rules_select_valid_ranges():
    ds = isotherms(n_samples=3, kind="IV", noise=0.003, seed=12)
    for rule in ("points", "error", "r2"):
        res = bet(ds, rule=rule)
        assert res.success.all()
        np.testing.assert_allclose(res.bet_area, ds.attrs["ground_truth"]["bet_area"],
                                   rtol=0.02)
    with pytest.raises(AnalysisError, match="rule"):
        bet(ds, rule="best")
