"""Tests of the generic delimited-text reader (characterization.io.delimited).

Every file is generated in tmp_path with known content; the last tests read real exports from
../shared/data when it is present.
"""

from __future__ import annotations

import bz2
import gzip
import json
import warnings

import numpy as np
import pytest

import characterization as ch
from characterization import ReadError
from characterization.io import _text_layout, delimited


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def meta(ds):
    return json.loads(ds.attrs["original_metadata"])


# --------------------------------------------------------------------------- dialects
def test_comma_with_units_in_header(tmp_path):
    p = write(tmp_path, "a.csv", "2theta (deg),Intensity (counts)\n10.0,100\n10.5,150\n11.0,120\n")
    ds = ch.read(p)
    assert ds.attrs["technique"] == "xrd"
    np.testing.assert_array_equal(ds.two_theta, [10.0, 10.5, 11.0])
    np.testing.assert_array_equal(ds.intensity, [100, 150, 120])
    assert ds.two_theta.attrs["units"] == "deg" and ds.intensity.attrs["units"] == "count"
    assert ds.intensity.attrs["original_name"] == "Intensity (counts)"
    assert ds.attrs["reader"] == "delimited" and str(ds.source_file.values) == str(p)
    assert meta(ds) == {}


def test_semicolon_with_decimal_comma(tmp_path):
    p = write(tmp_path, "r.csv", "Raman shift (cm-1);Intensity\n100,5;1,25\n101,5;2,5\n102,5;3\n")
    ds = ch.read(p)
    assert ds.attrs["technique"] == "raman"
    np.testing.assert_array_equal(ds.raman_shift, [100.5, 101.5, 102.5])
    np.testing.assert_array_equal(ds.intensity, [1.25, 2.5, 3.0])
    assert ds.raman_shift.attrs["units"] == "1/cm"


def test_tab_with_decimal_comma_no_header(tmp_path):
    p = write(tmp_path, "t.txt", "1,5\t2,5\n3,5\t4,5\n5,5\t6,5\n")
    ds = ch.read(p)
    assert ds.attrs["technique"] == "spectrum" and ds.attrs["signal_dim"] == "x"
    np.testing.assert_array_equal(ds.x, [1.5, 3.5, 5.5])
    np.testing.assert_array_equal(ds.y, [2.5, 4.5, 6.5])
    assert ds.x.attrs["units"] == "" and ds.y.attrs["units"] == ""


def test_whitespace_with_metadata_and_comments(tmp_path):
    text = ("# Sample: Si wafer\n#Wavelength=1.5406\n% instrument comment\n// another one\n"
            "Operator: Jane Doe\nStart time: 10:41:06\n\n"
            "  10.00   100\n  10.02   105\n\n  10.04   98 \n\n")
    ds = ch.read(write(tmp_path, "w.dat", text), technique="xrd")
    np.testing.assert_array_equal(ds.two_theta, [10.0, 10.02, 10.04])
    np.testing.assert_array_equal(ds.intensity, [100, 105, 98])
    assert meta(ds) == {"Sample": "Si wafer", "Wavelength": "1.5406", "Operator": "Jane Doe",
                        "Start time": "10:41:06",
                        "comments": ["instrument comment", "another one"]}


def test_semicolon_key_value_metadata_and_header(tmp_path):
    text = ("File Version;BW4\nDate;2022-01-25 09:06:10\nlaser_wavelength;532,02\n"
            "Pixel;Raman Shift;Dark Subtracted #1;\n0;   ;5,0;\n1;100,0;6,5;\n2;110,5;7,0;\n")
    with pytest.warns(UserWarning, match="1 rows without an x value"):
        ds = ch.read(write(tmp_path, "bw.txt", text), y="Dark Subtracted #1")
    assert ds.attrs["technique"] == "raman"
    np.testing.assert_array_equal(ds.raman_shift, [100.0, 110.5])
    np.testing.assert_array_equal(ds.intensity, [6.5, 7.0])
    np.testing.assert_array_equal(ds.pixel, [1, 2])
    assert meta(ds) == {"File Version": "BW4", "Date": "2022-01-25 09:06:10",
                        "laser_wavelength": "532,02"}


def test_utf8_bom_crlf_trailing_empty_columns(tmp_path):
    text = "\ufeffx;y;;\r\n1;2;;\r\n\r\n3;4;;\r\n5;6\r\n\r\n"
    ds = ch.read(write(tmp_path, "bom.csv", text))
    assert list(ds.data_vars) == ["y"]
    np.testing.assert_array_equal(ds.x, [1, 3, 5])
    np.testing.assert_array_equal(ds.y, [2, 4, 6])


