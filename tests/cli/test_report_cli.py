"""``characterize report SHEET -o OUT``: the files written, a broken file in errors.csv with the
rest of the report done, vector figures with text."""

from __future__ import annotations

import csv

import pytest

from characterization.cli import main
from characterization.cli.demos import raman_carbon, sorption


@pytest.fixture(scope="module")
def report_out(tmp_path_factory):
    root = tmp_path_factory.mktemp("report_cli")
    for name, module in (("sorption", sorption), ("raman_carbon", raman_carbon)):
        (root / name).mkdir()
        module.write_inputs(root / name, small=True)
    (root / "broken.csv").write_text("this is not an isotherm\n\x00\x01\n")
    (root / "sheet.csv").write_text(
        "file,sample,state,technique\n"
        "sorption/SiC_composite_*.csv,SiC 50%_A&B,pristine,\n"
        "raman_carbon/milled_*.txt,SiC 50%_A&B,pristine,raman\n"
        "sorption/mesoporous_silica_*.csv,silica,,\n"
        "raman_carbon/graphite_*.txt,graphite,,raman_carbon\n"
        "broken.csv,silica,,sorption\n")
    out = root / "out"
    rc = main(["report", str(root / "sheet.csv"), "-o", str(out)])
    return rc, out


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_broken_file_is_recorded_and_the_report_completes(report_out):
    rc, out = report_out
    assert rc == 1
    errors = _rows(out / "errors.csv")
    assert [e["file"].endswith("broken.csv") for e in errors if e["flagged"] == "False"] == [True]
    table = _rows(out / "table.csv")
    assert [r["sample"] for r in table] == ["SiC 50%_A&B", "silica", "graphite"]
    assert float(table[0]["bet_area (m^2/g)"]) > 0 and float(table[0]["id_ig"]) > 0
    assert table[2]["bet_area (m^2/g)"] == ""                      # graphite: no isotherm
    long = _rows(out / "table_long.csv")
    assert {"value", "stderr", "units", "method", "settings"} <= set(long[0])


def test_every_file_is_written_and_not_empty(report_out):
    _, out = report_out
    for name in ("table.csv", "table_long.csv", "table.md", "table.html", "table.tex",
                 "errors.csv", "index.md"):
        assert (out / name).stat().st_size > 0, name
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == sorted(["SiC_50__A_B.pdf", "SiC_50__A_B.png", "silica.pdf", "silica.png",
                              "graphite.pdf", "graphite.png", "comparison.pdf",
                              "comparison.png"])
    index = (out / "index.md").read_text()
    for link in ("table.tex", "figures/comparison.pdf", "figures/silica.png", "errors.csv"):
        assert f"({link})" in index


def test_pdf_keeps_text_as_text_and_png_is_an_image(report_out):
    _, out = report_out
    pdf = (out / "figures" / "comparison.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf       # TrueType embedded: text
    assert b"/Subtype /Image" not in pdf                          # not a bitmap in a PDF
    assert (out / "figures" / "silica.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_latex_table_escapes_the_sample_name(report_out):
    _, out = report_out
    tex = (out / "table.tex").read_text()
    assert r"SiC 50\%\_A\&B" in tex
    md = (out / "table.md").read_text()
    assert "| SiC 50%_A&B | pristine |" in md


def test_invalid_sheet_exits_2(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("file,state\na.csv,x\n")
    assert main(["report", str(tmp_path / "s.csv"), "-o", str(tmp_path / "o")]) == 2
    assert "no 'sample' column" in capsys.readouterr().err
