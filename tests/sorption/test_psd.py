"""BJH and Dollimore–Heal: known answers on Kelvin-model isotherms, negative increments,
cavitation warning, batches, and the real-data checks (MCM-41 vs pyGAPS, Sample_A vs
Micromeritics)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError, ReadError
from characterization.sorption.adsorbates import GAS_CONSTANT, STP_MOLAR_VOLUME
from characterization.sorption.kernel_psd import kelvin_kernel
from characterization.synthetic.isotherms import kelvin_model_isotherms
from characterization.sorption.psd import CavitationWarning, _edges, bjh, dollimore_heal
from characterization.sorption.thickness import harkins_jura, thickness_table

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sorption"
CENTRES, SPREADS, VOLUMES = np.array([4.0, 8.0]), np.array([0.4, 0.8]), np.array([0.3, 0.5])


def _shared(*parts) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"real sorption data not available: {path} is absent")
    return path


def _read(path):
    import characterization

    try:
        return characterization.read(path)
    except ReadError as err:  # the sorption readers are written in parallel
        pytest.skip(f"characterization.read cannot read {path.name} yet: {err}")


@pytest.mark.parametrize("func", [bjh, dollimore_heal])
@pytest.mark.parametrize("branch", ["desorption", "adsorption"])
@pytest.mark.parametrize("geometry", ["cylinder", "slit"])
def test_known_psd_recovered(func, branch, geometry):
    # Gaussian width distributions 4 ± 0.4 and 8 ± 0.8 nm, isotherms from the same
    # Kelvin/thickness-curve model (condensation kernel on adsorption, evaporation on
    # desorption); measured: BJH/DH peaks within 2.8 %, volumes within 0.9 %.
    ds = kelvin_model_isotherms(CENTRES, spreads=SPREADS, volumes=VOLUMES, geometry=geometry)
    res = func(ds, branch=branch, geometry=geometry)
    np.testing.assert_allclose(res.peak_width.values, CENTRES, rtol=0.04)
    np.testing.assert_allclose(res.total_volume.values, VOLUMES, rtol=0.015)
    # the regridded distribution integrates to the cumulative volume
    edges = np.sqrt(res.pore_width.values[1:] * res.pore_width.values[:-1])
    assert res.cumulative_volume.isel(pore_width=-1).values == pytest.approx(
        VOLUMES, rel=0.015)
    assert np.all(np.diff(edges) > 0)
    assert not res.cavitation_suspected.any()


def test_kjs_correction_known_answer():
    # the KJS form: hemispherical Kelvin radius on adsorption + KJS thickness + 0.3 nm
    w = np.geomspace(1.0, 100.0, 1000)
    f = np.exp(-0.5 * ((w - 5.0) / 0.5) ** 2) * np.diff(_edges(w))   # volume per width bin
    f *= 0.4 / f.sum()
    x = np.linspace(0.05, 0.98, 70)
    k = kelvin_kernel(w, x, branch="adsorption", thickness="kjs", kjs_correction=True)
    ds = xr.Dataset({"amount": ("point", k.kernel.values @ f, {"units": "mmol/g"})},
                    coords={"relative_pressure": ("point", x, {"units": "1"}),
                            "branch": ("point", np.full(x.size, "adsorption"))})
    res = bjh(ds, branch="adsorption", thickness="kjs", kjs_correction=True)
    assert float(res.peak_width) == pytest.approx(5.0, rel=0.03)
    assert float(res.total_volume) == pytest.approx(0.4, rel=0.02)
    plain = bjh(ds, branch="adsorption", thickness="kjs")
    assert float(plain.peak_width) < 4.0   # the uncorrected Cohan form reads far too small


def test_batch_with_ragged_2d_coords_and_per_sample_temperature():
    a = kelvin_model_isotherms([5.0], seed=1)
    b = kelvin_model_isotherms([8.0], x_adsorption=np.linspace(0.05, 0.98, 40),
                         x_desorption=np.linspace(0.97, 0.3, 30), seed=2)
    p = a.sizes["point"]

    def pad(d, name, fill):
        v = d[name].values.ravel()
        return np.r_[v, np.full(p - v.size, fill, dtype=v.dtype)]

    ds = xr.Dataset(
        {"amount": (("sample", "point"), np.stack([pad(a, "amount", np.nan),
                                                   pad(b, "amount", np.nan)]),
                    {"units": "mmol/g", "long_name": "n"})},
        coords={"sample": ["a", "b"],
                "relative_pressure": (("sample", "point"),
                                      np.stack([pad(a, "relative_pressure", np.nan),
                                                pad(b, "relative_pressure", np.nan)]),
                                      {"units": "1"}),
                "branch": (("sample", "point"), np.stack([pad(a, "branch", ""),
                                                          pad(b, "branch", "")])),
                "temperature": ("sample", [77.35, 77.6], {"units": "K"})})
    res = bjh(ds)
    for i in range(2):
        single = bjh(ds.isel(sample=[i]))
        np.testing.assert_allclose(single.dv_dd.values, res.dv_dd.isel(sample=[i]).values,
                                   rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(res.peak_width.values, [5.0, 8.0], rtol=0.04)
    assert res.attrs["parameters"].count("77.6") >= 1   # per-sample temperature recorded
    lazy = bjh(ds.chunk({"sample": 1})).compute()
    np.testing.assert_allclose(lazy.total_volume.values, res.total_volume.values, rtol=1e-12)


def _flattened():
    """Desorption branch made flat below p/p0 0.3: only film thinning should remain there,
    so every interval below it gives a negative increment."""
    ds = kelvin_model_isotherms([6.0], volumes=0.5)
    x = ds.relative_pressure.values
    des = ds.branch.values == "desorption"
    n = ds.amount.values.copy()
    low = des & (x < 0.3)
    n[0, low] = n[0, des & (x >= 0.3)][-1]
    return ds.copy(data={"amount": n}).isel(sample=0), int(low.sum())


def test_negative_increments_counted_not_clipped():
    ds, k = _flattened()
    keep = dollimore_heal(ds)
    assert int(keep.negative_increments) == k                  # 7 flat intervals
    assert float(keep.negative_volume) < 0
    assert np.nanmin(keep.increment_volume.values) < 0          # kept in the table
    zero = dollimore_heal(ds, negative="zero")
    assert int(zero.negative_increments) == k
    assert np.nanmin(zero.increment_volume.values) == 0.0
    assert float(zero.total_volume) > float(keep.total_volume)
    stop = dollimore_heal(ds, negative="stop")
    assert int(stop.negative_increments) == 1
    assert int(stop.n_intervals) == int(keep.n_intervals) - k
    assert int(bjh(ds).negative_increments) >= k
    with pytest.raises(AnalysisError):
        bjh(ds, negative="clip")


def _loop(kind, closure=0.44, adsorbate="N2", temperature=77.35):
    """H2-type loop: desorption stays on the plateau then closes steeply at ``closure``, or
    declines gradually from 0.8 to ``closure``."""
    xa, xd = np.linspace(0.02, 0.98, 50), np.linspace(0.97, 0.2, 45)

    def film(x):
        return 300 * harkins_jura(x) * 1e-3 / 34.67 * 1e3

    def cond(x):
        return 12.0 / (1 + np.exp(-(x - 0.7) / 0.03))

    if kind == "steep":
        s = 1 / (1 + np.exp(-(xd - closure) / 0.004))
    else:
        s = np.clip((xd - closure) / (0.8 - closure), 0, 1)
    nd = s * (film(xd) + 12.0) + (1 - s) * (film(xd) + cond(xd))
    return xr.Dataset(
        {"amount": ("point", np.r_[film(xa) + cond(xa), nd], {"units": "mmol/g"})},
        coords={"relative_pressure": ("point", np.r_[xa, xd], {"units": "1"}),
                "branch": ("point", np.array(["adsorption"] * 50 + ["desorption"] * 45)),
                "adsorbate": adsorbate, "temperature": ((), temperature, {"units": "K"})})


def test_cavitation_warning_on_steep_closure_only():
    with pytest.warns(CavitationWarning, match="0.40–0.48"):
        res = bjh(_loop("steep"))
    assert bool(res.cavitation_suspected)
    assert 3.2 < float(res.peak_width) < 4.0        # the phantom peak it warns about
    with warnings.catch_warnings():
        warnings.simplefilter("error", CavitationWarning)
        gradual = bjh(_loop("gradual"))
        adsorption = bjh(_loop("steep"), branch="adsorption")   # flag only, no warning
    assert not bool(gradual.cavitation_suspected)
    assert bool(adsorption.cavitation_suspected)


def test_cavitation_window_depends_on_adsorptive():
    with pytest.warns(CavitationWarning, match="0.34–0.42"):
        ar = dollimore_heal(_loop("steep", closure=0.38, adsorbate="Ar", temperature=87.3))
    assert bool(ar.cavitation_suspected)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CavitationWarning)
        assert not bool(bjh(_loop("steep", closure=0.44, adsorbate="Ar",
                                  temperature=87.3)).cavitation_suspected)
        assert not bool(bjh(_loop("steep", closure=0.38)).cavitation_suspected)


def test_outputs_units_grid_and_provenance():
    ds = kelvin_model_isotherms([6.0, 7.0, 8.0])
    before = ds.copy(deep=True)
    grid = np.geomspace(2, 50, 25)
    res = bjh(ds, pore_widths=grid, thickness="halsey", width_range=(2, 50))
    xr.testing.assert_identical(ds, before)
    np.testing.assert_array_equal(res.pore_width.values, grid)
    assert res.dv_dd.dims == ("sample", "pore_width")
    assert res.increment_volume.dims == ("sample", "point")
    for name, var in {**res.data_vars, **res.coords}.items():
        if var.dtype.kind in "fiu":
            assert "units" in var.attrs, name
    assert res.dv_dd.attrs["units"] == "cm^3/g/nm"
    assert res.dv_dlogd.attrs["units"] == "cm^3/g"
    params = json.loads(res.attrs["parameters"])
    assert params["kelvin"]["thickness"]["name"] == "halsey"
    assert params["kelvin"]["meniscus"] == "hemispherical"
    assert params["adsorptive"] == "N2" and params["liquid_molar_volume"] > 34
    with pytest.raises(AnalysisError):
        bjh(ds, pore_widths=[3, 2, 1])
    with pytest.raises(AnalysisError):
        bjh(ds, geometry="sphere")


# ---------------------------------------------------------------------------------------
# real data
# ---------------------------------------------------------------------------------------

def test_mcm41_desorption_peak_vs_pygaps():
    # pyGAPS regression value 3.3 nm (its own test tolerance 5 %), a cross-check computed by
    # pyGAPS itself, not an independent reference; we get 3.27 nm (Harkins-Jura, N2 at 77 K).
    ds = _read(_shared("pygaps", "MCM-41 N2 77K.json"))
    res = bjh(ds, branch="desorption", pore_widths=np.geomspace(1, 100, 300))
    peak = float(res.peak_width.squeeze())
    assert 3.2 <= peak <= 3.4
    assert peak == pytest.approx(3.3, rel=0.05)
    assert not bool(res.cavitation_suspected.squeeze())


def _report_thickness_table(path):
    """The user thickness curve printed in a Micromeritics report (the 'Thickness Curve'
    table of the t-plot page: p/p0, statistical thickness in Å), or None."""
    try:
        import xlrd

        sheet = xlrd.open_workbook(path).sheet_by_index(0)
    except Exception:  # noqa: BLE001 - any failure: fall back to Harkins-Jura
        return None
    for r in range(sheet.nrows):
        for c in range(sheet.ncols - 1):
            if str(sheet.cell_value(r, c)).strip() == "Thickness Curve":
                rows = []
                for rr in range(r + 1, sheet.nrows):
                    a, b = sheet.cell_value(rr, c), sheet.cell_value(rr, c + 1)
                    if isinstance(a, float) and isinstance(b, float):
                        rows.append((a, b))
                    elif rows:
                        break
                return np.array(rows) if len(rows) >= 3 else None
    return None


def test_sample_a_cumulative_volume_vs_micromeritics():
    # Micromeritics TriStar II report: BJH cumulative pore volume 17-3000 Å, desorption
    # 0.699796, adsorption 0.641678 cm³/g; areas 308.8467 / 224.787 m²/g. Its settings: user
    # thickness curve SIO2OH.THK (printed in the report, Akima-interpolated), hemispherical
    # Kelvin equation on both branches with 2γV_m/RT = 9.53 Å, DCF 0.0015468, analysis ended at
    # the first negative increment. With that curve we reproduce the volumes to 0.05 % and the
    # areas to 0.1 % (tolerance 1 %); with Harkins-Jura instead (curve not extractable) the
    # volumes differ by ≈ 5-7 % (tolerance 10 %).
    path = _shared("adsorption-file-parser", "mic", "Sample_A.xls")
    ds = _read(path)
    table = _report_thickness_table(path)
    temperature = 77.3
    vm = 0.0015468 * STP_MOLAR_VOLUME
    gamma = 0.953e-9 / 2 * GAS_CONSTANT * temperature / (vm * 1e-6) * 1e3   # mN/m
    if table is not None:
        thickness, rtol = thickness_table(table[:, 0], table[:, 1], units="angstrom",
                                          name="SIO2OH.THK"), 0.01
    else:
        thickness, rtol = "harkins_jura", 0.10
    kw = dict(thickness=thickness, meniscus="hemispherical", temperature=temperature,
              surface_tension=gamma, liquid_molar_volume=vm, negative="stop",
              width_range=(1.7, 300.0))
    des = bjh(ds, branch="desorption", **kw)
    ads = bjh(ds, branch="adsorption", **kw)
    assert float(des.total_volume.squeeze()) == pytest.approx(0.699796, rel=rtol)
    assert float(ads.total_volume.squeeze()) == pytest.approx(0.641678, rel=rtol)
    assert float(des.total_area.squeeze()) == pytest.approx(308.8467, rel=rtol)
    assert float(ads.total_area.squeeze()) == pytest.approx(224.787, rel=rtol)
    if table is not None:   # D-H average pore diameters 4V/A: 90.526 / 114.786 Å
        dh_des = dollimore_heal(ds, branch="desorption", **kw)
        dh_ads = dollimore_heal(ds, branch="adsorption", **kw)
        assert float(dh_des.average_width.squeeze()) == pytest.approx(9.0526, rel=0.005)
        assert float(dh_ads.average_width.squeeze()) == pytest.approx(11.4786, rel=0.005)
