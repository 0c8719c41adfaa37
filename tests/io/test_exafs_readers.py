"""EXAFS readers (XDI, Athena .prj, μ(E) columns, χ(k)) against larch's own readers and the
Athena-stored values of the shared Sn project (MANIFEST: Athena-stored e0 and edge step)."""

from __future__ import annotations

import gzip
import json
import warnings

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization import ReadError
from characterization.io import select_reader
from conftest import shared_data

pytest.importorskip("larch")

ATHENA_KEYWORDS = {
    "normalize": {"e0", "step", "pre_range", "post_range", "post_degree", "victoreen"},
    "subtract_background": {"model", "rbkg", "k_range", "k_weight", "dk", "taper", "clamp_lo",
                            "clamp_hi", "k_step"},
    "fourier_transform": {"k_range", "k_weight", "dk", "taper", "r_max"},
    "back_transform": {"r_range", "dr", "taper"},
}
SN_GROUPS = ["Sn_foil", "SnO2", "d_Ref_SnO2", "Sn_chloride", "d_Ref_Sn_chloride"]


def _quiet_read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ch.read(path, **kw)


def _larch_quiet(func, *args, **kw):
    # (no stdout redirection: larch's bytes2str decodes with sys.stdout.encoding)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kw)


# --------------------------------------------------------------------------- every file
def test_every_shared_exafs_file_reads():
    folder = shared_data("exafs")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "MANIFEST.md")
    assert len(files) >= 12
    for p in files:
        out = _quiet_read(p)
        nodes = ([n.to_dataset() for n in out.subtree if n.has_data]
                 if isinstance(out, xr.DataTree) else [out])
        for ds in nodes:
            assert ds.attrs["technique"] in ("exafs", "feff_paths"), p
            if ds.attrs["technique"] == "exafs":
                assert ds["energy"].attrs["units"] == "eV"
                assert {"edge", "absorber", "edge_energy", "measurement"} <= set(ds.coords), p
                assert np.all(np.diff(ds["energy"].values) > 0)
                assert np.all(np.isfinite(ds["mu"].values))


# --------------------------------------------------------------------------- XDI
@pytest.mark.parametrize("name, column", [("xraylarch/cu_metal_rt.xdi", "mutrans"),
                                          ("XAS-Data-Interchange/fe_metal_rt.xdi", "mutrans"),
                                          ("XAS-Data-Interchange/zn_znse_rt.xdi", None)])
def test_xdi_matches_larch_read_xdi(name, column):
    from larch.io import read_xdi
    path = shared_data("exafs") / name
    ds = ch.read(path)
    g = _larch_quiet(read_xdi, str(path))
    np.testing.assert_array_equal(ds.energy.values, g.energy)
    if column is None:        # zn_znse_rt.xdi: no μ column, μ = ln(i0/itrans) computed
        np.testing.assert_allclose(ds.mu.values, np.log(g.i0 / g.itrans), rtol=1e-14)
        assert ds.mu.attrs["formula"] == "ln(i0/itrans)"
        np.testing.assert_array_equal(ds.itrans.values, g.itrans)
    else:
        np.testing.assert_array_equal(ds.mu.values, getattr(g, column))
    np.testing.assert_array_equal(ds.i0.values, g.i0)
    assert ds.measurement.item() == "transmission"
    md = json.loads(ds.attrs["original_metadata"])
    assert "Mono" in md and md["Mono"]["d_spacing"].startswith("3.1355")


def test_xdi_edge_from_header_in_both_spellings():
    folder = shared_data("exafs")
    cu = ch.read(folder / "xraylarch/cu_metal_rt.xdi")            # Scan.element / Scan.edge
    zn = ch.read(folder / "XAS-Data-Interchange/zn_znse_rt.xdi")  # Element.symbol / .edge
    assert (cu.edge.item(), cu.absorber.item(), cu.edge_energy.item()) == ("Cu K", "Cu", 8979.0)
    assert (zn.edge.item(), zn.edge_energy.item()) == ("Zn K", 9659.0)
    assert select_reader(folder / "xraylarch/cu_metal_rt.xdi").name == "xdi"


