"""Kernel PSD: the Kelvin kernel, kernel CSV files, NNLS + Tikhonov with L-curve/GCV."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.errors import AnalysisError, ReadError
from characterization.sorption.adsorbates import adsorptive
from characterization.sorption.kelvin import kelvin_model
from characterization import read
from characterization.sorption.kernel_psd import kelvin_kernel, kernel_psd
from characterization.synthetic.isotherms import kelvin_model_isotherms
from characterization.sorption.thickness import harkins_jura

WIDTHS = np.geomspace(1.5, 80.0, 80)
PRESSURES = np.concatenate([np.geomspace(1e-3, 0.05, 20, endpoint=False),
                            np.linspace(0.05, 0.995, 400)])
CENTRES, SPREADS, VOLUMES = np.array([6.0, 9.0]), np.array([0.6, 1.2]), np.array([0.5, 0.4])


@pytest.fixture(scope="module")
def kernel():
    return kelvin_kernel(WIDTHS, PRESSURES, branch="adsorption")


@pytest.fixture(scope="module")
def noisy():
    # generated on a 1200-width grid (not the inversion grid), 0.3 % relative noise
    return kelvin_model_isotherms(CENTRES, spreads=SPREADS, volumes=VOLUMES, noise=0.003,
                                  seed=3)


def test_kelvin_kernel_is_the_film_plus_condensation_model():
    w, x = np.array([3.0, 6.0, 20.0]), np.array([0.2, 0.5, 0.7, 0.9])
    k = kelvin_kernel(w, x, branch="adsorption", bin_average=False)
    vm = adsorptive("N2").liquid_molar_volume
    assert k.kernel.dims == ("relative_pressure", "pore_width")
    assert k.kernel.attrs["units"] == "mmol/cm^3"
    xc = kelvin_model(branch="adsorption").pressure(w)
    np.testing.assert_allclose(k.condensation_pressure.values, xc)
    for i, xi in enumerate(x):
        for j, wj in enumerate(w):
            frac = 1.0 if xi >= xc[j] else 1 - (1 - 2 * harkins_jura(xi) / wj) ** 2
            assert k.kernel.values[i, j] == pytest.approx(frac * 1e3 / vm, rel=1e-12)
    # condensation moves to higher pressure with width; desorption empties at lower pressure
    assert np.all(np.diff(k.condensation_pressure.values) > 0)
    kd = kelvin_kernel(w, x, branch="desorption")
    assert np.all(kd.condensation_pressure.values < xc)
    # bin-averaged (default): the mean of 9 log-uniform widths between the geometric midpoints
    e = np.sqrt(w[1:] * w[:-1])
    e = np.r_[w[0] ** 2 / e[0], e, w[-1] ** 2 / e[-1]]
    sub = np.exp(np.log(e[1]) + np.log(e[2] / e[1]) * (np.arange(9) + 0.5) / 9)
    mean_col = kelvin_kernel(sub, x, bin_average=False).kernel.values.mean(axis=1)
    np.testing.assert_allclose(kelvin_kernel(w, x).kernel.values[:, 1], mean_col, rtol=1e-12)
    slit = kelvin_kernel(w, x, geometry="slit")
    assert slit.attrs["geometry"] == "slit"
    assert "not DFT" in k.attrs["method"]


@pytest.mark.parametrize("regularization", ["lcurve", "gcv", 1e-3])
def test_known_distribution_recovered_from_noisy_isotherm(kernel, noisy, regularization):
    # measured: peaks within 0.6 %, volumes within 0.2 % for all three choices
    res = kernel_psd(noisy, model=kernel, regularization=regularization)
    np.testing.assert_allclose(res.peak_width.values, CENTRES, rtol=0.05)
    np.testing.assert_allclose(res.total_volume.values, VOLUMES, rtol=0.05)
    assert np.all(res.incremental_volume.values >= 0)
    # the fit is at the noise level (0.3 % of ≈ 5–15 mmol/g)
    assert np.all(res.residual_rms.values < 0.1)
    ads = noisy.branch.values == "adsorption"
    fitted = res.fitted_amount.values[:, ads]
    np.testing.assert_allclose(fitted, noisy.amount.values[:, ads], rtol=0.03, atol=0.05)
    assert np.all(np.isnan(res.fitted_amount.values[:, ~ads]))


@pytest.mark.parametrize("regularization", ["lcurve", "gcv"])
def test_chosen_regularization_is_inside_the_candidate_grid(kernel, noisy, regularization):
    res = kernel_psd(noisy, model=kernel, regularization=regularization)
    cands = res.candidate.values
    for a in res.regularization.values:
        k = int(np.argmin(np.abs(cands - a)))
        assert 2 <= k <= len(cands) - 3, (a, k)
    if regularization == "gcv":
        g = res.gcv.values
        assert np.all(np.isfinite(g)) and np.all(g[:, 0] > g.min(axis=1))
    # the L-curve: residual grows and seminorm shrinks with α
    assert np.all(np.diff(res.residual_norm.values, axis=1) > -1e-9)
    assert np.all(np.diff(res.solution_seminorm.values, axis=1) < 1e-9)


def test_identity_operator_and_area_kernel(kernel, noisy):
    res = kernel_psd(noisy, model=kernel, regularization="gcv", operator="identity")
    np.testing.assert_allclose(res.total_volume.values, VOLUMES, rtol=0.05)
    # the same kernel per unit wall area (cylinders: V/A = w/4) gives the same volumes
    per_area = kernel.kernel * kernel.pore_width * 0.25e-3     # mmol/cm³ × cm³/m² → mmol/m²
    area_kernel = kernel.copy()
    area_kernel["kernel"] = per_area.assign_attrs(units="mmol/m^2", long_name="per area")
    res_vol = kernel_psd(noisy, model=kernel, regularization=1e-3)
    res_area = kernel_psd(noisy, model=area_kernel, regularization=1e-3)
    np.testing.assert_allclose(res_area.total_volume.values, res_vol.total_volume.values,
                               rtol=0.02)
    np.testing.assert_allclose(res_area.total_area.values, res_vol.total_area.values,
                               rtol=0.02)


def test_batch_equals_singles_and_range(kernel, noisy):
    res = kernel_psd(noisy, model=kernel, regularization="gcv", range=(0.05, 0.95))
    one = kernel_psd(noisy.isel(sample=[1]), model=kernel, regularization="gcv",
                     range=(0.05, 0.95))
    np.testing.assert_allclose(one.incremental_volume.values,
                               res.incremental_volume.isel(sample=[1]).values, rtol=1e-10)
    assert int(res.n_points.max()) == int(((noisy.relative_pressure >= 0.05)
                                           & (noisy.relative_pressure <= 0.95)
                                           & (noisy.branch == "adsorption")).sum())
    with pytest.raises(AnalysisError):
        kernel_psd(noisy, model=kernel, regularization="aic")
    with pytest.raises(AnalysisError):
        kernel_psd(noisy, model=kernel.kernel.rename(pore_width="w"))


def kernel_from_file(path, **options):
    """A kernel table read the way users read it."""
    return read(path, format="psd_kernel", **options)


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_kernel_csv_both_orientations(tmp_path):
    w, x = np.array([2.0, 3.5, 5.0]), np.array([0.1, 0.4, 0.8, 0.95])
    k = np.arange(12, dtype=float).reshape(4, 3) + 1
    lines = ["p/p0," + ",".join(map(str, w))] + [
        f"{xi}," + ",".join(map(str, row)) for xi, row in zip(x, k)]
    normal = kernel_from_file(_write(tmp_path / "k.csv", "# NLDFT\n" + "\n".join(lines)))
    assert normal.attrs["orientation"] == "widths_in_first_row"
    np.testing.assert_array_equal(normal.kernel.values, k)
    np.testing.assert_array_equal(normal.pore_width.values, w)
    np.testing.assert_array_equal(normal.relative_pressure.values, x)
    # transposed, semicolon separated, with a BOM, widths in Å, rows in decreasing width
    rows = [";".join(["w/A"] + [str(v) for v in x])] + [
        ";".join([str(wi * 10)] + [str(v) for v in k[:, j]]) for j, wi in
        reversed(list(enumerate(w)))]
    trans = kernel_from_file(_write(tmp_path / "t.csv", "\ufeff" + "\n".join(rows)),
                            width_units="angstrom", units="mmol/m^2", geometry="slit")
    assert trans.attrs["orientation"] == "pressures_in_first_row"
    np.testing.assert_allclose(trans.kernel.values, k)
    np.testing.assert_allclose(trans.pore_width.values, w)
    assert trans.kernel.attrs["units"] == "mmol/m^2" and trans.attrs["basis"] == "area"


@pytest.mark.parametrize("text, match", [
    ("p,2,3\n0.1,1,2\n0.5,1,x\n", "line 3, column 3"),
    ("p,2,3\n0.1,1,2\n0.5,1\n", "ragged"),
    ("p,0.5,0.7\n0.1,1,2\n0.5,1,2\n", "both axes"),
    ("p,2,3\n5,1,2\n7,1,2\n", "neither"),
    ("p,2,3\n0.1,1,2\n0.1,1,2\n", "duplicate"),
])
def test_kernel_csv_bad_input_names_the_file(tmp_path, text, match):
    path = _write(tmp_path / "bad.csv", text)
    with pytest.raises(ReadError, match=match) as err:
        kernel_from_file(path)
    assert "bad.csv" in str(err.value)


def test_kernel_csv_missing_file_and_orientation_override(tmp_path):
    with pytest.raises(ReadError, match="nothere.csv"):
        kernel_from_file(tmp_path / "nothere.csv")
    path = _write(tmp_path / "sub_nm.csv", "p,0.5,0.7\n0.1,1,2\n0.5,3,4\n")
    k = kernel_from_file(path, orientation="widths_in_first_row")
    np.testing.assert_array_equal(k.pore_width.values, [0.5, 0.7])


def test_kernel_psd_accepts_csv_kernel(tmp_path, kernel, noisy):
    body = ["p/p0," + ",".join(f"{v:.10g}" for v in WIDTHS)] + [
        f"{x:.10g}," + ",".join(f"{v:.10g}" for v in row)
        for x, row in zip(PRESSURES, kernel.kernel.values)]
    k = kernel_from_file(_write(tmp_path / "kelvin.csv", "\n".join(body)))
    res = kernel_psd(noisy, model=k, regularization=1e-3)
    ref = kernel_psd(noisy, model=kernel, regularization=1e-3)
    np.testing.assert_allclose(res.total_volume.values, ref.total_volume.values, rtol=1e-6)


def test_widths_filling_above_the_last_point_are_left_out():
    # adsorption measured up to p/p0 0.85 only: kernel widths that fill above it (≈ 8.3 nm and
    # wider, for N2 on the Kelvin model) are not in the data and must not get volume
    k = kelvin_kernel(np.geomspace(1.5, 80, 80), np.linspace(0.01, 0.995, 400))
    ds = kelvin_model_isotherms([6.0], volumes=0.5, x_adsorption=np.linspace(0.02, 0.85, 50),
                                noise=0.003, seed=2)
    res = kernel_psd(ds, model=k, regularization="gcv").isel(sample=0)
    xf = res.filling_pressure.values
    unseen = xf > 0.85
    assert int(res.n_widths_excluded) == int(unseen.sum()) > 0
    assert np.isnan(res.incremental_volume.values[unseen]).all()
    assert np.isfinite(res.incremental_volume.values[~unseen]).all()
    widths = res.pore_width.values
    assert float(res.resolvable_width_max) == widths[~unseen].max()
    assert float(res.resolvable_width_min) == widths[xf >= 0.02].min()
    assert float(res.total_volume) == pytest.approx(0.5, rel=0.01)
    wide = ~unseen & (widths >= 5.0)    # where the film is a small part of the pore volume
    np.testing.assert_allclose(k.condensation_pressure.values[wide], xf[wide], atol=0.01)


def test_mcm41_kernel_volume_is_the_liquid_adsorbed():
    from conftest import shared_data
    from characterization.sorption import total_pore_volume

    ds = read(shared_data("sorption") / "pygaps" / "MCM-41 N2 77K.json")
    top = float(ds.relative_pressure.where(ds.branch == "adsorption").max())
    liquid = float(total_pore_volume(ds, p=top, bet_area=1.0).total_pore_volume)
    k = kelvin_kernel(np.geomspace(1.5, 80, 80), np.linspace(0.01, 0.995, 400))
    res = kernel_psd(ds, model=k)
    # was 1.645 cm³/g with 0.454 cm³/g of liquid adsorbed at the last point (issue #10)
    assert float(res.total_volume) == pytest.approx(liquid, rel=0.02)
    assert float(res.resolvable_width_max) < 80.0 and int(res.n_widths_excluded) > 0
