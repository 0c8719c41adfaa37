"""Model description: parameters, ties, backgrounds, plain-dict round trips, layout Jacobian."""

import json

import numpy as np
import pytest

from characterization.fit import Background, Model, Param, Peak, Tie
from characterization.fit._layout import Layout


def doublet_model():
    return Model([
        Peak("Si2p3", "gl", center=99.4, fwhm=Param(0.8, min=0.3, max=2.0), m=30),
        Peak("Si2p1", "gl", amplitude=Tie("Si2p3.amplitude", scale=0.5),
             center=Tie("Si2p3.center", offset=0.6), fwhm="Si2p3.fwhm",
             m=Param(30, vary=False)),
        Peak("SiO2", "gl", center=Param(103.5, min=102, max=105), amplitude_type="height"),
    ], background="chebyshev(2)")


def test_parameter_names_and_slots():
    m = Model([Peak("D", "lorentzian", center=1350, fwhm=60),
               Peak("G", "lorentzian", center=1590, fwhm=40)], background="linear")
    assert m.parameter_names == ("D.amplitude", "D.center", "D.fwhm", "G.amplitude", "G.center",
                                 "G.fwhm", "background.c0", "background.c1")
    slots = {s.name: s for s in m.slots}
    assert slots["D.fwhm"].lower == 0.0 and slots["D.amplitude"].lower == 0.0
    assert slots["D.center"].spec == Param(1350.0)
    assert (slots["D.amplitude"].y_power, slots["D.amplitude"].x_power) == (1, 1)
    assert (slots["background.c1"].y_power, slots["background.c1"].x_power) == (1, -1)
    assert m.component_names == ("D", "G", "background")


def test_dict_json_round_trip_and_toml_friendliness():
    m = doublet_model()
    d = m.to_dict()
    text = json.dumps(d, allow_nan=False)          # no NaN/inf/None in the plain form
    assert "null" not in text and "Infinity" not in text
    assert Model.from_dict(json.loads(text)) == m
    assert Model.from_json(m.to_json()) == m
    assert d["peaks"][1]["amplitude"] == {"tie": "Si2p3.amplitude", "scale": 0.5}
    assert d["peaks"][1]["m"] == {"value": 30.0, "vary": False}
    assert d["background"] == "chebyshev(2)"


def test_hand_written_recipe_forms():
    recipe = {"peaks": [
        {"name": "A", "shape": "pvoigt", "center": {"value": 10, "min": 8, "max": 12},
         "eta": {"value": 0.5, "vary": False}, "fwhm": {"value": 2, "max": "inf", "min": "-inf"}},
        {"name": "B", "shape": "gaussian", "params": {"center": 20, "fwhm": {"tie": "A.fwhm"}}}],
        "background": {"kind": "polynomial", "degree": 2, "c2": 0.0}}
    m = Model.from_dict(recipe)
    slots = {s.name: s for s in m.slots}
    assert slots["A.center"].lower == 8 and slots["A.eta"].free is False
    assert slots["A.fwhm"].lower == -np.inf          # explicit -inf removes the default bound
    assert slots["B.fwhm"].tied and slots["background.c2"].spec == Param(0.0)
    assert Model.from_dict(m.to_dict()) == m