def test_xdi_angle_column_converted_with_d_spacing(tmp_path):
    d = 3.13553
    energy = np.linspace(8900.0, 9100.0, 21)
    theta = np.rad2deg(np.arcsin(12398.419843320026 / (2 * d * energy)))
    rows = "\n".join(f"{t:.10f} {1e5:.1f} {5e4 * (1 + (e > 8979)):.1f}"
                     for t, e in zip(theta, energy))
    p = tmp_path / "angle.xdi"
    p.write_text("# XDI/1.0\n# Column.1: angle degrees\n# Column.2: i0\n# Column.3: itrans\n"
                 f"# Element.symbol: Cu\n# Element.edge: K\n# Mono.d_spacing: {d}\n"
                 "#----\n# angle i0 itrans\n" + rows + "\n")
    ds = ch.read(p)
    np.testing.assert_allclose(ds.energy.values, energy, rtol=1e-9)
    assert "d sin" in ds.attrs["energy_conversion"]
    assert ds.energy.attrs["original_units"] == "degrees"


# --------------------------------------------------------------------------- column files
@pytest.mark.parametrize("name", ["cu_10k.xmu", "cu_50k.xmu", "cu_150k.xmu", "feo_xafs.dat",
                                  "sno2_l3.dat"])
def test_column_files_match_larch_read_ascii(name):
    from larch.io import read_ascii
    path = shared_data("exafs") / "xraylarch" / name
    ds = _quiet_read(path)
    g = _larch_quiet(read_ascii, str(path))
    assert ds.attrs["reader"] == "xas_columns"
    np.testing.assert_array_equal(ds.energy.values, g.energy)
    np.testing.assert_array_equal(ds.mu.values, g.mu)


def test_xmu_percent_header_gives_the_edge():
    ds = ch.read(shared_data("exafs") / "xraylarch/cu_10k.xmu")
    assert ds.edge.item() == "Cu K"
    md = json.loads(ds.attrs["original_metadata"])
    assert md["temp"] == "10K"


def test_edge_guessed_with_warning_and_overridable():
    path = shared_data("exafs") / "xraylarch/sno2_l3.dat"
    with pytest.warns(UserWarning, match="guessed .* Sn L3"):
        guessed = ch.read(path)
    assert guessed.attrs["edge_guessed"] == "true"
    stated = ch.read(path, element="Sn", edge="L3")
    assert (stated.edge.item(), stated.edge_energy.item()) == ("Sn L3", 3929.0)
    assert "edge_guessed" not in stated.attrs


def _channels_file(tmp_path, name="scan.txt", header="E I0 It If Iref", scale=1.0,
                   sep=" "):
    rng = np.random.default_rng(7)
    e = np.linspace(8900.0, 9200.0, 61)
    step = 1.0 / (1.0 + np.exp(-(e - 8979.0) / 2.0))
    i0 = 1e5 * (1 + 0.01 * rng.standard_normal(e.size))
    it = i0 * np.exp(-(0.5 + step))
    fl = i0 * (0.01 + 0.1 * step)
    iref = it * np.exp(-(0.2 + 0.8 * step))
    rows = [sep.join(f"{v:.17g}" for v in r) for r in zip(e * scale, i0, it, fl, iref)]
    p = tmp_path / name
    p.write_text(f"# {header}\n" + "\n".join(rows) + "\n")
    return p, e, i0, it, fl, iref


def test_channels_by_name_give_explicit_mu(tmp_path):
    p, e, i0, it, fl, iref = _channels_file(tmp_path)
    with pytest.warns(UserWarning, match="guessed Cu K"):
        ds = ch.read(p)
    assert select_reader(p).name == "xas_columns"
    np.testing.assert_allclose(ds.mu.values, np.log(i0 / it), rtol=1e-9)
    assert ds.measurement.item() == "transmission"
    np.testing.assert_allclose(ds.mu_reference.values, np.log(it / iref), rtol=1e-9)
    fluo = ch.read(p, measurement="fluorescence", element="Cu", edge="K")
    np.testing.assert_allclose(fluo.mu.values, fl / i0, rtol=1e-9)
    assert fluo.mu.attrs["formula"] == "ifluor/i0"


def test_columns_option_and_format(tmp_path):
    p, e, i0, it, *_ = _channels_file(tmp_path, header="x a b c d", sep=",")
    assert select_reader(p).name != "xas_columns"          # nothing proves XAS: not claimed
    ds = ch.read(p, format="xas_columns", columns={"energy": "x", "i0": "a", "itrans": 2},
                 element="Cu", edge="K")
    np.testing.assert_allclose(ds.mu.values, np.log(i0 / it), rtol=1e-9)
    with pytest.raises(ReadError, match="not among the column names"):
        ch.read(p, format="xas_columns", columns={"energy": "E"})


