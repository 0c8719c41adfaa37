"""Reference stick patterns, built-in structures and phase_check (characterization.xrd.phases)."""

from __future__ import annotations


import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.synthetic.xrd import xrd_patterns
from characterization.xrd import _structures
from characterization.xrd._structures import get_structure
from characterization.xrd.phases import peaks_from_phases, phase_check, reference_pattern
from example_inputs.xrd import EXAMPLES

CU = 1.540598


def bragg(d, lam=CU):
    return 2 * np.degrees(np.arcsin(lam / (2 * d)))


def _line(ref, phase, hkl, var="two_theta"):
    row = ref.sel(phase=phase)
    idx = list(row.hkl.values).index(hkl)
    return float(row[var].values[idx])


@pytest.fixture(scope="module")
def si_ref():
    return reference_pattern("Si", wavelength=CU, range=(20, 80))


def test_builtin_structures_atom_counts_and_aliases():
    for name, n in _structures.ATOMS_PER_CELL.items():
        assert len(get_structure(name)) == n, name
    assert get_structure("silicon").lattice.a == pytest.approx(5.43102)
    assert get_structure("SRM660").composition.reduced_formula == "LaB6"
    assert get_structure("RUTILE").composition.reduced_formula == "TiO2"


def test_si_positions_and_intensities(si_ref):
    assert _line(si_ref, "Si", "111") == pytest.approx(28.443, abs=0.005)
    assert _line(si_ref, "Si", "220") == pytest.approx(47.303, abs=0.005)
    assert _line(si_ref, "Si", "311") == pytest.approx(56.123, abs=0.005)
    assert _line(si_ref, "Si", "400") == pytest.approx(69.130, abs=0.005)
    assert _line(si_ref, "Si", "111", "intensity") == 100.0
    assert 55 <= _line(si_ref, "Si", "220", "intensity") <= 65
    # diamond structure: 200 and 222 are forbidden
    assert "200" not in si_ref.hkl.values and "222" not in si_ref.hkl.values
    assert _line(si_ref, "Si", "111", "d_spacing") == pytest.approx(5.43102 / np.sqrt(3))
    assert _line(si_ref, "Si", "220", "multiplicity") == 12
    for name in si_ref.variables:
        if si_ref[name].dtype.kind == "f":
            assert "units" in si_ref[name].attrs and "long_name" in si_ref[name].attrs, name
    assert si_ref.attrs["kind"] == "reference_pattern" and "technique" not in si_ref.attrs
    assert float(si_ref.wavelength) == CU


def test_cosi2_and_lab6_follow_bragg():
    ref = reference_pattern(["Si", "CoSi2", "LaB6"], wavelength=CU, range=(15, 80))
    assert ref.sizes["phase"] == 3
    assert _line(ref, "CoSi2", "111") == pytest.approx(bragg(5.365 / np.sqrt(3)), abs=0.002)
    assert _line(ref, "CoSi2", "111") == pytest.approx(28.80, abs=0.01)
    assert _line(ref, "LaB6", "100") == pytest.approx(21.36, abs=0.01)
    assert _line(ref, "LaB6", "110") == pytest.approx(30.38, abs=0.01)
    # NaN padding of the shorter phases, "" labels
    n_si = int(np.isfinite(ref.two_theta.sel(phase="Si")).sum())
    assert n_si < ref.sizes["reflection"]
    assert ref.label.sel(phase="Si").values[n_si] == ""
    assert ref.label.sel(phase="CoSi2").values[0] == "CoSi2 111"


def test_wavelength_from_pattern_coord():
    pattern = xr.Dataset(
        {"intensity": ("two_theta", np.zeros(101), {"units": "count", "long_name": "I"})},
        coords={"two_theta": ("two_theta", np.linspace(5, 40, 101), {"units": "deg"}),
                "wavelength": ((), 0.70932, {"units": "angstrom"})})
    ref = reference_pattern("Si", pattern=pattern)
    expected = bragg(5.43102 / np.sqrt(3), 0.70932)
    assert _line(ref, "Si", "111") == pytest.approx(expected, abs=1e-4)
    assert expected == pytest.approx(12.989, abs=0.001)   # Bragg at Mo Kα1
    assert float(np.nanmax(ref.two_theta)) <= 40.0
    with pytest.warns(UserWarning, match="Cu Kα1"):
        ref = reference_pattern("Si")
    assert _line(ref, "Si", "111") == pytest.approx(28.443, abs=0.005)