def test_utf16_with_bom(tmp_path):
    ds = ch.read(write(tmp_path, "u16.txt", "2theta\tI\n1\t2\n3\t4\n", encoding="utf-16"))
    np.testing.assert_array_equal(ds.intensity, [2, 4])


def test_latin1_degree_sign(tmp_path):
    p = write(tmp_path, "l.txt", "Angle (°)\tCounts\n20.0\t5\n20.1\t7\n", encoding="latin-1")
    ds = ch.read(p)
    assert ds.attrs["technique"] == "xrd"
    assert ds.two_theta.attrs["units"] == "deg"
    assert ds.two_theta.attrs["original_name"] == "Angle (°)"
    np.testing.assert_array_equal(ds.intensity, [5, 7])


def test_cr_only_line_endings_and_quoted_fields(tmp_path):
    ds = ch.read(write(tmp_path, "q.csv", '"Energy (eV)","mu"\r"7100.5","0.25"\r"7101.5","0.5"\r'))
    assert ds.attrs["technique"] == "exafs"
    np.testing.assert_array_equal(ds.energy, [7100.5, 7101.5])
    np.testing.assert_array_equal(ds.mu, [0.25, 0.5])


def test_header_as_comment_and_units_line(tmp_path):
    ds = ch.read(write(tmp_path, "c.xy", "# 2theta intensity\n5 1\n6 2\n"))
    assert ds.attrs["technique"] == "xrd"
    ds = ch.read(write(tmp_path, "u.csv", "Energy,mu\nkeV,\n7.1,0.1\n7.2,0.2\n"))
    assert ds.attrs["technique"] == "exafs"
    np.testing.assert_allclose(ds.energy, [7100.0, 7200.0])
    assert ds.energy.attrs["original_units"] == "keV"


@pytest.mark.parametrize("header", ["Raman Shift (cm-1)  Intensity (a.u.)",
                                    "Raman Shift (cm-1) Intensity (counts)",
                                    "Raman Shift (cm-1)\tIntensity (counts)"])
def test_whitespace_header_with_spaces_in_names(tmp_path, header):
    ds = ch.read(write(tmp_path, "h.txt", f"{header}\n100 1\n200 2\n"))
    assert ds.attrs["technique"] == "raman"
    assert ds.raman_shift.attrs["original_name"] == "Raman Shift (cm-1)"
    np.testing.assert_array_equal(ds.intensity, [1, 2])


def test_numeric_looking_line_is_metadata_not_header(tmp_path):
    ds = ch.read(write(tmp_path, "r.txt", "Range 10 20\n1 2 3\n4 5 6\n"))
    assert list(ds.data_vars) == ["y", "column_3"]
    assert meta(ds) == {"comments": ["Range 10 20"]}


def test_xye_third_column_is_uncertainty(tmp_path):
    p = write(tmp_path, "p.xye", "10.0 100 10\n10.1 144 12\n10.2 81 9\n")
    ds = ch.read(p, technique="xrd")
    np.testing.assert_array_equal(ds.intensity_uncertainty, [10, 12, 9])
    assert ds.intensity_uncertainty.attrs["units"] == "count"
    assert ds.intensity_uncertainty.dims == ("two_theta",)
    # the same columns in a .xy file are kept, with a neutral name
    ds = ch.read(write(tmp_path, "p.xy", "10.0 100 10\n10.1 144 12\n"), technique="xrd")
    np.testing.assert_array_equal(ds.column_3, [10, 12])


def test_several_intensity_columns_kept(tmp_path):
    text = "BE/eV,CPS,Background,Envelope\n106.1,434.3,430,434.4\n105.9,444.5,431,444.7\n"
    ds = ch.read(write(tmp_path, "x.csv", text))
    assert ds.attrs["technique"] == "xps"
    assert list(ds.data_vars) == ["intensity", "background", "envelope"]
    assert ds.binding_energy.attrs["units"] == "eV"
    assert ds.intensity.attrs["units"] == "count/s"
    np.testing.assert_array_equal(ds.envelope, [434.4, 444.7])


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open)])
def test_compressed(tmp_path, suffix, opener):
    p = tmp_path / f"pattern.xy{suffix}"
    with opener(p, "wt", encoding="utf-8") as fh:
        fh.write("2theta\tintensity\n" + "".join(f"{10 + i * 0.1:.1f}\t{i * i}\n"
                                                   for i in range(50)))
    ds = ch.read(p)
    assert ds.attrs["technique"] == "xrd" and ds.sizes["two_theta"] == 50
    np.testing.assert_allclose(ds.two_theta[:3], [10.0, 10.1, 10.2])
    np.testing.assert_array_equal(ds.intensity[-1], 49 * 49)