@pytest.mark.parametrize("build, message", [
    (lambda: Model([]), "at least one Peak"),
    (lambda: Model([Peak("A", "gaussian"), Peak("A", "lorentzian")]), "unique"),
    (lambda: Peak("A.1", "gaussian"), "identifier"),
    (lambda: Peak("background", "gaussian"), "identifier"),
    (lambda: Peak("A", "gaussian", eta=0.3), "unknown"),
    (lambda: Peak("A", "gaussian", amplitude_type="volume"), "amplitude_type"),
    (lambda: Model([Peak("A", "gaussian", center=Tie("B.center"))]), "unknown parameter"),
    (lambda: Model([Peak("A", "gaussian", center="B.center"),
                    Peak("B", "gaussian", center="A.center")]), "cycle"),
    (lambda: Param(5, min=6), "outside"),
    (lambda: Param(1, min=3, max=2), "min < max"),
    (lambda: Model([Peak("A", "gaussian", fwhm=Param(-1.0))]), "outside bounds"),
    (lambda: Tie("nodot"), "Peak.param"),
    (lambda: Background("spline"), "unknown background"),
    (lambda: Background("polynomial"), "needs a degree"),
    (lambda: Background("linear", c5=1), "unknown"),
    (lambda: Model.from_dict({"peaks": [], "foo": 1}), "unknown keys"),
])
def test_validation_errors_name_the_problem(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_background_basis():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(Background("linear").basis(x, (1, 3)), [[1, 1, 1], [1, 2, 3]])
    cheb = Background("chebyshev(2)").basis(x, (1, 3))
    np.testing.assert_allclose(cheb, [[1, 1, 1], [-1, 0, 1], [1, -1, 1]])
    assert Background.parse("poly3").degree == 3 and Background.parse(None).kind == "none"
    assert Background.parse({"kind": "constant"}).param_names == ("c0",)


def test_eval_and_ties_resolve():
    m = doublet_model()
    x = np.linspace(95, 108, 50)
    values = {"Si2p3.amplitude": 100.0, "Si2p3.center": 99.4, "Si2p3.fwhm": 0.9,
              "Si2p3.m": 30.0, "Si2p1.m": 30.0, "SiO2.amplitude": 40.0, "SiO2.center": 103.5,
              "SiO2.fwhm": 1.5, "SiO2.m": 30.0, "background.c0": 5.0, "background.c1": 1.0,
              "background.c2": 0.5}
    full = m.resolve(values)[0]
    names = m.parameter_names
    assert full[names.index("Si2p1.amplitude")] == 50.0
    assert full[names.index("Si2p1.center")] == pytest.approx(100.0)
    assert full[names.index("Si2p1.fwhm")] == 0.9
    comps = m.eval_components(x, values)
    assert set(comps) == {"Si2p3", "Si2p1", "SiO2", "background"}
    np.testing.assert_allclose(m.eval(x, values), sum(comps.values()))
    # doublet: half the area of its partner
    dx = x[1] - x[0]
    fine = np.linspace(80, 120, 40001)
    c = m.eval_components(fine, values)
    assert np.trapezoid(c["Si2p1"], fine) == pytest.approx(0.5 * np.trapezoid(c["Si2p3"], fine),
                                                           rel=1e-6)
    assert dx > 0


def test_layout_jacobian_with_ties_matches_differences():
    """d model / d free parameters through ties and fixed parameters (J_all @ T)."""
    m = doublet_model()
    x = np.linspace(95, 108, 120)
    lay = Layout(m, x)
    rng = np.random.default_rng(0)
    values = m.resolve({"Si2p3.amplitude": 100.0, "Si2p3.center": 99.4, "Si2p3.fwhm": 0.9,
                        "Si2p3.m": 25.0, "Si2p1.m": 30.0, "SiO2.amplitude": 40.0,
                        "SiO2.center": 103.5, "SiO2.fwhm": 1.5, "SiO2.m": 35.0,
                        "background.c0": 5.0, "background.c1": 1.0, "background.c2": 0.5})
    offsets = lay.offsets(values)
    p = values[:, lay.free_index] * rng.uniform(0.98, 1.02, lay.n_free)
    f = np.empty((1, x.size))
    jac = np.empty((lay.n_all, 1, x.size))
    lay.evaluate(lay.expand(p, offsets), f, jac)
    jac_free = (lay.T.T @ jac[:, 0, :])
    for k in range(lay.n_free):
        h = 1e-6 * max(abs(p[0, k]), 1)
        up, down = p.copy(), p.copy()
        up[0, k] += h
        down[0, k] -= h
        fu = lay.evaluate(lay.expand(up, offsets), np.empty((1, x.size)))
        fd = lay.evaluate(lay.expand(down, offsets), np.empty((1, x.size)))
        numeric = (fu - fd)[0] / (2 * h)
        assert np.abs(jac_free[k] - numeric).max() <= 1e-6 * np.abs(numeric).max() + 1e-10
    assert lay.n_free == 11                  # 15 parameters; Si2p1: 3 tied + m fixed
    assert lay.T[m.parameter_names.index("Si2p1.amplitude")].max() == 0.5


def test_with_values_keeps_bounds():
    m = doublet_model().with_values({"SiO2.center": 104.0})
    slot = {s.name: s for s in m.slots}["SiO2.center"]
    assert slot.spec == Param(104.0, min=102, max=105)
    with pytest.raises(ValueError, match="unknown parameter"):
        m.with_values({"nope.center": 1})
