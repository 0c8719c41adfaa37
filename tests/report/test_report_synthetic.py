"""ch.report on the demos' synthetic exports: the table's rows and columns, numbers equal to
calling the public functions directly, pooling, ground truth, and the text formats."""

from __future__ import annotations

import re
from importlib import import_module

import numpy as np
import pytest

import characterization as ch
from characterization.cli.demos import report as report_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("report_demo")
    for name in dict.fromkeys(r[0] for r in report_demo.ROWS):
        (root / name / "inputs").mkdir(parents=True)
        import_module(f"characterization.cli.demos.{name}").write_inputs(root / name / "inputs",
                                                                          small=True)
    (root / "report").mkdir()
    sheet = root / "report" / "sheet.csv"
    sheet.write_text(report_demo.sheet_text())
    return root, ch.report(sheet)


def _value(table, sample, quantity, label="", state=""):
    row = table[(table["sample"] == sample) & (table["quantity"] == quantity)
                & (table["label"] == label) & (table["state"] == state)]
    assert len(row) == 1, (sample, quantity, label, state)
    return row.iloc[0]


def test_table_rows_and_columns(demo):
    _, table = demo
    assert list(table.columns) == ch.report.LONG_COLUMNS
    assert table.attrs["errors"] == []
    assert set(table["sample"]) == {"Si/CoSi2 2 h", "Si/CoSi2 10 h", "graphite", "nano-Si"}
    wide = ch.report.wide_table(table)
    assert list(wide["sample"]) == ["Si/CoSi2 2 h", "Si/CoSi2 10 h", "graphite", "nano-Si",
                                    "nano-Si", "nano-Si"]
    for col in ("crystallite_size[Si 111] (nm)", "id_ig", "la (nm)", "bet_area (m^2/g)",
                "total_pore_volume (cm^3/g)", "average_valence", "we_wp", "hardness (GPa)",
                "modulus (GPa)", "bet_area_stderr (m^2/g)"):
        assert col in wide.columns, col
    row = _value(table, "Si/CoSi2 10 h", "bet_area")
    assert row.units == "m^2/g" and "sorption.bet" in row.method and row.n == 2


def test_values_equal_the_public_functions(demo):
    root, table = demo
    from characterization import nanoindent, raman, sorption, xps, xrd

    files = sorted((root / "sorption" / "inputs").glob("SiC_composite_*.csv"))
    areas = [float(sorption.bet(ch.read(f), errors="nan").bet_area) for f in files]
    row = _value(table, "Si/CoSi2 10 h", "bet_area")
    assert row.value == pytest.approx(np.mean(areas), rel=1e-12)
    assert row.stderr == pytest.approx(np.std(areas, ddof=1) / np.sqrt(len(areas)), rel=1e-9)

    f = sorted((root / "raman_carbon" / "inputs").glob("milled_*.txt"))[0]
    fit = raman.fit_carbon(raman.remove_spikes(ch.read(f, technique="raman")), model="auto",
                           weights="poisson")
    row = _value(table, "Si/CoSi2 10 h", "id_ig")
    assert row.value == pytest.approx(float(fit.id_ig_height), rel=1e-9)
    assert row.stderr == pytest.approx(float(fit.id_ig_height_stderr), rel=1e-9)

    f = sorted((root / "xrd" / "inputs").glob("SiCoSi2_milled_10h_*.xy"))[0]
    peaks = [28.44, 28.80, 47.30, 47.92, 56.12, 56.87]
    names = ["Si 111", "CoSi2 111", "Si 220", "CoSi2 220", "Si 311", "CoSi2 311"]
    size = xrd.scherrer(xrd.fit_pattern(ch.read(f, technique="xrd"), peaks=peaks, names=names),
                        k=0.9)
    for name in names:
        row = _value(table, "Si/CoSi2 10 h", "crystallite_size", name)
        assert row.value == pytest.approx(float(size.crystallite_size.sel(peak=name)), rel=1e-9)

    f = root / "xps_si2p" / "inputs" / "SiOx_site1_t0000s_Si2p.csv"
    fit = xps.fit_si2p(ch.read(f, technique="xps", region="Si 2p"), background="active")
    row = _value(table, "nano-Si", "average_valence", state="surface")
    assert row.value == pytest.approx(float(fit.average_valence), rel=1e-9)

    ratios = []
    for f in sorted((root / "nanoindent" / "inputs").glob("graphite_*.csv")):
        w = nanoindent.energies(nanoindent.segment(ch.read(f, technique="nanoindent")))
        ratios.append(float(w.elastic_work / w.plastic_work))
    assert _value(table, "graphite", "we_wp").value == pytest.approx(np.mean(ratios), rel=1e-9)


def test_values_recover_the_ground_truth(demo):
    _, table = demo
    from characterization.cli.demos.xps_si2p import fractions

    si = [_value(table, "Si/CoSi2 10 h", "crystallite_size", f"Si {h}").value
          for h in (111, 220, 311)]
    assert np.mean(si) == pytest.approx(10.91, rel=0.08)          # demo truth, Scherrer K 0.9
    co = [_value(table, "Si/CoSi2 10 h", "crystallite_size", f"CoSi2 {h}").value
          for h in (111, 220, 311)]
    assert np.mean(co) == pytest.approx(6.39, rel=0.08)
    for state, t in (("surface", 0.0), ("sputtered 600 s", 600.0)):
        truth = float(np.dot(np.arange(5), fractions(t)))
        assert _value(table, "nano-Si", "average_valence", state=state).value == pytest.approx(
            truth, abs=0.05)
    # the modulus needs the Poisson ratio: given in the demo sheet, so finite
    assert np.isfinite(_value(table, "graphite", "modulus").value)


def test_formats_escape_and_balance(demo):
    _, table = demo
    md = ch.report.markdown(table)
    assert md.splitlines()[0].startswith("| sample | state |")
    assert "±" in md and "Methods and settings" in md
    html = ch.report.html(table)
    assert html.count("<tr>") == 1 + 6 and "&quot;" in html          # settings are escaped
    tex = ch.report.latex(table)
    body = re.sub(r"\\[{}]", "", tex)                                 # escaped braces aside
    assert body.count("{") == body.count("}")
    assert r"\begin{tabular}" in tex and r"\end{tabular}" in tex
    assert "crystallite\\_size" in tex and "$\\pm$" in tex
    for bad in ("_", "%", "&", "#"):                                   # every special escaped
        unescaped = re.findall(rf"(?<!\\){re.escape(bad)}", tex.replace(" & ", " "))
        assert not unescaped, bad
    assert ch.report.latex_escape("50% a_b & c") == r"50\% a\_b \& c"


def test_value_text_rounds_to_the_error():
    from characterization.report.formats import value_text

    assert value_text(10.9137, 0.2345) == "10.91 ± 0.23"
    assert value_text(281.2, 12.4) == "281 ± 12"
    assert value_text(float("nan"), 1.0) == "n/a"
    assert value_text(1.3441, float("nan")) == "1.344"