def test_fast_and_line_by_line_parsers_agree(tmp_path):
    rng = np.random.default_rng(1)
    data = np.c_[np.arange(2000) * 0.01, rng.random(2000) * 1e4, rng.normal(size=2000)]
    text = "".join(f"{a!r}\t{b!r}\t{c!r}\n" for a, b, c in data.tolist())
    p = write(tmp_path, "big.txt", text)
    ds = ch.read(p, technique="raman")
    np.testing.assert_array_equal(ds.raman_shift, data[:, 0])
    np.testing.assert_array_equal(ds.intensity, data[:, 1])
    np.testing.assert_array_equal(ds.column_3, data[:, 2])
    lines = text.splitlines(keepends=True)
    layout = _text_layout.detect(p, lines, 0, None, None)
    np.testing.assert_array_equal(_text_layout.parse_slow(p, lines, layout), data)


def test_empty_field_is_missing_value(tmp_path):
    ds = ch.read(write(tmp_path, "m.csv", "x,a,b\n1,2,3\n2,,5\n3,4,\n"))
    np.testing.assert_array_equal(ds.a, [2, np.nan, 4])
    np.testing.assert_array_equal(ds.b, [3, 5, np.nan])


# --------------------------------------------------------------------------- technique inference
@pytest.mark.parametrize("header, technique", [
    ("2theta,intensity", "xrd"), ("2θ,I", "xrd"), ("Angle,Intensity", "xrd"),
    ("2th_deg,I", "xrd"), ("Raman Shift (cm-1),Intensity", "raman"),
    ("Wavenumber,Counts", "raman"), ("x (cm^-1),y", "raman"), ("Binding Energy,CPS", "xps"),
    ("Energy,xmu", "exafs"), ("Energy (eV),mu(E)", "exafs"),
    ("Load (mN),Displacement (nm)", "nanoindent"), ("p/p0,n (mmol/g)", "sorption"),
    ("Energy (eV),Counts", "spectrum"), ("Time (s),Voltage (V)", "spectrum"),
])
def test_technique_inference(tmp_path, header, technique):
    ds = ch.read(write(tmp_path, "i.csv", f"{header}\n0.1,1\n0.2,2\n0.3,1\n"), format="delimited")
    assert ds.attrs["technique"] == technique


def test_generic_spectrum_names_and_units(tmp_path):
    ds = ch.read(write(tmp_path, "s.csv", "Energy [eV],Signal (counts),Temperature (K)\n"
                                          "1,2,300\n2,3,301\n"))
    assert ds.attrs["signal_dim"] == "energy"
    assert list(ds.data_vars) == ["signal", "temperature"]
    assert ds.energy.attrs["units"] == "eV" and ds.signal.attrs["units"] == "count"
    assert ds.temperature.attrs["units"] == "K"
    assert ds.energy.attrs["long_name"] == "Energy"


def test_technique_given_overrides_inference_and_uses_table_names(tmp_path):
    ds = ch.read(write(tmp_path, "g.txt", "a b\n1 2\n3 4\n"), technique="xps")
    assert list(ds.dims) == ["binding_energy"] and list(ds.data_vars) == ["intensity"]
    assert ds.binding_energy.attrs["units"] == "eV"
    assert ds.intensity.attrs["units"] == "count/s"


# --------------------------------------------------------------------------- unit conversions
def test_energy_in_kev_converted(tmp_path):
    ds = ch.read(write(tmp_path, "k.csv", "Energy (keV),mu\n29.1,0.1\n29.2,0.3\n"))
    np.testing.assert_allclose(ds.energy, [29100.0, 29200.0])
    assert ds.energy.attrs == {"units": "eV", "original_units": "keV",
                               "long_name": "Incident energy",
                               "original_name": "Energy (keV)"}


def test_angle_in_radians_converted(tmp_path):
    ds = ch.read(write(tmp_path, "r.csv", "2theta (rad),I\n0.5,1\n1.0,2\n"))
    np.testing.assert_allclose(ds.two_theta, np.degrees([0.5, 1.0]))
    assert ds.two_theta.attrs["original_units"] == "rad"


