"""Sample sheets: parsing, glob expansion and errors that name the sheet row."""

from __future__ import annotations

import pytest

from characterization.report import SheetError, check_rows, parse_sheet, read_sheet


def _files(tmp_path, *names):
    for n in names:
        (tmp_path / n).write_text("x\n")


def test_rows_globs_options_and_defaults(tmp_path):
    _files(tmp_path, "a_1.csv", "a_2.csv", "b.xy")
    text = ("# comment line\n"
            "file,sample,state,technique,peaks,region\n"
            "a_*.csv,A,pristine,sorption,,\n"
            "b.xy,B,,xrd,\"[28.4, 47.3]\",\n")
    rows = parse_sheet(text, base=tmp_path, source="s.csv")
    assert [r.sample for r in rows] == ["A", "B"]
    assert [f.name for f in rows[0].files] == ["a_1.csv", "a_2.csv"]
    assert rows[0].state == "pristine" and rows[0].group == "A"
    assert rows[1].options == {"peaks": [28.4, 47.3]}          # TOML literal, empty cells dropped
    assert rows[1].line == 4                                   # the CSV line, header = line 2
    check_rows(rows, "s.csv")


def test_missing_column_and_empty_cells_name_the_row(tmp_path):
    with pytest.raises(SheetError, match="no 'sample' column"):
        parse_sheet("file,state\na.csv,x\n", base=tmp_path)
    with pytest.raises(SheetError, match="row 3 .*empty 'sample'"):
        parse_sheet("file,sample\na.csv,A\nb.csv,\n", base=tmp_path)
    with pytest.raises(SheetError, match="header but no rows"):
        parse_sheet("file,sample\n", base=tmp_path)
    with pytest.raises(SheetError, match="no such sample sheet"):
        read_sheet(tmp_path / "absent.csv")


def test_unknown_option_technique_and_missing_parameter_are_refused(tmp_path):
    _files(tmp_path, "b.xy")
    rows = parse_sheet("file,sample,technique,colour\nb.xy,B,sorption,red\n", base=tmp_path)
    with pytest.raises(SheetError, match=r"row 2 \(b.xy\).*\['colour'\]"):
        check_rows(rows)
    rows = parse_sheet("file,sample,technique\nb.xy,B,tem\n", base=tmp_path)
    with pytest.raises(SheetError, match="row 2.*no default recipe for technique 'tem'"):
        check_rows(rows)
    rows = parse_sheet("file,sample,technique\nb.xy,B,xrd\n", base=tmp_path)
    with pytest.raises(SheetError, match="row 2.*peaks"):                 # XRD needs peaks
        check_rows(rows)


def test_exafs_has_a_default_recipe(tmp_path):
    from characterization.report import DEFAULT_RECIPES

    _files(tmp_path, "sn.xmu")
    assert "exafs.fourier_transform" in DEFAULT_RECIPES["exafs"]
    rows = parse_sheet("file,sample,technique\nsn.xmu,SnO2,exafs\n", base=tmp_path)
    check_rows(rows)


def test_recipe_column_is_checked(tmp_path):
    _files(tmp_path, "a.csv")
    (tmp_path / "r.toml").write_text("[sorption.bet]\nrange = [0.05, 0.3]\n")
    rows = parse_sheet("file,sample,recipe\na.csv,A,r.toml\n", base=tmp_path)
    check_rows(rows)
    (tmp_path / "bad.toml").write_text("[sorption.bet]\nrang = 1\n")
    rows = parse_sheet("file,sample,recipe\na.csv,A,bad.toml\n", base=tmp_path)
    with pytest.raises(SheetError, match="row 2.*rang"):
        check_rows(rows)
