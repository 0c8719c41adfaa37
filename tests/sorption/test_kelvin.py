"""Kelvin equation: constants, meniscus per branch, KJS and slit geometry, inversion."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.errors import AnalysisError
from characterization.sorption.adsorbates import GAS_CONSTANT, adsorptive
from characterization.sorption.kelvin import (default_meniscus, kelvin_constant, kelvin_model,
                                              kelvin_pressure, kelvin_radius)
from characterization.sorption.thickness import harkins_jura


def test_kelvin_constant_n2_matches_micromeritics_property_factor():
    # Micromeritics' "adsorbate property factor" 2γV_m/(RT) = 9.53 Å for N2 at 77.3 K
    k = kelvin_constant("N2", temperature=77.3)
    n2 = adsorptive("N2")
    assert k == pytest.approx(n2.surface_tension * 1e-3 * n2.liquid_molar_volume * 1e-6
                              / (GAS_CONSTANT * 77.3) * 1e9, rel=1e-12)
    assert 2 * k * 10 == pytest.approx(9.53, rel=0.01)
    assert kelvin_constant("N2", contact_angle=60.0) == pytest.approx(0.5 * kelvin_constant("N2"))


def test_meniscus_per_branch_and_geometry():
    assert default_meniscus("adsorption") == "cylindrical"
    assert default_meniscus("desorption") == "hemispherical"
    assert default_meniscus("adsorption", "slit") == default_meniscus("desorption", "slit") \
        == "hemicylindrical"
    x = 0.6
    r_des = kelvin_radius(x, meniscus="hemispherical")
    r_ads = kelvin_radius(x, meniscus="cylindrical")
    assert r_des == pytest.approx(2 * r_ads, rel=1e-12)
    assert r_des == pytest.approx(2 * kelvin_constant("N2") / -np.log(x), rel=1e-12)
    with pytest.raises(AnalysisError):
        default_meniscus("up")


def test_kelvin_pressure_inverts_radius():
    x = np.linspace(0.05, 0.99, 40)
    for meniscus in ("cylindrical", "hemispherical"):
        r = kelvin_radius(x, meniscus=meniscus, adsorptive="Ar")
        np.testing.assert_allclose(kelvin_pressure(r, meniscus=meniscus, adsorptive="Ar"), x,
                                   rtol=1e-12)
    assert np.isnan(kelvin_radius(1.0))


def test_pore_width_cylinder_slit_and_kjs():
    x = np.array([0.4, 0.6, 0.8])
    k = kelvin_constant("N2")
    des = kelvin_model(branch="desorption")
    np.testing.assert_allclose(des.width(x), 2 * (2 * k / -np.log(x) + harkins_jura(x)))
    kjs = kelvin_model(branch="adsorption", kjs_correction=True, thickness="kjs")
    assert kjs.meniscus == "hemispherical"   # KJS calibrated with the hemispherical form
    from characterization.sorption.thickness import kruk_jaroniec_sayari
    np.testing.assert_allclose(kjs.width(x), 2 * (2 * k / -np.log(x)
                                                  + kruk_jaroniec_sayari(x) + 0.3))
    slit = kelvin_model(branch="adsorption", geometry="slit")
    # slit: hemicylindrical meniscus (f = 1), r_K = half the core width: w = 2 r_K + 2 t
    np.testing.assert_allclose(slit.width(x), 2 * k / -np.log(x) + 2 * harkins_jura(x))
    with pytest.raises(AnalysisError, match="cylindrical"):
        kelvin_model(geometry="slit", kjs_correction=True)


def test_model_pressure_inverts_width():
    for model in (kelvin_model(branch="adsorption"), kelvin_model(branch="desorption"),
                  kelvin_model(kjs_correction=True), kelvin_model(geometry="slit")):
        x = np.linspace(0.2, 0.99, 30)
        np.testing.assert_allclose(model.pressure(model.width(x)), x, rtol=1e-9)
    # a 4 nm cylinder empties (hemispherical) at a lower p/p0 than it fills (cylindrical): H1 loop
    assert kelvin_model(branch="desorption").pressure(4.0) < \
        kelvin_model(branch="adsorption").pressure(4.0)
    assert np.isnan(kelvin_model(kjs_correction=True).pressure(0.5))   # below the 0.6 nm shift