def test_raman_axis_in_nm_needs_laser_wavelength(tmp_path):
    text = "Wavelength (nm),Intensity\n540.0,1\n550.0,2\n"
    with pytest.raises(ReadError, match=r"laser wavelength.*r\.csv|r\.csv.*laser wavelength"):
        ch.read(write(tmp_path, "r.csv", text), technique="raman")
    ds = ch.read(tmp_path / "r.csv", technique="raman", laser_wavelength=532.0)
    np.testing.assert_allclose(ds.raman_shift, [1e7 / 532 - 1e7 / 540, 1e7 / 532 - 1e7 / 550])
    assert ds.raman_shift.attrs["units"] == "1/cm"
    assert ds.raman_shift.attrs["original_units"] == "nm"
    assert float(ds.laser_wavelength) == 532.0 and ds.laser_wavelength.attrs["units"] == "nm"
    ds = ch.read(write(tmp_path, "m.csv", "Laser: 532 nm\n" + text), technique="raman")
    np.testing.assert_allclose(ds.raman_shift[0], 1e7 / 532 - 1e7 / 540)


def test_intensity_units(tmp_path):
    ds = ch.read(write(tmp_path, "c.csv", "2theta,Intensity (cps)\n1,2\n2,3\n"))
    assert ds.intensity.attrs["units"] == "count/s"         # kept: no dwell time to convert
    ds = ch.read(write(tmp_path, "a.csv", "2theta,Intensity (a.u.)\n1,2\n2,3\n"))
    assert ds.intensity.attrs["units"] == "count"
    assert ds.intensity.attrs["original_units"] == "a.u."


def test_nanoindent_units_converted_and_layout(tmp_path):
    text = ("Depth (µm)\tLoad (µN)\tTime (ms)\n0.0\t0\t0\n0.1\t500\t100\n0.2\t1000\t200\n"
            "0.15\t400\t300\n")
    ds = ch.read(write(tmp_path, "h.txt", text, encoding="cp1252"))
    assert ds.attrs["technique"] == "nanoindent"
    np.testing.assert_allclose(ds.displacement, [0, 100, 200, 150])
    np.testing.assert_allclose(ds["load"], [0, 0.5, 1.0, 0.4])
    np.testing.assert_allclose(ds.time, [0, 0.1, 0.2, 0.3])
    assert ds["load"].attrs["units"] == "mN" and ds["load"].attrs["original_units"] == "µN"
    assert ds.displacement.attrs["original_units"] == "µm"
    assert list(ds.segment.values) == ["loading", "loading", "loading", "unloading"]
    assert ds["load"].dims == ("point",)


def test_nanoindent_segment_column_and_headerless(tmp_path):
    ds = ch.read(write(tmp_path, "s.csv", "Displacement (nm),Load (mN),Time (s),Segment\n"
                                          "1,2,0,1\n2,3,1,1\n1,1,2,2\n"))
    assert list(ds.segment.values) == ["1", "1", "2"]
    with pytest.warns(UserWarning, match="no column header"):
        ds = ch.read(write(tmp_path, "n.txt", "1 2\n2 3\n1 1\n"), technique="nanoindent")
    np.testing.assert_array_equal(ds.displacement, [1, 2, 1])
    np.testing.assert_array_equal(ds["load"], [2, 3, 1])
    assert np.isnan(ds.time).all() and ds.time.attrs["units"] == "s"


def test_sorption_cm3_stp_converted_and_branches(tmp_path):
    text = ("\ufeffRelative Pressure (P/Po), Quantity Adsorbed (cm3/g STP)\n"
            "0.1,22.414\n0.5,44.828\n0.9,67.242\n0.6,56.035\n0.2,33.621\n")
    ds = ch.read(write(tmp_path, "iso.csv", text), format="delimited")  # not a vendor reader
    assert ds.attrs["technique"] == "sorption"
    np.testing.assert_allclose(ds.amount, [1.0, 2.0, 3.0, 2.5, 1.5])
    assert ds.amount.attrs == {"units": "mmol/g", "original_units": "cm3/g STP",
                               "long_name": "Amount adsorbed",
                               "original_name": "Quantity Adsorbed (cm3/g STP)"}
    np.testing.assert_array_equal(ds.relative_pressure, [0.1, 0.5, 0.9, 0.6, 0.2])
    assert list(ds.branch.values) == ["adsorption"] * 3 + ["desorption"] * 2
    assert "point" not in ds.coords


