"""Statistical thickness curves: published equations, tables, the resolver."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.sorption.thickness import (ThicknessCurve, halsey, harkins_jura,
                                                 kruk_jaroniec_sayari, thickness_function,
                                                 thickness_table)


def test_harkins_jura_equation_in_angstrom():
    # t = [13.99 / (0.034 - log10 x)]^0.5 Å: at x = 0.1 → sqrt(13.99/1.034) = 3.678 Å
    assert harkins_jura(0.1) == pytest.approx(0.1 * np.sqrt(13.99 / 1.034), rel=1e-12)
    assert harkins_jura(0.5) == pytest.approx(0.64620, abs=1e-5)


def test_halsey_equation_in_angstrom():
    # t = 3.54 [5 / ln(1/x)]^(1/3) Å: at x = exp(-5) → 3.54 Å exactly
    assert halsey(np.exp(-5.0)) == pytest.approx(0.354, rel=1e-12)
    assert halsey(0.5) == pytest.approx(0.354 * (5 / np.log(2)) ** (1 / 3), rel=1e-12)


def test_kjs_equation_in_nm():
    # t = 0.1 [60.65 / (0.03071 - log10 x)]^0.3968 nm
    x = 0.4
    assert kruk_jaroniec_sayari(x) == pytest.approx(
        0.1 * (60.65 / (0.03071 - np.log10(x))) ** 0.3968, rel=1e-12)
    # the KJS curve lies above Harkins-Jura for N2 on silica at mid pressures
    assert kruk_jaroniec_sayari(0.5) > harkins_jura(0.5)


@pytest.mark.parametrize("func", [harkins_jura, halsey, kruk_jaroniec_sayari])
def test_curves_increase_and_are_nan_outside_domain(func):
    x = np.linspace(0.05, 0.95, 50)
    t = func(x)
    assert np.all(np.diff(t) > 0)
    assert np.all(np.isnan(func(np.array([0.0, 1.0, -0.1, 1.2, np.nan]))))


def test_resolver_names_aliases_and_callables():
    assert thickness_function("HJ") is thickness_function("harkins_jura")
    assert thickness_function("kjs").name == "kruk_jaroniec_sayari"
    curve = thickness_function(lambda x: 0.5 * np.ones_like(x))
    assert isinstance(curve, ThicknessCurve)
    np.testing.assert_allclose(curve(np.array([0.2, 0.6])), 0.5)
    assert thickness_function(curve) is curve
    with pytest.raises(AnalysisError, match="unknown thickness curve"):
        thickness_function("de_bore")


def test_table_linear_and_akima_reproduce_nodes_and_convert_angstrom():
    x = np.array([0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9])
    t_ang = harkins_jura(x) * 10
    for method in ("akima", "linear", "pchip"):
        curve = thickness_table(x, t_ang, units="angstrom", interpolation=method)
        np.testing.assert_allclose(curve(x), t_ang / 10, rtol=1e-12)
    akima = thickness_table(x, t_ang, units="angstrom")
    q = np.linspace(0.06, 0.85, 30)
    np.testing.assert_allclose(akima(q), harkins_jura(q), rtol=0.03)  # sparse 7-row table
    # linear extrapolation beyond the table, NaN on request
    assert np.isfinite(akima(0.97))
    assert np.isnan(thickness_table(x, t_ang, units="angstrom", extrapolate="nan")(0.97))


def test_resolver_accepts_rows_columns_and_dataarray():
    rows = [[0.1, 0.48], [0.5, 0.79], [0.9, 1.36]]
    assert thickness_function(rows)(0.5) == pytest.approx(0.79)
    assert thickness_function(np.array(rows).T)(0.9) == pytest.approx(1.36)
    da = xr.DataArray([4.8, 7.9, 13.6], dims="relative_pressure",
                      coords={"relative_pressure": [0.1, 0.5, 0.9]}, attrs={"units": "angstrom"})
    assert thickness_function(da)(0.5) == pytest.approx(0.79)
    assert thickness_function(rows).describe()["table"][1] == [0.48, 0.79, 1.36]


@pytest.mark.parametrize("bad", [[[0.1, 0.5], [0.2, 0.6]],            # too short
                                 [[0.1, 0.5], [0.1, 0.6], [0.5, 0.8]],  # duplicate p/p0
                                 [[3.0, 0.5], [5.0, 0.6], [7.0, 0.8]],  # not p/p0
                                 np.ones((3, 3))])
def test_malformed_tables_raise(bad):
    with pytest.raises(AnalysisError):
        thickness_function(bad)
