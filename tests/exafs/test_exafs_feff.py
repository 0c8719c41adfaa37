"""exafs.feff_paths: FEFF runs from structures, their cache, and the built-in structures.

References: the FEFF 6.10 path file ``feffcu01.dat`` shipped with xraylarch (Cu fcc,
a = 3.603 Å; ../shared/data/exafs/MANIFEST.md), and interatomic distances that follow from the
published cells (beta-Sn: 4 × 3.022 and 2 × 3.182 Å; SnO2: 4 × 2.052 and 2 × 2.057 Å; SnO:
4 × 2.220 Å) computed here by hand from the cell, not by the code under test.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization import conventions, exafs
from characterization.errors import AnalysisError
from characterization.exafs import _feff_run, feff, structures
from conftest import shared_data

pytest.importorskip("pymatgen")
pytest.importorskip("larch")


@pytest.fixture
def cache(tmp_path):
    feff._MEMO.clear()
    yield tmp_path / "feffcache"
    feff._MEMO.clear()


def _pairs(paths, n):
    return [(round(float(r), 2), int(d), str(s)) for r, d, s in
            zip(paths.reff.values[:n], paths.degeneracy.values[:n], paths.scatterers.values[:n])]


# --- physics against independent references -------------------------------------------------

def test_cu_first_path_equals_feff610_file():
    ref = ch.read(shared_data("exafs") / "xraylarch" / "feffcu01.dat")
    paths = exafs.feff_paths(structures.cu(a=3.603), absorber="Cu", radius=6.0, r_max=3.0,
                             cache=False)
    first = paths.isel(path=0)
    assert float(first.reff) == pytest.approx(float(ref.reff[0]), abs=2e-4)   # 2.5477 vs 2.5478
    assert float(first.degeneracy) == float(ref.degeneracy[0]) == 12
    assert str(first.scatterers.values) == "Cu" and int(first.nleg) == 2
    k = ref.k.values
    band = (k >= 2) & (k <= 18)
    for name, rtol in (("mag_feff", 0.01), ("phase_feff", 0.01), ("real_phc", 0.01),
                       ("mean_free_path", 0.02)):
        ours = np.interp(k, paths.k.values, first[name].values)[band]
        theirs = ref[name].values[0][band]
        # FEFF 6.10 (1990s build) and larch's feff6l are the same code family: measured
        # agreement 0.1 % of the curve's scale on a 6 Å cluster
        assert np.max(np.abs(ours - theirs)) <= rtol * np.max(np.abs(theirs)), name


def test_beta_sn_nearest_neighbours_4_at_302_and_2_at_318():
    paths = exafs.feff_paths("beta-Sn", absorber="Sn", radius=4.0, cache=False)
    c, a = 3.1819, 5.8318
    d1 = np.hypot(a / 2, c / 4)                      # (0, 1/2, 1/4) from the origin: 3.0225 Å
    np.testing.assert_allclose(paths.reff.values[:2], [d1, c], atol=2e-4)
    assert paths.degeneracy.values[:2].tolist() == [4.0, 2.0]
    assert _pairs(paths, 2) == [(3.02, 4, "Sn"), (3.18, 2, "Sn")]
    assert str(paths.edge.values) == "Sn K" and str(paths.absorber.values) == "Sn"


def test_sno2_six_oxygens_near_205():
    paths = exafs.feff_paths("SnO2", absorber="Sn", radius=4.0, r_max=3.3, cache=False)
    a, c, x = 4.737, 3.186, 0.307
    d_apical = np.sqrt(2) * x * a                                  # (x, x, 0): 2.0566 Å
    d_equatorial = np.sqrt(2 * ((0.5 - x) * a) ** 2 + (c / 2) ** 2)  # 2.0517 Å
    oxygen = paths.where(paths.scatterers == "O", drop=True)
    np.testing.assert_allclose(oxygen.reff.values, [d_equatorial, d_apical], atol=2e-4)
    assert oxygen.degeneracy.values.tolist() == [4.0, 2.0]
    assert float(oxygen.degeneracy.sum()) == 6
    assert _pairs(paths, 3)[2] == (3.19, 2, "Sn")


SNO_CIF = """\
data_SnO
# romarchite SnO, P4/nmm origin choice 2, Pannetier & Denes, Acta Cryst. B 36, 2763 (1980);
# all atoms of the cell written out (P1)
_cell_length_a 3.8029
_cell_length_b 3.8029
_cell_length_c 4.8369
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_symmetry_equiv_pos_as_xyz
'x, y, z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Sn1 Sn 0.25 0.25 0.2369
Sn2 Sn 0.75 0.75 0.7631
O1 O 0.75 0.25 0.0
O2 O 0.25 0.75 0.0
"""

SNO2_CIF_SYMMETRY = """\
data_SnO2
_cell_length_a 4.737
_cell_length_b 4.737
_cell_length_c 3.186
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 42/m n m'
_symmetry_Int_Tables_number 136
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Sn1 Sn 0 0 0
O1 O 0.307 0.307 0
"""


def test_user_cif_sno(tmp_path):
    cif = tmp_path / "SnO.cif"
    cif.write_text(SNO_CIF)
    paths = exafs.feff_paths(cif, absorber="Sn", radius=4.0, r_max=2.5, cache=False)
    d = np.hypot(3.8029 / 2, 0.2369 * 4.8369)                       # 2.2203 Å
    assert paths.sizes["path"] == 1
    assert float(paths.reff[0]) == pytest.approx(d, abs=2e-4)
    assert float(paths.degeneracy[0]) == 4 and str(paths.scatterers[0].values) == "O"
    same = exafs.feff_paths(str(cif), absorber="Sn", radius=4.0, r_max=2.5, cache=False)
    np.testing.assert_array_equal(same.mag_feff.values, paths.mag_feff.values)
    assert "CIF SnO.cif" in same.attrs["parameters"]


def test_cif_expanded_by_symmetry_equals_builtin(tmp_path):
    cif = tmp_path / "SnO2.cif"
    cif.write_text(SNO2_CIF_SYMMETRY)
    s, _ = structures.load(cif)
    assert s.composition.reduced_formula == "SnO2" and len(s) == 6
    assert structures.neighbour_shells(cif, "Sn", radius=3.3) == \
        structures.neighbour_shells("SnO2", "Sn", radius=3.3) == \
        [(2.05, 4, "O"), (2.06, 2, "O"), (3.19, 2, "Sn")]


BETA_SN_ORIGIN2 = """\
data_beta_Sn_origin_choice_2
_cell_length_a 5.8318
_cell_length_b 5.8318
_cell_length_c 3.1819
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_symmetry_equiv_pos_as_xyz
{ops}
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Sn1 Sn {site}
"""
#: General positions of I4_1/amd, origin choice 2 (International Tables A, No. 141)
_OPS2 = ["x,y,z", "-x+1/2,-y,z+1/2", "-y+1/4,x+3/4,z+1/4", "y+1/4,-x+1/4,z+3/4",
         "-x+1/2,y,-z+1/2", "x,-y,-z", "y+1/4,x+3/4,-z+1/4", "-y+1/4,-x+1/4,-z+3/4",
         "-x,-y,-z", "x+1/2,y,-z+1/2", "y+3/4,-x+1/4,-z+3/4", "-y+3/4,x+3/4,-z+1/4",
         "x+1/2,-y,z+1/2", "-x,y,z", "-y+3/4,-x+1/4,z+3/4", "y+3/4,x+3/4,z+1/4"]


def _origin2_cif(tmp_path, site):
    from fractions import Fraction

    def centred(component):                          # "y+1/4" -> "y+3/4" (I centring)
        var, _, shift = component.partition("+")
        if not shift and component.count("/") == 0:
            return f"{component}+1/2"
        value = (Fraction(shift) + Fraction(1, 2)) % 1
        return var if value == 0 else f"{var}+{value}"

    ops = []
    for op in _OPS2:                                  # + the I centring (1/2, 1/2, 1/2)
        ops.append(f"'{op}'")
        ops.append("'" + ",".join(centred(c) for c in op.split(",")) + "'")
    path = tmp_path / f"beta_sn_{site.replace(' ', '_')}.cif"
    path.write_text(BETA_SN_ORIGIN2.format(ops="\n".join(ops), site=site))
    return path


def test_beta_sn_setting_pitfall(tmp_path):
    """Sn on 4a is (0, 3/4, 1/8) in origin choice 2; (0, 0, 0) there is a different cell."""
    right = _origin2_cif(tmp_path, "0 0.75 0.125")
    wrong = _origin2_cif(tmp_path, "0 0 0")
    assert structures.neighbour_shells(right, "Sn")[:2] == [(3.02, 4, "Sn"), (3.18, 2, "Sn")]
    assert len(structures.load(right)[0]) == 4
    shells = structures.neighbour_shells(wrong, "Sn")
    assert shells[0][0] < 2.5 and len(structures.load(wrong)[0]) > 4     # silently wrong cell


def test_alpha_sn_and_builtins():
    assert structures.neighbour_shells("alpha-Sn", "Sn")[0] == (2.81, 4, "Sn")
    assert structures.neighbour_shells("Cu", "Cu")[:2] == [(2.56, 12, "Cu"), (3.61, 6, "Cu")]
    assert structures.neighbour_shells("white tin", "Sn")[0] == (3.02, 4, "Sn")


# --- layout -----------------------------------------------------------------------------------

def test_layout_is_the_reader_layout_plus_importance():
    paths = exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=3.7, cache=False)
    conventions.validate(paths, "feff_paths")
    assert paths.attrs["technique"] == "feff_paths"
    for name in ("real_phc", "mag_feff", "phase_feff", "red_factor", "mean_free_path", "real_p"):
        assert paths[name].dims == ("path", "k")
    for name in ("degeneracy", "reff", "nleg", "rnorman", "feff_edge", "scatterers",
                 "geometry", "amplitude_ratio"):
        assert paths[name].dims == ("path",)
    assert paths.path.values.tolist() == list(range(1, paths.sizes["path"] + 1))
    assert float(paths.amplitude_ratio[0]) == 100.0
    assert paths.amplitude_ratio.attrs["units"] == "percent"
    assert "HOLE 1 1.0" in paths.attrs["feff_inp"] and "RMAX 3.70000" in paths.attrs["feff_inp"]
    assert str(paths.feff_program.values) == "feff6l"
    assert int(paths.site_multiplicity) == 4 and int(paths.n_inequivalent_sites) == 1
    few = exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=3.7, max_paths=1,
                           cache=False)
    assert few.sizes["path"] == 1
    xr.testing.assert_identical(few.drop_attrs(), paths.isel(path=[0]).drop_attrs())


def test_structure_dataset_and_accessor_give_the_same_paths():
    ds = structures.to_dataset("SnO2")
    assert ds.attrs["technique"] == "crystal_structure"
    a = exafs.feff_paths(ds, absorber="Sn", radius=4.0, r_max=2.5, cache=False)
    b = ds.exafs.feff_paths(absorber="Sn", radius=4.0, r_max=2.5, cache=False)
    c = exafs.feff_paths("SnO2", absorber="Sn", radius=4.0, r_max=2.5, cache=False)
    xr.testing.assert_identical(a, b)
    xr.testing.assert_identical(a.drop_attrs(), c.drop_attrs())


def test_feff8l_runs():
    paths = exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=2.6, version="feff8l",
                             cache=False)
    assert paths.sizes["path"] == 1
    assert float(paths.reff[0]) == pytest.approx(3.6149 / np.sqrt(2), abs=2e-4)
    assert float(paths.degeneracy[0]) == 12
    assert "EDGE K" in paths.attrs["feff_inp"]
    assert str(paths.feff_program.values) == "feff8l"


def test_inequivalent_absorber_sites(recwarn):
    from pymatgen.core import Lattice, Structure

    # two Sn sites: one with an O neighbour along x, one without
    s = Structure(Lattice.cubic(4.0), ["Sn", "Sn", "O"],
                  [(0, 0, 0), (0.5, 0.5, 0.5), (0.5, 0, 0)])
    with pytest.warns(UserWarning, match="2 inequivalent sites"):
        first = exafs.feff_paths(s, absorber="Sn", radius=4.5, r_max=3.5, cache=False)
    assert int(first.n_inequivalent_sites) == 2 and int(first.absorber_site) == 0
    assert str(first.scatterers[0].values) == "O" and float(first.reff[0]) == pytest.approx(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        second = exafs.feff_paths(s, absorber="Sn", radius=4.5, r_max=3.5, site=1, cache=False)
    assert int(second.absorber_site) == 1
    assert float(second.reff[0]) == pytest.approx(np.sqrt(8.0), abs=2e-4)
    with pytest.raises(AnalysisError, match="no scattering path"):
        exafs.feff_paths(s, absorber="Sn", radius=4.5, r_max=2.5, site=1, cache=False)
    with pytest.raises(AnalysisError, match="site=5"):
        exafs.feff_paths(s, absorber="Sn", radius=4.5, site=5, cache=False)
    with pytest.raises(AnalysisError, match="site= must be"):
        exafs.feff_paths(s, absorber="Sn", radius=4.5, site="first", cache=False)


def test_all_sites_average_weights_degeneracy(tmp_path):
    from pymatgen.core import Lattice, Structure

    # Sn0 at the corner: 2 O at 2.0 Å; Sn1 at the centre: 4 O at 2√2 Å; one Sn of each
    s = Structure(Lattice.cubic(4.0), ["Sn", "Sn", "O"], [(0, 0, 0), (0.5, 0.5, 0.5), (0.5, 0, 0)])
    kw = dict(absorber="Sn", radius=4.5, r_max=3.5, cache=tmp_path)
    both = exafs.feff_paths(s, site="all", **kw)
    one = exafs.feff_paths(s, site=0, **kw)
    two = exafs.feff_paths(s, site=1, **kw)
    assert both.sizes["path"] == one.sizes["path"] + two.sizes["path"]
    assert both.path.values.tolist() == list(range(1, both.sizes["path"] + 1))
    np.testing.assert_allclose(both.site_weight.values, 0.5)
    np.testing.assert_array_equal(both.site_degeneracy.values,
                                  np.r_[one.degeneracy.values, two.degeneracy.values])
    np.testing.assert_allclose(both.degeneracy.values, 0.5 * both.site_degeneracy.values)
    oxygen = both.where(both.scatterers == "O", drop=True)
    assert float(oxygen.degeneracy.sum()) == pytest.approx((2 + 4) / 2)    # O per Sn atom
    np.testing.assert_array_equal(both.mag_feff.values,
                                  np.r_[one.mag_feff.values, two.mag_feff.values])
    assert both.absorber_site.dims == ("path",) and len(list(tmp_path.glob("*.nc"))) == 2


# --- errors -----------------------------------------------------------------------------------

def test_structure_without_the_absorber_names_it():
    with pytest.raises(AnalysisError, match=r"no Fe atom.*elements: O, Sn"):
        exafs.feff_paths("SnO2", absorber="Fe", radius=4.0, cache=False)


def test_bad_inputs_are_clear_errors(tmp_path):
    with pytest.raises(AnalysisError, match="neither a built-in structure"):
        exafs.feff_paths("no-such-phase", absorber="Sn", cache=False)
    with pytest.raises(AnalysisError, match="xarray.Dataset"):
        exafs.feff_paths(42, absorber="Sn")
    bad = tmp_path / "bad.cif"
    bad.write_text("this is not a CIF\n")
    with pytest.raises(AnalysisError, match="bad.cif"):
        exafs.feff_paths(bad, absorber="Sn", cache=False)
    with pytest.raises(AnalysisError, match="K, L1, L2, L3"):
        exafs.feff_paths("Cu", absorber="Cu", edge="M5", radius=4.0, cache=False)
    with pytest.raises(AnalysisError, match="unknown FEFF version"):
        exafs.feff_paths("Cu", absorber="Cu", version="feff10", cache=False)
    with pytest.raises(AnalysisError, match="structure Dataset needs"):
        exafs.feff_paths(xr.Dataset(), absorber="Cu", cache=False)


def test_missing_binary_is_an_analysis_error(monkeypatch, tmp_path):
    assert _feff_run._bindir().joinpath("feff6l").is_file()
    monkeypatch.setattr(_feff_run, "_bindir", lambda: tmp_path)
    with pytest.raises(AnalysisError, match="feff6l.*missing"):
        _feff_run.executables("feff6l")


def test_feff_failure_and_timeout_are_analysis_errors(monkeypatch):
    with pytest.raises(AnalysisError, match="Fatal Error"):
        _feff_run.run("TITLE broken\nNOT_A_KEYWORD 1\nEND\n", version="feff6l", timeout=60)

    def too_slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs.get("timeout"))

    monkeypatch.setattr(_feff_run.subprocess, "run", too_slow)
    with pytest.raises(AnalysisError, match="did not finish within 7"):
        exafs.feff_paths("Cu", absorber="Cu", radius=4.0, timeout=7, cache=False)


def test_runs_in_a_subprocess_without_changing_our_directory(monkeypatch, tmp_path):
    calls = []
    real = _feff_run.subprocess.run

    def spy(*args, **kwargs):
        calls.append(kwargs.get("cwd"))
        return real(*args, **kwargs)

    monkeypatch.setattr(_feff_run.subprocess, "run", spy)
    here = Path.cwd()
    exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=2.6, cache=False)
    assert Path.cwd() == here
    assert len(calls) == 1 and calls[0] != here and not Path(calls[0]).exists()  # temp removed


# --- cache ------------------------------------------------------------------------------------

def _forbid_feff(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("FEFF ran although the paths are cached")

    monkeypatch.setattr(_feff_run.subprocess, "run", boom)


def test_cache_hit_is_identical_and_runs_no_feff(cache, monkeypatch):
    kw = dict(absorber="Sn", radius=4.0, r_max=3.3, cache=cache)
    cold = exafs.feff_paths("SnO2", **kw)
    files = list(cache.glob("*.nc"))
    assert len(files) == 1 and files[0].stem == cold.attrs["feff_cache_key"]
    assert not list(cache.glob("*.tmp"))
    _forbid_feff(monkeypatch)
    warm = exafs.feff_paths("SnO2", **kw)                    # in-process copy
    xr.testing.assert_identical(cold, warm)
    feff._MEMO.clear()
    disk = exafs.feff_paths("SnO2", **kw)                    # read back from the netCDF file
    xr.testing.assert_identical(cold, disk)
    assert {n: v.dtype for n, v in disk.variables.items()} == \
        {n: v.dtype for n, v in cold.variables.items()}
    warm["reff"][0] = -1.0                                   # a returned Dataset is a copy
    assert float(exafs.feff_paths("SnO2", **kw).reff[0]) > 2


def test_cache_key_depends_on_the_request(cache):
    s = structures.sno2()
    base = dict(absorber="Sn", site=None, edge="K", radius=6.0, r_max=6.0, nleg=4,
                version="feff6l")
    key = feff.cache_key(s, **base)
    assert key == feff.cache_key(structures.sno2(), **base)
    assert key == feff.cache_key(structures.sno2(a=4.737000001), **base)    # rounded to 1e-5
    for change in ({"radius": 5.0}, {"edge": "L3"}, {"version": "feff8l"}, {"nleg": 2},
                   {"site": 0}, {"r_max": 4.0}):
        assert feff.cache_key(s, **{**base, **change}) != key, change
    assert feff.cache_key(structures.sno2(x=0.306), **base) != key


def test_default_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CHARACTERIZATION_CACHE", str(tmp_path))
    assert feff.cache_dir() == tmp_path / "feff" == feff.cache_dir("refresh")
    monkeypatch.delenv("CHARACTERIZATION_CACHE")
    assert feff.cache_dir(True) == Path.home() / ".cache" / "characterization" / "feff"
    assert feff.cache_dir(False) is None and feff.cache_dir(tmp_path) == tmp_path
    with pytest.raises(AnalysisError, match="cache="):
        feff.cache_dir(3)


def test_corrupt_cache_file_is_recomputed(cache):
    kw = dict(absorber="Cu", radius=4.0, r_max=2.6, cache=cache)
    cold = exafs.feff_paths("Cu", **kw)
    (target,) = cache.glob("*.nc")
    target.write_bytes(b"CDF\x01 truncated garbage")
    feff._MEMO.clear()
    with pytest.warns(RuntimeWarning, match="unreadable"):
        again = exafs.feff_paths("Cu", **kw)
    xr.testing.assert_identical(cold, again)
    feff._MEMO.clear()
    xr.testing.assert_identical(cold, exafs.feff_paths("Cu", **kw))     # file was replaced


def test_foreign_file_under_the_key_and_refresh(cache, monkeypatch):
    kw = dict(absorber="Cu", radius=4.0, r_max=2.6, cache=cache)
    cold = exafs.feff_paths("Cu", **kw)
    (target,) = cache.glob("*.nc")
    xr.Dataset({"x": ("a", [1.0])}).to_netcdf(target, engine="scipy")
    feff._MEMO.clear()
    with pytest.warns(RuntimeWarning, match="does not hold this request"):
        exafs.feff_paths("Cu", **kw)
    calls = []
    real = _feff_run.subprocess.run
    monkeypatch.setattr(_feff_run.subprocess, "run",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setenv("CHARACTERIZATION_CACHE", str(cache.parent / "root"))
    exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=2.6)
    exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=2.6)
    assert len(calls) == 1
    refreshed = exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=2.6, cache="refresh")
    assert len(calls) == 2
    xr.testing.assert_identical(refreshed.drop_attrs(), cold.drop_attrs())


def test_two_processes_fill_the_same_cache(cache):
    script = textwrap.dedent(f"""
        from characterization import exafs
        p = exafs.feff_paths("SnO2", absorber="Sn", radius=4.0, r_max=3.3,
                             cache={str(cache)!r})
        print(p.sizes["path"])
    """)
    repo = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=repo) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-500:] for o in outs]
    assert outs[0][0].strip() == outs[1][0].strip()
    assert len(list(cache.glob("*.nc"))) == 1 and not list(cache.glob("*.tmp"))
    cached = exafs.feff_paths("SnO2", absorber="Sn", radius=4.0, r_max=3.3, cache=cache)
    assert cached.sizes["path"] == int(outs[0][0])


def test_our_run_equals_larchs_runner_on_the_same_input(tmp_path, monkeypatch):
    import contextlib
    import os

    from larch.xafs import feff6l

    from characterization.io.exafs.feffdat import read_feffdat

    ours = exafs.feff_paths("SnO2", absorber="Sn", radius=5.0, r_max=2.5, cache=False)
    folder = tmp_path / "larch"
    folder.mkdir()
    (folder / "feff.inp").write_text(ours.attrs["feff_inp"])
    monkeypatch.chdir(tmp_path)                 # larch's runner changes the working directory
    with open(os.devnull, "w", encoding="utf-8") as null, contextlib.redirect_stdout(null):
        feff6l(folder=str(folder), feffinp="feff.inp", verbose=False)
    theirs = xr.concat([read_feffdat(folder / f"feff000{i}.dat") for i in (1, 2)], dim="path")
    for name in ("mag_feff", "phase_feff", "real_phc", "reff", "degeneracy"):
        np.testing.assert_array_equal(ours[name].values, theirs[name].values, err_msg=name)