def test_sorption_headerless_assumes_mmol_per_g(tmp_path):
    with pytest.warns(UserWarning, match="assuming mmol/g"):
        ds = ch.read(write(tmp_path, "iso.txt", "0.1 1.0\n0.3 2.0\n"), technique="sorption",
                     format="delimited")
    np.testing.assert_array_equal(ds.amount, [1.0, 2.0])
    assert ds.amount.attrs["units"] == "mmol/g"


@pytest.mark.parametrize("text, match", [
    ("Pressure (mmHg),Amount (mmol/g)\n10,1\n20,2\n", "absolute pressure"),
    ("p,Amount (mmol/g)\n100,1\n700,2\n", "not a relative pressure"),
    ("p/p0,Amount (mg/g)\n0.1,1\n0.2,2\n", "cannot be converted"),
])
def test_sorption_unit_errors(tmp_path, text, match):
    with pytest.raises(ReadError, match=match) as info:
        ch.read(write(tmp_path, "bad_iso.csv", text), technique="sorption", format="delimited")
    assert "bad_iso.csv" in str(info.value)


def test_unknown_or_incompatible_axis_unit_raises(tmp_path):
    with pytest.raises(ReadError, match="unknown unit") as info:
        ch.read(write(tmp_path, "f.csv", "2theta (furlong),I\n1,2\n2,3\n"))
    assert "f.csv" in str(info.value)
    with pytest.raises(ReadError, match="cannot be converted to '1/cm'"):
        ch.read(write(tmp_path, "d.csv", "2theta (deg),I\n1,2\n2,3\n"), technique="raman")
    with pytest.raises(ReadError, match="kinetic energy"):
        ch.read(write(tmp_path, "ke.csv", "Kinetic Energy (eV),I\n1,2\n2,3\n"),
                technique="xps")


# --------------------------------------------------------------------------- options
def test_x_and_y_options(tmp_path):
    p = write(tmp_path, "o.csv", "Pixel,Shift (cm-1),Raw,Dark subtracted\n0,100,5,1\n1,110,7,3\n")
    ds = ch.read(p, technique="raman", x="Shift (cm-1)", y="dark_subtracted")
    np.testing.assert_array_equal(ds.raman_shift, [100, 110])
    np.testing.assert_array_equal(ds.intensity, [1, 3])
    assert list(ds.data_vars) == ["intensity", "pixel", "raw"]
    ds = ch.read(p, technique="raman", x=1, y=-2)
    np.testing.assert_array_equal(ds.intensity, [5, 7])
    with pytest.raises(ReadError, match=r"y='nope' matches no column") as info:
        ch.read(p, technique="raman", y="nope")
    assert "o.csv" in str(info.value)
    with pytest.raises(ReadError, match="two roles"):
        ch.read(p, technique="raman", x="Raw", y=2)


def test_delimiter_decimal_and_skip_rows_options(tmp_path):
    p = write(tmp_path, "o.txt", "garbage 1 2 3\n1,5|2,5\n3,5|4,5\n")
    ds = ch.read(p, delimiter="|", decimal=",", skip_rows=1)
    np.testing.assert_array_equal(ds.x, [1.5, 3.5])
    np.testing.assert_array_equal(ds.y, [2.5, 4.5])
    assert meta(ds) == {}
    # integers: comma as delimiter by default, as decimal only if forced with a delimiter
    p = write(tmp_path, "i.txt", "1,2\n3,4\n")
    np.testing.assert_array_equal(ch.read(p).y, [2, 4])


# --------------------------------------------------------------------------- malformed files
def _assert_read_error(path, match, line=None, **kw):
    with pytest.raises(ReadError, match=match) as info:
        ch.read(path, **kw)
    assert path.name in str(info.value)
    if line is not None:
        assert f"line {line}" in str(info.value)
    return info.value


def test_empty_file(tmp_path):
    _assert_read_error(write(tmp_path, "empty.txt", ""), "empty")
    _assert_read_error(write(tmp_path, "blank.txt", "\n\n  \n"), "no numeric data")


def test_truncated_last_row(tmp_path):
    body = "".join(f"{i}.5;{i * 10}\n" for i in range(55))
    p = write(tmp_path, "cut.csv", "x;y\n" + body + "55.5;1.2e")
    err = _assert_read_error(p, r"expected 2 numeric columns separated by ';'.*'55\.5;1\.2e'",
                             line=57)
    assert err.position == "line 57"
    p = write(tmp_path, "cut2.csv", "x;y\n" + body + "55.5")
    _assert_read_error(p, r"expected 2 numeric columns.*\(row has 1\).*'55\.5'", line=57)