def test_kev_energies_converted_explicitly(tmp_path):
    p, e, *_ = _channels_file(tmp_path, header="energy(keV) I0 It If Iref", scale=1e-3)
    ds = ch.read(p, element="Cu", edge="K")
    np.testing.assert_allclose(ds.energy.values, e, rtol=1e-9)
    assert ds.energy.attrs["original_units"] == "keV"
    assert ds.energy.attrs["original_name"] == "energy(keV)"
    q, *_ = _channels_file(tmp_path, name="kev2.txt", header="energy I0 It If Iref", scale=1e-3)
    with pytest.warns(UserWarning, match="below 100"):
        guessed = ch.read(q, element="Cu", edge="K")
    np.testing.assert_allclose(guessed.energy.values, e, rtol=1e-9)


def test_nonpositive_count_is_a_read_error(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("# energy i0 it\n" + "\n".join(f"{8900 + i} 100 {0 if i == 3 else 50}"
                                                for i in range(10)) + "\n")
    with pytest.raises(ReadError, match="not finite"):
        ch.read(p, element="Cu", edge="K")


# --------------------------------------------------------------------------- Athena
@pytest.fixture(scope="module")
def sn_tree():
    return ch.read(shared_data("exafs") / "xraylarch/Sn.prj")


@pytest.fixture(scope="module")
def sn_larch():
    from larch.io import read_athena
    return _larch_quiet(read_athena, str(shared_data("exafs") / "xraylarch/Sn.prj"),
                        do_preedge=False)


def test_athena_groups_named_as_larch(sn_tree, sn_larch):
    assert isinstance(sn_tree, xr.DataTree)
    assert list(sn_tree.children) == SN_GROUPS == list(sn_larch.groups)


def test_athena_arrays_match_larch(sn_tree, sn_larch):
    for name in SN_GROUPS:
        ds = sn_tree[name].to_dataset()
        g = sn_larch.groups[name]
        shift = ds.energy_shift.item()
        np.testing.assert_allclose(ds.energy.values, g.energy + shift, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(ds.mu.values, g.mu)
        assert shift == pytest.approx(float(g.athena_params.bkg.eshift))
        if hasattr(g, "stddev"):
            np.testing.assert_array_equal(ds.stddev.values, g.stddev)
        if hasattr(g, "i0"):
            np.testing.assert_array_equal(ds.i0.values, g.i0)
    assert sn_tree["Sn_foil"].energy_shift.item() == 0.05       # bkg_eshift applied explicitly


def test_athena_stored_values_and_group_selection(sn_tree):
    stored = {n: (sn_tree[n].stored_e0.item(), sn_tree[n].stored_edge_step.item())
              for n in SN_GROUPS}
    # MANIFEST: Athena-stored e0 / step
    assert stored["Sn_foil"] == (29200.0, 1.4948356)
    assert stored["SnO2"] == (29205.0, 0.2130659)
    assert stored["d_Ref_SnO2"][1] == 1.1633865
    assert stored["Sn_chloride"] == (29198.865, 0.6156682)
    assert stored["d_Ref_Sn_chloride"][1] == 1.3741382
    path = shared_data("exafs") / "xraylarch/Sn.prj"
    one = ch.read(path, group="Ref SnO2")
    assert isinstance(one, xr.Dataset) and one.label.item() == "Ref SnO2"
    assert ch.read(path, group="sn_FOIL").label.item() == "Sn foil"
    with pytest.raises(ReadError, match="d_Ref_SnO2"):
        ch.read(path, group="LiSn")


def test_athena_stored_processing_uses_our_keywords(sn_tree):
    for name in SN_GROUPS:
        proc = json.loads(sn_tree[name].attrs["stored_processing"])
        assert set(proc) == set(ATHENA_KEYWORDS)
        for step, keys in proc.items():
            assert set(keys) <= ATHENA_KEYWORDS[step], (name, step)
        assert proc["normalize"]["post_degree"] == 2                 # bkg_nnorm 3 terms
        assert proc["subtract_background"]["clamp_hi"] == 24.0        # "Strong"
        assert proc["subtract_background"]["clamp_lo"] == 0.0         # "None"
        assert proc["subtract_background"]["taper"] == "kaiser"
        assert "step" not in proc["normalize"]                        # bkg_fixstep 0
    sno2 = json.loads(sn_tree["SnO2"].attrs["stored_processing"])
    assert sno2["fourier_transform"]["k_range"] == [2.0, 12.275]
    assert sno2["subtract_background"]["k_range"] == [0.0, 14.275]
    assert sno2["normalize"]["pre_range"] == [-185.049999999999, -83.654]


def _larch_step(ds, nnorm, e0=None):
    from larch import Group
    from larch.xafs import pre_edge
    p = json.loads(ds.attrs["stored_processing"])["normalize"]
    g = Group(energy=ds.energy.values, mu=ds.mu.values)
    _larch_quiet(pre_edge, g, e0=e0, pre1=p["pre_range"][0], pre2=p["pre_range"][1],
                 norm1=p["post_range"][0], norm2=p["post_range"][1], nnorm=nnorm)
    return float(g.e0), float(g.edge_step)


def test_athena_edge_step_reproduced_with_mapped_parameters(sn_tree):
    """The issue's validation: larch's pre_edge with the mapped stored parameters gives
    Athena's edge step within 1 % for every group; passing bkg_nnorm as larch's degree (what
    read_athena does) is 1-4 % off and worse for every group."""
    worse = {}
    for name in SN_GROUPS:
        ds = sn_tree[name].to_dataset()
        proc = json.loads(ds.attrs["stored_processing"])["normalize"]
        athena = ds.stored_edge_step.item()
        _, mapped = _larch_step(ds, proc["post_degree"], e0=proc["e0"])
        _, naive = _larch_step(ds, proc["post_degree"] + 1, e0=proc["e0"])
        assert mapped == pytest.approx(athena, rel=0.01), name
        worse[name] = (abs(naive / athena - 1), abs(mapped / athena - 1))
        assert worse[name][0] > worse[name][1], name
    print({k: f"naive {100 * a:.2f} % vs mapped {100 * b:.2f} %" for k, (a, b) in worse.items()})
    assert worse["Sn_foil"][0] > 0.03 and worse["SnO2"][0] > 0.02


def test_athena_e0_found_by_larch_near_stored(sn_tree):
    """E0 found by larch within 0.5 eV of Athena's for the records whose E0 Athena found; the
    two chloride records share one E0 set in Athena (29198.865, aligned), which the data do
    not pin: larch finds 29196.5 / 29202.5 there (reported, not hidden)."""
    for name in ("Sn_foil", "SnO2", "d_Ref_SnO2"):
        ds = sn_tree[name].to_dataset()
        proc = json.loads(ds.attrs["stored_processing"])["normalize"]
        e0, _ = _larch_step(ds, proc["post_degree"])
        assert e0 == pytest.approx(ds.stored_e0.item(), abs=0.5), name
    chl = sn_tree["Sn_chloride"].to_dataset()
    e0, _ = _larch_step(chl, 2)
    assert abs(e0 - chl.stored_e0.item()) > 0.5


def _prj(records: str, closing="1;\n") -> bytes:
    return ("# Athena project file -- Athena version 0.8.057\n" + records + closing).encode()


_REC = ("$old_group = 'abcd';\n@args = ('label','{label}','bkg_e0',8980,'bkg_nnorm',2,"
        "'bkg_clamp2','Rigid','bkg_z','Cu','fft_edge','K','is_chi',{chi},"
        "'titles',['a','b \\'q\\''],'file','x\ny');\n"
        "@x = ({x});\n@y = ({y});\n[record]   # comment\n\n")


def _rec(label="Cu foil", chi=0, x=None, y=None):
    x = np.linspace(8900, 9100, 41) if x is None else x
    y = (1.0 / (1.0 + np.exp(-(x - 8980) / 3.0))) if y is None else y
    return _REC.format(label=label, chi=chi, x=",".join(f"'{v}'" for v in x),
                       y=",".join(f"'{v}'" for v in y))


def test_athena_plain_and_gzip_chi_records_duplicate_labels(tmp_path):
    k = np.arange(0, 10.01, 0.05)
    text = _prj(_rec() + _rec() + _rec("chi data", 1, x=k, y=np.sin(2 * k) * 0.1))
    plain = tmp_path / "plain.prj"
    plain.write_bytes(text)
    gz = tmp_path / "gz.prj"
    gz.write_bytes(gzip.compress(text))
    for p in (plain, gz):
        tree = ch.read(p)
        assert list(tree.children) == ["Cu_foil", "Cu_foil_2", "chi_data"]
        chi = tree["chi_data"].to_dataset()
        np.testing.assert_array_equal(chi.chi.values, np.sin(2 * k) * 0.1)
        proc = json.loads(tree["Cu_foil"].attrs["stored_processing"])
        assert proc["normalize"]["post_degree"] == 1
        assert proc["subtract_background"]["clamp_hi"] == 96.0
        assert json.loads(tree["Cu_foil"].attrs["original_metadata"])["args"]["titles"] == \
            ["a", "b 'q'"]


@pytest.mark.parametrize("damage", ["no_closing", "cut_in_array", "bad_number", "no_marker",
                                    "eval_attempt", "cut_gzip"])
def test_athena_damage_is_a_read_error(tmp_path, damage):
    good = _prj(_rec())
    data = {
        "no_closing": good[:-3],
        "cut_in_array": good[: good.index(b"@y") + 40],
        "bad_number": good.replace(b"'8900.0'", b"'89x0'"),
        "no_marker": good.replace(b"[record]   # comment\n", b"") ,
        "eval_attempt": good.replace(b"@x = (", b"@x = (system('ls'),"),
        "cut_gzip": gzip.compress(good)[:-30],
    }[damage]
    p = tmp_path / f"{damage}.prj"
    p.write_bytes(data)
    with pytest.raises(ReadError):
        ch.read(p)


# --------------------------------------------------------------------------- χ(k)
def _chik(tmp_path, header):
    k = np.arange(0.0, 15.0, 0.05)
    chi = 0.3 * np.sin(2 * 2.5 * k) * np.exp(-2 * 0.005 * k ** 2) / np.maximum(k, 1)
    cols = {"k": k, "chi": chi, "chik": chi * k, "chik2": chi * k ** 2, "chi*k^2": chi * k ** 2,
            "chik3": chi * k ** 3, "mag": np.abs(chi), "x": chi}
    names = header.split()
    rows = "\n".join(" ".join(f"{cols[n][i]:.12e}" for n in names) for i in range(k.size))
    p = tmp_path / f"c{len(list(tmp_path.iterdir()))}.chik"
    p.write_text(f"# larch chi export\n# {header}\n{rows}\n")
    return p, k, chi


def test_chik_reads_chi_and_unweights_explicitly(tmp_path):
    p, k, chi = _chik(tmp_path, "k chi chik chik2 mag")
    ds = ch.read(p)
    np.testing.assert_allclose(ds.chi.values, chi, rtol=1e-11)
    assert ds.k.attrs["units"] == "1/angstrom" and ds.attrs["reader"] == "chik"
    p2, k, chi = _chik(tmp_path, "k chi*k^2")
    ds2 = ch.read(p2)
    assert ds2.chi.attrs["k_weight_removed"] == 2
    np.testing.assert_allclose(ds2.chi.values[1:], chi[1:], rtol=1e-10)
    assert np.isnan(ds2.chi.values[0])                  # k = 0 carries no χ once weighted


def test_chik_unnamed_or_contradicting_weight_is_refused(tmp_path):
    p, k, chi = _chik(tmp_path, "k x")
    with pytest.raises(ReadError, match="no χ column"):
        ch.read(p)
    q = tmp_path / "plain.chik"
    q.write_text("\n".join(f"{a} {b}" for a, b in zip(k, chi)) + "\n")
    with pytest.raises(ReadError, match="k_weight"):
        ch.read(q)
    np.testing.assert_allclose(ch.read(q, k_weight=0).chi.values, chi, rtol=1e-12)
    r, *_ = _chik(tmp_path, "k chik2")
    with pytest.raises(ReadError, match="contradicts"):
        ch.read(r, k_weight=0)


def test_athena_project_written_by_larch_round_trips(tmp_path):
    """A project saved by larch's AthenaProject reads to larch's arrays; larch stores its own
    nnorm (a degree) as bkg_nnorm, recognised from the header."""
    from larch.io import read_ascii
    from larch.io.athena_project import AthenaProject
    from larch.xafs import pre_edge
    g = _larch_quiet(read_ascii, str(shared_data("exafs") / "xraylarch/cu_10k.xmu"))
    _larch_quiet(pre_edge, g, nnorm=2, pre1=-180, pre2=-90)
    p = tmp_path / "saved.prj"
    prj = AthenaProject(str(p))
    prj.add_group(g)
    _larch_quiet(prj.save, use_gzip=True)
    tree = ch.read(p)
    (ds,) = [n.to_dataset() for n in tree.subtree if n.has_data]
    np.testing.assert_array_equal(ds.energy.values, g.energy)
    np.testing.assert_array_equal(ds.mu.values, g.mu)
    proc = json.loads(ds.attrs["stored_processing"])["normalize"]
    assert ds.attrs["athena_writer"] == "larch"
    assert proc["post_degree"] == 2 and proc["pre_range"] == [-180.0, -90.0]
    assert ds.stored_e0.item() == pytest.approx(g.e0, abs=0.01)


def test_athena_json_project(tmp_path):
    e = np.linspace(8900.0, 9100.0, 41)
    mu = 1.0 / (1.0 + np.exp(-(e - 8980.0) / 3.0))
    js = {"_____header1": "# Athena project file -- Demeter version 0.9.24",
          "_____header2": "# Using Larch version 0.9.80",
          "_____order": ["abcde"],
          "abcde": {"args": {"label": "Cu foil", "bkg_e0": 8980.0, "bkg_nnorm": 2,
                             "bkg_z": "Cu", "fft_edge": "K", "is_xmu": 1},
                    "x": e.tolist(), "y": mu.tolist(), "i0": np.ones(41).tolist()}}
    p = tmp_path / "json.prj"
    p.write_bytes(gzip.compress(json.dumps(js).encode()))
    ds = ch.read(p, group="Cu foil")
    np.testing.assert_array_equal(ds.mu.values, mu)
    assert ds.edge.item() == "Cu K" and ds.stored_e0.item() == 8980.0
    bad = tmp_path / "bad.prj"
    bad.write_bytes(gzip.compress(json.dumps(js).encode()[:-200]))
    with pytest.raises(ReadError, match="JSON"):
        ch.read(bad)


def test_normalised_columns_are_not_read_as_mu(tmp_path):
    e = np.linspace(8900.0, 9100.0, 41)
    norm = 1.0 / (1.0 + np.exp(-(e - 8980.0) / 3.0))
    p = tmp_path / "athena.nor"
    p.write_text("# exported by Athena\n#  e norm nbkg flat\n"
                 + "\n".join(f"{a} {b} {b} {b}" for a, b in zip(e, norm)) + "\n")
    with pytest.raises(ReadError, match="no μ column"):
        ch.read(p, format="xas_columns", element="Cu", edge="K")
    ds = ch.read(p, format="xas_columns", columns={"mu": "norm"}, element="Cu", edge="K")
    assert ds.mu.attrs["column"] == "norm"
    np.testing.assert_array_equal(ds.mu.values, norm)


def test_edge_outside_the_data_warns(tmp_path):
    p, *_ = _channels_file(tmp_path)
    with pytest.warns(UserWarning, match="energies run"):
        ds = ch.read(p, element="Sn", edge="K")
    assert ds.attrs["edge_outside_data"] == "true"


def test_athena_broken_record_named_others_readable(tmp_path):
    x = np.linspace(8900, 9100, 41)
    dup = x.copy()
    dup[5] = dup[4]                                  # a repeated energy in the second record
    p = tmp_path / "dup.prj"
    p.write_bytes(_prj(_rec("good") + _rec("broken", x=dup)))
    with pytest.raises(ReadError, match="record 'broken'.*appears twice|appears twice.*group="):
        ch.read(p)
    assert ch.read(p, group="good").label.item() == "good"


def test_names_with_bracketed_units(tmp_path):
    p, e, i0, it, *_ = _channels_file(tmp_path, header="Energy [keV] I0 (counts) It (counts) "
                                                       "If Iref", scale=1e-3)
    ds = ch.read(p, element="Cu", edge="K")
    np.testing.assert_allclose(ds.energy.values, e, rtol=1e-12)
    assert ds.energy.attrs["original_units"] == "keV"
    np.testing.assert_allclose(ds.mu.values, np.log(i0 / it), rtol=1e-12)
