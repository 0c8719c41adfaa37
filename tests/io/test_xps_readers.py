"""XPS readers on the real files of ``shared/data/xps`` (see its MANIFEST.md) and on small
synthetic files with exact content."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization import ReadError, conventions
from conftest import SHARED_DATA

DATA = SHARED_DATA / "xps"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real XPS data absent: {DATA}")

#: every file of the folder and the reader that must take it
FILES = {
    "KherveFitting/Pt4f.vms": "vamas",
    "LG4X/0-150W.vms": "vamas",
    "LG4X/Mutlipak_vms.npl": "vamas",
    "LG4X/C1s_sample.csv": "delimited",
    "cheminfo-vamas/ARXPS.vms": "vamas",
    "cheminfo-vamas/polyethyleneglycol.vms": "vamas",
    "cheminfo-vamas/survey.vms": "vamas",
    "matkrin-vamas/xps_eis.vms": "vamas",
    "pynxtools-xps/SnO2_10nm_1.pro": "phi",
    "pynxtools-xps/SnO2_10nm.spe": "phi",
    "pynxtools-xps/regular.vms": "vamas",
    "pynxtools-xps/irregular.vms": "vamas",
    "pynxtools-xps/FeO_analyzed.vms": "vamas",
    "pynxtools-xps/vms_txt_export.txt": "casa_text",
    "pynxtools-xps/MgFe2O4_small.xy": "specs_xy",
    "pynxtools-xps/In-situ_PBTTT_XPS_SPECS.xml": "specs_xml",
    "pynxtools-xps/Ag_0001.txt": "scienta_txt",
    "pynxtools-xps/Ag_0001Ag__001.ibw": "igor_ibw",
    "yadg/test0.spe": "phi",
    **{f"theoechem-MAHE2024/20240220_Au_MPPipTFSI4AMSIol3_{r}.csv": "avantage_csv"
       for r in ("C_1s", "F_1s", "N_1s", "Na_1s", "O_1s", "S_2p", "Si_2p", "survey")},
}


def _nodes(result):
    if isinstance(result, xr.Dataset):
        return [result]
    return [n.to_dataset() for n in result.subtree if n.has_data]


@needs_data
def test_the_file_list_covers_the_folder():
    on_disk = {str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file()
               and p.name != "MANIFEST.md"}
    assert on_disk == set(FILES)


@needs_data
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_file_reads_to_valid_xps(name):
    result = ch.read(DATA / name)
    assert result.attrs["reader"] == FILES[name]
    nodes = _nodes(result)
    assert nodes
    for ds in nodes:
        conventions.validate(ds, "xps")
        assert ds.attrs["technique"] == "xps"
        be = ds["binding_energy"]
        assert be.attrs["units"] == "eV" and np.isfinite(be).all()
        assert ds["intensity"].attrs["units"] in ("count/s", "count")
        assert np.isfinite(ds["intensity"]).all()
        if "kinetic_energy" in ds.coords:
            np.testing.assert_allclose(ds["excitation_energy"] - ds["kinetic_energy"], be,
                                       atol=1e-9)
        if "counts" in ds:
            scans = float(ds.coords["scans"]) if "scans" in ds.coords else 1.0
            # exact where the file gives counts; Avantage CPS columns are printed to 3 decimals
            np.testing.assert_allclose(ds["counts"] / (ds["dwell_time"] * scans),
                                       ds["intensity"], rtol=1e-3, atol=0.01)


@needs_data
def test_phi_depth_profile_keeps_every_cycle_with_its_sputter_time():
    tree = ch.read(DATA / "pynxtools-xps/SnO2_10nm_1.pro")
    nodes = {n.name: n.to_dataset() for n in tree.subtree if n.has_data}
    assert set(nodes) == {"survey", "C_1s", "Si_2p", "Sn_3d5"}
    for name, ds in nodes.items():
        assert ds["intensity"].dims == ("sputter_time", "binding_energy")
        np.testing.assert_array_equal(ds["sputter_time"], np.arange(21) * 30.0)
        np.testing.assert_array_equal(ds["cycle"], np.arange(21))
        assert ds["sputter_time"].attrs["units"] == "s"
        assert float(ds["excitation_energy"]) == 1486.6
    assert nodes["survey"].sizes["binding_energy"] == 1751
    np.testing.assert_allclose(nodes["survey"]["binding_energy"][[0, -1]], [1400.0, 0.0])
    si = nodes["Si_2p"]
    assert si.sizes["binding_energy"] == 101
    np.testing.assert_allclose(si["binding_energy"][[0, -1]], [114.0, 94.0])
    assert float(si["dwell_time"]) == 0.8 and float(si["pass_energy"]) == 55.0
    # cycles are different spectra (the sputtering changes the surface), not copies
    assert not np.allclose(si["intensity"][0], si["intensity"][-1])
    one = ch.read(DATA / "pynxtools-xps/SnO2_10nm_1.pro", region="Si 2p")
    xr.testing.assert_identical(one["intensity"], si["intensity"])


@needs_data
def test_phi_spe_float64_matches_yadg_reference():
    # yadg's tests/test_xpstrace/test0.json (parsed by yadg's own extractor): survey points
    # 2686.. and its axis 1355 - 0.4 i
    s = ch.read(DATA / "yadg/test0.spe", region="survey")
    assert s.sizes["binding_energy"] == 3401
    ref = [5887.5, 6212.5, 5525.0, 3787.5, 2650.0, 2025.0, 1850.0, 2000.0, 1850.0, 1662.5,
           1937.5, 1700.0]
    np.testing.assert_array_equal(s["intensity"][2686:2686 + len(ref)], ref)
    np.testing.assert_allclose(s["binding_energy"][[0, 2686, -1]], [1355.0, 280.6, -5.0])
    f = ch.read(DATA / "yadg/test0.spe", region="F 1s")
    assert f.sizes["binding_energy"] == 161 and float(f["dwell_time"]) == 0.16


@needs_data
def test_vamas_regular_and_irregular_give_the_same_data():
    a = ch.read(DATA / "pynxtools-xps/regular.vms", region="Survey")
    b = ch.read(DATA / "pynxtools-xps/irregular.vms", region="Survey")
    np.testing.assert_allclose(a["binding_energy"], b["binding_energy"], atol=1e-6)
    for var in ("intensity", "transmission"):
        np.testing.assert_allclose(a[var], b[var], rtol=1e-6)
    assert float(a["excitation_energy"]) == float(b["excitation_energy"]) == 1486.61
    # CasaXPS wrote the IRREGULAR copy as CPS with a 1 s collection time; the REGULAR one
    # keeps Prodigy's per-point signal and 0.1 s: the count rates agree, the "counts" do not
    assert float(a["dwell_time"]) == 0.1 and float(b["dwell_time"]) == 1.0
    # and both agree with Prodigy's own .xy export of the same survey (6 significant digits)
    xy = ch.read(DATA / "pynxtools-xps/MgFe2O4_small.xy", region="Survey")
    np.testing.assert_allclose(a["binding_energy"], xy["binding_energy"])
    np.testing.assert_allclose(a["intensity"], xy["intensity"], rtol=5e-6)


@needs_data
def test_casaxps_components_of_feo_in_binding_energy():
    fe = ch.read(DATA / "pynxtools-xps/FeO_analyzed.vms", region="Fe 2p")
    casa = json.loads(fe.attrs["casa"])
    comps = casa["components"]
    # MANIFEST table: BE = 1486.61 - KE, as CasaXPS displays them
    assert [round(c["center"], 2) for c in comps] == [709.05, 716.00, 722.13, 729.89]
    assert [c["center_kinetic"] for c in comps] == [777.56313, 770.61, 764.48234, 756.72212]
    assert [c["area"] for c in comps] == [63507.374, 35837.064, 49042.126, 17705.155]
    assert [round(c["fwhm"], 3) for c in comps] == [3.858, 8.0, 4.873, 7.830]
    assert [c["shape"] for c in comps] == ["LF(0.54,10,80,100,6)", "SGL(30)"] * 2
    (region,) = casa["regions"]
    assert region["background"] == "U 3 Tougaard" and region["rsf"] == 16.42
    np.testing.assert_allclose(region["range"], [1486.61 - 786.7632, 1486.61 - 737.52081])
    # the block comment itself is kept verbatim in original_metadata
    meta = json.loads(fe.attrs["original_metadata"])
    assert any(line.startswith("CASA comp") for line in meta["blocks"][0]["comment"])
    # kinetic-energy axis converted, KE kept
    assert fe["binding_energy"].attrs["conversion"].startswith("binding_energy = ")
    np.testing.assert_allclose(fe["kinetic_energy"][0], 736.61)
    np.testing.assert_allclose(fe["binding_energy"][0], 1486.61 - 736.61)


@needs_data
def test_vamas_kratos_blank_lines_crlf_two_variables():
    tree = ch.read(DATA / "LG4X/0-150W.vms")
    names = [n.name for n in tree.subtree if n.has_data]
    assert names == ["wide", "Ni_2p", "O_1s", "C_1s", "W_4f"]
    c = tree["C_1s"].to_dataset()
    assert float(c["excitation_energy"]) == 1486.69 and float(c["work_function"]) == -4.5
    assert "transmission" in c and c["transmission"].attrs["units"] == "1"


@needs_data
def test_vamas_angle_series_and_empty_labels():
    ar = ch.read(DATA / "cheminfo-vamas/ARXPS.vms")
    al = ar["Al_2p"].to_dataset()
    assert al["intensity"].dims == ("emission_angle", "binding_energy")
    assert al["emission_angle"].attrs["units"] == "deg"
    assert al.sizes["emission_angle"] == 5 and len(set(al["emission_angle"].values)) == 5
    eis = ch.read(DATA / "matkrin-vamas/xps_eis.vms")
    first = eis["block_1"].to_dataset()
    assert first.sizes["binding_energy"] == 8201
    np.testing.assert_allclose(first["kinetic_energy"][[0, 1]], [1506.7, 1506.6])
    np.testing.assert_allclose(first["binding_energy"][0], 1486.7 - 1506.7)


@needs_data
def test_npl_nul_padded_labels_read():
    tree = ch.read(DATA / "LG4X/Mutlipak_vms.npl")
    assert [n.name for n in tree.subtree if n.has_data] == ["C_1s", "O_1s", "S_2p", "N_1s",
                                                            "Mo_3d"]
    c = tree["C_1s"].to_dataset()
    np.testing.assert_allclose(c["binding_energy"][[0, -1]], [305.0, 275.0])
    assert c["intensity"].attrs["units"] == "count/s" and "counts" not in c


@needs_data
def test_avantage_components_counts_and_region():
    si = ch.read(DATA / "theoechem-MAHE2024/20240220_Au_MPPipTFSI4AMSIol3_Si_2p.csv",
                 region="Si 2p 7")
    assert si.sizes["binding_energy"] == 81 and float(si["excitation_energy"]) == 1486.6
    assert float(si["dwell_time"]) == 5.25
    np.testing.assert_array_equal(si["counts"], np.round(si["counts"]))   # integer counts
    np.testing.assert_allclose(si["counts"], si["intensity"] * 5.25, atol=5e-3)
    comp = si["components"].isel(component=0)
    assert float(si["binding_energy"][int(comp.argmax("binding_energy"))]) == 101.475
    np.testing.assert_allclose(si["components"].sum("component") + si["background"],
                               si["envelope"], atol=0.06)
    c = ch.read(DATA / "theoechem-MAHE2024/20240220_Au_MPPipTFSI4AMSIol3_C_1s.csv",
                region="C 1s 1")
    assert list(c["component"].values) == ["C 1s_1", "C 1s_2", "C 1s_3"]
    assert float(c["binding_energy"][int(c["components"][0].argmax("binding_energy"))]) \
        == 284.725


@needs_data
def test_casa_text_export_blocks():
    tree = ch.read(DATA / "pynxtools-xps/vms_txt_export.txt")
    assert [n.name for n in tree.subtree if n.has_data] == ["Ni_Survey", "Ni_Ni2p",
                                                             "NiO_Survey", "NiO_Ni2p"]
    nodes = [n.to_dataset() for n in tree.subtree if n.has_data]
    assert [(str(d["sample"].values), str(d["region"].values), int(d["cycle"]))
            for d in nodes] == [("Ni", "Survey", 3), ("Ni", "Ni2p", 4), ("NiO", "Survey", 15),
                                ("NiO", "Ni2p", 14)]
    s = nodes[0]
    assert float(s["dwell_time"]) == 0.1
    np.testing.assert_allclose(s["intensity"][0], 46994.5)
    np.testing.assert_allclose(s["counts"][0], 4699.45)


@needs_data
def test_scienta_txt_and_ibw_agree():
    a = ch.read(DATA / "pynxtools-xps/Ag_0001.txt", region="Ag3d")
    b = ch.read(DATA / "pynxtools-xps/Ag_0001Ag__001.ibw", region="Ag3d")
    assert a.sizes["binding_energy"] == 361 and float(a["excitation_energy"]) == 520.0
    np.testing.assert_allclose(a["binding_energy"], b["binding_energy"], atol=1e-9)
    np.testing.assert_allclose(a["intensity"], b["intensity"], rtol=1e-12)
    np.testing.assert_allclose(a["intensity"], a["signal"] / (0.203 * 2))


@needs_data
def test_specs_xy_and_xml():
    xy = ch.read(DATA / "pynxtools-xps/MgFe2O4_small.xy")
    fe = xy["Fe2p"].to_dataset()
    assert fe.sizes["binding_energy"] == 56 and float(fe["excitation_energy"]) == 1486.61
    assert float(fe["dwell_time"]) == 0.3 and fe.attrs["transmission_corrected"] == 0
    xml = ch.read(DATA / "pynxtools-xps/In-situ_PBTTT_XPS_SPECS.xml")
    c1s = xml["C1s"].to_dataset()
    assert c1s.sizes["binding_energy"] == 201 and int(c1s["scans"]) == 2
    np.testing.assert_array_equal(c1s["counts"], np.round(c1s["counts"]))
    # the C 1s line of the polymer (C-C/C-S) sits at 284 eV on the hv - KE scale
    assert float(c1s["binding_energy"][int(c1s["intensity"].argmax("binding_energy"))]) == pytest.approx(
        284.0, abs=0.3)


@needs_data
def test_region_option_errors_list_the_regions():
    with pytest.raises(ReadError, match="regions: .*Fe_2p"):
        ch.read(DATA / "pynxtools-xps/FeO_analyzed.vms", region="Si 2p")


def _vamas(blocks_text: str, nblocks: int, scan="REGULAR") -> str:
    head = ["VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4",
            "lab", "model", "op", "exp", "0", "NORM", scan, "1", "0", "0", "0", "0", "0",
            str(nblocks)]
    return "\n".join(head) + "\n" + blocks_text


def _block(ke0, step, counts, *, dwell="0.5", scans="2", label="Si", trans="2p",
           comment=()):
    lines = ["blk", "s1", "2024", "1", "2", "3", "4", "5", "0", str(len(comment)), *comment,
             "XPS", "Al", "1486.6", "1E37", "1E37", "1E37", "1E37", "1E37", "FAT", "20",
             "1E37", "4.5", "1E37", "1E37", "1E37", "1E37", "1E37", label, trans, "-1",
             "Kinetic Energy", "eV", str(ke0), str(step), "1", "Intensity", "d",
             "pulse counting", dwell, scans, "0", "1E37", "1E37", "1E37", "0",
             str(len(counts)), str(min(counts)), str(max(counts)),
             *[str(c) for c in counts]]
    return "\n".join(lines) + "\n"


def test_vamas_synthetic_exact_values(tmp_path):
    counts = [10, 20, 30, 40]
    text = _vamas(_block(1380.0, 0.5, counts, comment=(
        "CASA comp (*Si 2p*) (*GL(30)*) Area 100 0 1e5 -1 1 MFWHM 1.2 0.5 2 -1 1 "
        "Position 1383.0 1382 1384 -1 1 RSF 0.82",)), 1) + "\n"
    p = tmp_path / "x.vms"
    p.write_text(text, encoding="latin-1")
    ds = ch.read(p, region="Si 2p")
    np.testing.assert_allclose(ds["binding_energy"], 1486.6 - (1380.0 + 0.5 * np.arange(4)))
    np.testing.assert_array_equal(ds["counts"], counts)
    np.testing.assert_allclose(ds["intensity"], np.array(counts) / (0.5 * 2))
    comp = json.loads(ds.attrs["casa"])["components"][0]
    assert comp["center"] == pytest.approx(103.6) and comp["shape"] == "GL(30)"
    assert comp["center_limits"] == pytest.approx([102.6, 104.6])


def test_vamas_truncated_and_garbage_are_read_errors(tmp_path):
    text = _vamas(_block(1380.0, 0.5, [10, 20, 30, 40]), 1)
    p = tmp_path / "cut.vms"
    p.write_text(text[: text.rindex("30")], encoding="latin-1")
    with pytest.raises(ReadError, match="truncated"):
        ch.read(p)
    q = tmp_path / "bad.vms"
    q.write_text(text.replace("\n30\n", "\nthirty\n"), encoding="latin-1")
    with pytest.raises(ReadError, match="thirty"):
        ch.read(q)
    r = tmp_path / "two.vms"
    r.write_text(_vamas(_block(1380.0, 0.5, [1, 2]), 2), encoding="latin-1")
    with pytest.raises(ReadError, match="ends before"):
        ch.read(r)


def test_vamas_kinetic_axis_without_excitation_energy_is_refused(tmp_path):
    text = _vamas(_block(1380.0, 0.5, [1, 2, 3]), 1).replace("\n1486.6\n", "\n1E37\n")
    p = tmp_path / "nohv.vms"
    p.write_text(text)
    with pytest.raises(ReadError, match="no excitation energy"):
        ch.read(p)


def test_vamas_duplicate_regions_get_unique_nodes(tmp_path):
    p = tmp_path / "dup.vms"
    p.write_text(_vamas(_block(1380.0, 0.5, [1, 2, 3]) + _block(1380.0, 0.5, [4, 5, 6]), 2))
    tree = ch.read(p)
    assert [n.name for n in tree.subtree if n.has_data] == ["Si_2p", "Si_2p_2"]


@needs_data
def test_region_option_on_a_single_dataset_result():
    path = DATA / "LG4X/C1s_sample.csv"        # generic reader: one Dataset, no region label
    ds = ch.read(path)
    assert isinstance(ds, xr.Dataset) and ds["intensity"].dims == ("binding_energy",)
    with pytest.raises(ReadError, match="not in file"):
        ch.read(path, region="C 1s")


def test_tree_nodes_are_stamped_and_validated(tmp_path):
    p = tmp_path / "two.vms"
    p.write_text(_vamas(_block(1380.0, 0.5, [1, 2, 3]) +
                        _block(1100.0, 1.0, [4, 5, 6], label="O", trans="1s"), 2))
    tree = ch.read(p)
    assert isinstance(tree, xr.DataTree) and tree.attrs["reader"] == "vamas"
    for node in (tree["Si_2p"], tree["O_1s"]):
        ds = node.to_dataset()
        assert ds.attrs["reader"] == "vamas" and ds.attrs["conventions"]
        assert str(ds["source_file"].values) == str(p)
    np.testing.assert_allclose(tree["O_1s"]["binding_energy"], [386.6, 385.6, 384.6])
    o = ch.read(p, region="o1s")                 # case, spaces and underscores ignored
    assert str(o["region"].values) == "O 1s"


@needs_data
def test_avantage_xlsx_reads_like_the_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["exported from Avantage"])
    regions = {}
    for name in ("Si_2p", "C_1s"):
        src = DATA / f"theoechem-MAHE2024/20240220_Au_MPPipTFSI4AMSIol3_{name}.csv"
        ws = wb.create_sheet(name)
        for line in src.read_text(encoding="utf-8").splitlines():
            cells = []
            for tok in line.split(","):
                try:
                    cells.append(float(tok))
                except ValueError:
                    cells.append(tok or None)
            ws.append(cells)
        regions.update({n.name: n.to_dataset() for n in ch.read(src).subtree if n.has_data})
    path = tmp_path / "avantage.xlsx"
    wb.save(path)
    tree = ch.read(path)
    assert tree.attrs["reader"] == "avantage_xlsx"
    got = {n.name: n.to_dataset() for n in tree.subtree if n.has_data}
    assert list(got) == list(regions) == ["Si_2p_7", "C_1s_1"]
    for name, ds in regions.items():
        for var in ("binding_energy", "intensity", "counts", "components", "background",
                    "envelope"):
            np.testing.assert_array_equal(got[name][var], ds[var])
    empty = openpyxl.Workbook()
    empty.active.append(["Characteristic Energy eV", 1486.6])
    empty.active.append(["BE_x", "CPS_x"])
    bad = tmp_path / "bad.xlsx"
    empty.save(bad)
    with pytest.raises(ReadError, match="at least 2 rows"):
        ch.read(bad)


def test_specs_xy_kinetic_axis_counts_scans_and_extra_column(tmp_path):
    head = ["# Created by:        SpecsLab Prodigy, Version 4.100.1-r111001",
            "#   Energy Axis:              Kinetic Energy",
            "#   Count Rate:               Counts",
            "#   Transmission Function:    yes", "#",
            "# Region:                       Si2p",
            "# Values/Curve:                 3",
            "# Dwell Time:                   0.5",
            "# Excitation Energy:            1486.61",
            "# Pass Energy:                  20", "", "# Cycle: 0", ""]
    scan = lambda k, ys: [f"# Cycle: 0, Curve: 0, Scan: {k}", "#",
                          "# ColumnLabels:                 energy counts aux", "#",
                          *[f"{1380 + i}  {y}  {10 * i}" for i, y in enumerate(ys)], ""]
    p = tmp_path / "k.xy"
    p.write_text("\n".join(head + scan(0, [1, 2, 3]) + scan(1, [3, 4, 5])))
    ds = ch.read(p, region="Si2p")
    np.testing.assert_allclose(ds["binding_energy"], [106.61, 105.61, 104.61])
    np.testing.assert_array_equal(ds["counts"], [4, 6, 8])            # summed over scans
    np.testing.assert_allclose(ds["intensity"], np.array([4, 6, 8]) / (0.5 * 2))
    np.testing.assert_array_equal(ds["aux"], [0, 10, 20])
    assert int(ds["scans"]) == 2 and ds.attrs["transmission_corrected"] == 1
    p.write_text("\n".join(head + scan(0, [1, 2, 3])[:-2]))          # a point missing
    with pytest.raises(ReadError, match="Values/Curve"):
        ch.read(p)


def test_two_column_csv_needs_technique_or_a_binding_energy_header(tmp_path):
    p = tmp_path / "c1s.csv"
    p.write_text("285.0,100\n284.9,120\n284.8,130\n")
    assert ch.read(p).attrs["technique"] == "spectrum"        # no header: nothing guessed
    ds = ch.read(p, technique="xps")
    np.testing.assert_array_equal(ds["binding_energy"], [285.0, 284.9, 284.8])
    np.testing.assert_array_equal(ds["intensity"], [100, 120, 130])
    assert ds["intensity"].attrs["units"] == "count/s"
    q = tmp_path / "c1s_header.csv"
    q.write_text("BE/eV,C1s\n285.0,100\n284.9,120\n")
    assert ch.read(q).attrs["technique"] == "xps"


def _sdp_block(etch, counts):
    lines = ["blk", "s1", "2024", "1", "2", "3", "4", "5", "0", "0", "XPS", str(etch), "Al",
             "18", "1", "1",                                   # sputter ion: Ar, 1 atom, +1
             "1486.6", "1E37", "1E37", "1E37", "1E37", "1E37", "FAT", "20", "1E37", "4.5",
             "1E37", "1E37", "1E37", "1E37", "1E37", "Si", "2p", "-1",
             "Binding Energy", "eV", "105", "-1", "1", "Intensity", "c/s", "pulse counting",
             "0.1", "1", "0",
             "3000", "1E37", "1E37", "1E37", "1E37", "1E37", "normal",   # sputter source
             "1E37", "1E37", "1E37", "0", str(len(counts)), str(min(counts)),
             str(max(counts)), *[str(c) for c in counts]]
    return "\n".join(lines) + "\n"


def test_vamas_sputter_series_is_stacked_on_sputter_time(tmp_path):
    head = ["VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4",
            "lab", "model", "op", "exp", "0", "SDP", "REGULAR", "1", "1", "Etch Time", "s",
            "0", "0", "0", "0", "3"]
    blocks = [_sdp_block(t, [t + 1.0, t + 2.0]) for t in (0, 60, 120)]
    p = tmp_path / "sdp.vms"
    p.write_text("\n".join(head) + "\n" + "".join(blocks))
    ds = ch.read(p, region="Si 2p")
    assert ds["intensity"].dims == ("sputter_time", "binding_energy")
    np.testing.assert_array_equal(ds["sputter_time"], [0, 60, 120])
    np.testing.assert_array_equal(ds["intensity"], [[1, 2], [61, 62], [121, 122]])
    np.testing.assert_array_equal(ds["binding_energy"], [105, 104])
    assert "counts" not in ds                        # c/s ordinate: no counts invented