def test_text_row_inside_data(tmp_path):
    p = write(tmp_path, "abc.csv", "1;2\n3;4\nabc;def\n5;6\n")
    _assert_read_error(p, r"found 'abc;def'", line=3)


def test_ragged_rows(tmp_path):
    _assert_read_error(write(tmp_path, "rag.txt", "1 2\n3 4\n5 6 7\n8 9\n"),
                       r"expected 2 numeric columns.*\(row has 3\)", line=3)
    _assert_read_error(write(tmp_path, "rag2.txt", "1 2 3\n3 4 5\n5 6\n8 9 1\n"),
                       r"expected 3 numeric columns.*\(row has 2\)", line=3)


def test_binary_garbage(tmp_path):
    rng = np.random.default_rng(0)
    data = bytes(rng.integers(0, 256, 4096, dtype=np.uint8)) + b"\x00\x00"
    p = write(tmp_path, "garbage.txt", data)
    _assert_read_error(p, "unrecognised file format")
    _assert_read_error(p, "binary content", format="delimited")


def test_wrong_delimiter_forced(tmp_path):
    p = write(tmp_path, "comma.csv", "1.0,2.0\n3.0,4.0\n")
    _assert_read_error(p, r"no numeric data.*separated by ';'.*'1\.0,2\.0'", line=1,
                       delimiter=";")


def test_single_column(tmp_path):
    _assert_read_error(write(tmp_path, "one.txt", "x\n1.0\n2.0\n3.0\n"),
                       r"only one numeric column.*at least 2", line=2)


def test_text_only(tmp_path):
    _assert_read_error(write(tmp_path, "words.txt", "hello world\nfoo bar baz\n"),
                       r"no numeric data.*'hello world'", line=1)


def test_single_data_row(tmp_path):
    _assert_read_error(write(tmp_path, "row.csv", "x,y\n1,2\n"), "only 1 data row", line=2)


def test_second_data_block(tmp_path):
    p = write(tmp_path, "two.xy", "# Region: a\n1 2\n3 4\n# Region: b\n5 6\n7 8\n")
    _assert_read_error(p, "several data blocks", line=4)


def test_unknown_technique(tmp_path):
    _assert_read_error(write(tmp_path, "u.txt", "1 2\n3 4\n"), "unknown technique",
                       technique="nmr", format="delimited")


def test_sniff():
    from pathlib import Path

    assert delimited._sniff(b"1 2\n3 4\n", Path("a.unknown"))
    assert not delimited._sniff(b"hello\nworld\n", Path("a.unknown"))
    assert delimited._sniff(b"hello\n", Path("a.txt"))          # claimed: reader explains
    assert not delimited._sniff(b"\x89HDF\r\n\x1a\n\x00\x00", Path("a.dat"))


# --------------------------------------------------------------------------- real files
def test_real_files(tmp_path):
    from conftest import shared_data

    raman = shared_data("raman")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = ch.read(raman / "ramanchada2/datasets2/FMNT-M_BW532/"
                     "Sil10_iR532_Probe_100_60000msx2.txt", y="Dark Subtracted #1")
    assert ds.attrs["technique"] == "raman" and ds.sizes["raman_shift"] == 1801
    si = ds.intensity.sel(raman_shift=slice(400, 700))
    assert abs(float(si.idxmax()) - 520.25) < 3            # MANIFEST: Si peak 520.25 cm-1
    assert float(ds.laser_wavelength) == 532.02                # "laser_wavelength;532,02"
    ds = ch.read(raman / "datalab/raman_example.txt", technique="raman")
    assert ds.sizes["raman_shift"] == 1011
    assert abs(float(ds.intensity.idxmax()) - 1581.730469) < 1e-6    # MANIFEST (datalab)
    ds = ch.read(shared_data("nanoindent") / "micromechanics/examples/Hysitron/"
                 "RobinSteel0000LC.txt")
    assert ds.attrs["technique"] == "nanoindent" and ds.sizes["point"] == 5304
    assert ds["load"].attrs["original_units"] == "µN"
    np.testing.assert_allclose(ds["load"][0], 1.836146e-3)
    assert list(ds.data_vars) == ["load", "displacement", "depth_v", "load_v"]
    assert ds.depth_v.attrs["units"] == "V"