def test_cif_round_trip_and_errors(tmp_path):
    """A CIF is read by the caller (pymatgen) and passed as a Structure, named by the mapping
    key; a path given as a phase is refused with a message naming it (analysis opens no
    files)."""
    from pymatgen.core import Structure
    from pymatgen.io.cif import CifWriter

    path = tmp_path / "rutile_test.cif"
    CifWriter(get_structure("rutile")).write_file(str(path))
    a = reference_pattern("rutile", wavelength=CU, range=(20, 80))
    b = reference_pattern({"rutile_test": Structure.from_file(str(path))}, wavelength=CU,
                          range=(20, 80))
    assert list(b.phase.values) == ["rutile_test"]
    np.testing.assert_allclose(a.two_theta.values, b.two_theta.values, atol=1e-6)
    np.testing.assert_allclose(a.intensity.values, b.intensity.values, atol=1e-3)
    assert list(a.hkl.values[0]) == list(b.hkl.values[0])

    bad = tmp_path / "broken.cif"
    bad.write_text("data_broken\n_cell_length_a 4.0\nthis is not a cif\n")
    with pytest.raises(AnalysisError, match="broken.cif.*Structure.from_file"):
        reference_pattern(str(bad), wavelength=CU)
    with pytest.raises(AnalysisError, match="missing.cif"):
        reference_pattern(str(tmp_path / "missing.cif"), wavelength=CU)
    with pytest.raises(AnalysisError, match="rutile_test.cif"):
        reference_pattern(path, wavelength=CU)
    c = reference_pattern(Structure.from_file(str(path)), wavelength=CU, range=(20, 80))
    assert list(c.phase.values) == ["TiO2"]
    with pytest.raises(AnalysisError, match="LaB6.*rutile|rutile.*LaB6"):
        reference_pattern("unobtainium", wavelength=CU)


def test_merge_tolerance_and_peaks_from_phases():
    # rutile 301/112 at 69.0/69.8 stay apart at 0.05°, merge at 1°
    p = peaks_from_phases("rutile", wavelength=CU, range=(68, 71))
    assert list(p.label.values) == ["rutile 301", "rutile 112"]
    merged = reference_pattern("rutile", wavelength=CU, range=(68, 71),
                               merge_tolerance=1.0)
    tt = merged.two_theta.values[0]
    assert np.isfinite(tt).sum() == 1
    assert 69.0 < tt[0] < 69.4
    # lines of different phases are never merged
    p = peaks_from_phases(["Si", "CoSi2"], wavelength=CU, range=(25, 50),
                          merge_tolerance=0.5)
    assert list(p.label.values) == ["Si 111", "CoSi2 111", "Si 220", "CoSi2 220"]
    np.testing.assert_allclose(p.two_theta.values[:2], [28.443, 28.799], atol=0.005)
    assert list(p.phase.values) == ["Si", "CoSi2", "Si", "CoSi2"]


@pytest.fixture(scope="module")
def mixture():
    return xrd_patterns(("Si", "CoSi2"), n_samples=2, size_nm=60.0, weights=[1.0, 0.5],
                        two_theta=(20, 80, 0.02), seed=3)


def test_phase_check_mixture(mixture):
    r = phase_check(mixture, ["Si", "CoSi2", "graphite", "rutile"])
    assert r.present.sel(phase="Si").all() and r.present.sel(phase="CoSi2").all()
    assert not r.present.sel(phase="graphite").any() and not r.present.sel(phase="rutile").any()
    assert (r.line_fraction.sel(phase="Si") == 1).all()
    assert (r.weighted_score.sel(phase="graphite") < 0.1).all()   # a weak line overlaps
    assert (r.unexplained_peaks == 0).all()
    assert r.expected_lines.sel(phase="Si").values.tolist() == [5, 5]
    labels = list(r.assignment.values[0])
    assert "Si 111" in labels and "CoSi2 111" in labels
    # explained fractions of the two phases add up to 1 (no overlaps at 60 nm)
    total = r.explained_fraction.sel(phase="Si") + r.explained_fraction.sel(phase="CoSi2")
    np.testing.assert_allclose(total, 1.0)


def test_phase_check_pure_si_and_peak_table():
    ds = xrd_patterns(("Si",), size_nm=100.0, two_theta=(20, 80, 0.02), seed=5)
    r = phase_check(ds, ["Si", "CoSi2"])
    assert r.present.values.tolist() == [[True, False]]
    assert r.weighted_score.sel(phase="CoSi2").item() == 0.0
    obs = r.observed_two_theta.values[0]
    kinds = r.assignment.values[0]
    primary = obs[[a.startswith("Si ") for a in kinds]]
    np.testing.assert_allclose(primary, [28.443, 47.303, 56.122, 69.130, 76.376], atol=0.03)
    assert any(a.startswith("Kα2 of Si") for a in kinds)
    # a peak table works too (positions only)
    from characterization.xrd import peak_table
    table = peak_table([[28.45, 47.31, 56.13, 69.12]], [[0.1] * 4], wavelength=CU)
    r = phase_check(table, ["Si", "CoSi2"])
    assert r.present.values.tolist() == [[True, False]]
    assert r.matched_lines.values.tolist() == [[4, 0]]
    with pytest.raises(AnalysisError, match="patterns"):
        phase_check(xr.Dataset({"foo": ("x", [1.0])}), ["Si"])


def test_phase_check_contract():
    """The checks of tests/test_contract.py, on the registered example."""
    ds, kwargs = EXAMPLES["xrd.phase_check"]()
    before = ds.copy(deep=True)
    res = phase_check(ds, **kwargs)
    xr.testing.assert_identical(ds.drop_attrs(), before.drop_attrs())
    assert res.attrs["characterization_version"]
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    for name, v in {**res.coords, **res.data_vars}.items():
        if v.dtype.kind in "fiuc":
            assert "units" in v.attrs, name
        if v.attrs.get("units"):
            ureg.parse_units(v.attrs["units"])
    assert all("long_name" in v.attrs for v in res.data_vars.values())
    assert res.sizes["sample"] == ds.sizes["sample"] == 3
    # the example has CoSi2 in two samples and not in the third
    assert res.present.sel(phase="CoSi2").values.tolist() == [True, True, False]
    for i in range(3):
        single = phase_check(ds.isel(sample=[i]), **kwargs)
        for name in res.data_vars:
            a, b = single[name].values, res[name].isel(sample=[i]).values
            if a.dtype.kind == "f":
                np.testing.assert_allclose(a, b, equal_nan=True, err_msg=name)
            else:
                np.testing.assert_array_equal(a, b, err_msg=name)
    pytest.importorskip("dask")
    lazy = phase_check(ds.chunk({"sample": 1}), **kwargs).compute()
    for name in res.data_vars:
        a, b = lazy[name].values, res[name].values
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, equal_nan=True, err_msg=name)
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)


def _correlated_si_pattern(seed=7):
    """A Si pattern whose counting noise is correlated over 5 neighbouring points (a 0.05°
    detector binning interpolated onto a 0.01° grid): the successive-difference noise estimate
    is ~2x low there."""
    from scipy.ndimage import uniform_filter1d

    ds = xrd_patterns(("Si",), two_theta=(20, 80, 0.01), noise=None, size_nm=40.0,
                      peak_counts=2000.0, background=(200.0,), seed=3)
    rng = np.random.default_rng(seed)
    y = uniform_filter1d(rng.poisson(ds.intensity.values).astype(float), 5, axis=-1)
    ds["intensity"] = ds.intensity.copy(data=y)
    return ds


def test_phase_check_holds_for_correlated_noise():
    """#10: with correlated noise the old check found 64 'peaks' where Si has 5 lines and
    declared beta-Sn present (8 of 11 lines matched by chance). The noise estimate now holds
    for correlated noise and each phase carries a false-match probability."""
    ds = _correlated_si_pattern()
    phases = ["Si", "CoSi2", "beta-Sn", "graphite", "LiC6", "rutile"]
    r = phase_check(ds, phases)
    assert int(r.observed_peaks.item()) <= 12
    assert r.present.values.tolist() == [[True, False, False, False, False, False]]
    p = r.false_match_probability.sel(phase="Si")
    assert p.item() < 1e-4
    assert (r.false_match_probability.drop_sel(phase="Si") > 0.01).all() or \
        (r.matched_lines.drop_sel(phase="Si") == 0).any()
    # the threshold is given in noise standard deviations
    loose = phase_check(ds, phases, min_snr=2.0)
    assert int(loose.observed_peaks.item()) > int(r.observed_peaks.item())
    assert bool(loose.present.sel(phase="Si").item())
