"""Tests of reader selection (read) and batch reading (read_many) in characterization.io."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization import ReadError
from characterization.io import _registry, formats, register_reader
from characterization.io.netcdf import to_netcdf_dataset


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def xy(path, x, y, header="2theta intensity"):
    rows = "".join(f"{a} {b}\n" for a, b in zip(x, y))
    return write(path, f"# {header}\n{rows}")


@pytest.fixture
def throwaway_readers():
    """Register readers for the test only; removed afterwards."""
    names = []

    def add(name, **kw):
        def reader(path, **options):
            return xr.Dataset({"y": ("x", [1.0, 2.0], {"units": "1"})},
                              coords={"x": ("x", [0.0, 1.0], {"units": "1"})},
                              attrs={"technique": "spectrum", "signal_dim": "x", "by": name})
        formats()                      # load the real readers first
        register_reader(name, **kw)(reader)
        names.append(name)

    yield add
    for name in names:
        _registry._READERS.pop(name, None)


# --------------------------------------------------------------------------- selection
def test_generic_readers_registered():
    info = formats()
    assert info["delimited"].generic and ".xye" in info["delimited"].extensions
    assert info["netcdf"].generic and ".nc" in info["netcdf"].extensions


def test_format_forcing(tmp_path):
    p = write(tmp_path / "data.unknownext", "1 2\n3 4\n")
    ds = ch.read(p, format="delimited")
    np.testing.assert_array_equal(ds.y, [2, 4])
    with pytest.raises(ReadError, match="netcdf reader failed|not a readable netCDF") as info:
        ch.read(p, format="netcdf")
    assert "data.unknownext" in str(info.value)


def test_unknown_format(tmp_path):
    p = write(tmp_path / "a.txt", "1 2\n3 4\n")
    with pytest.raises(ReadError, match=r"unknown format 'nope'.*delimited.*netcdf") as info:
        ch.read(p, format="nope")
    assert "a.txt" in str(info.value)


def test_unrecognised_extension_and_content(tmp_path):
    p = write(tmp_path / "notes.unknownext", "just some words\nand more words\n")
    with pytest.raises(ReadError, match="unrecognised file format") as info:
        ch.read(p)
    assert "notes.unknownext" in str(info.value)


def test_content_sniff_for_unclaimed_extension(tmp_path):
    ds = ch.read(write(tmp_path / "scan.unknownext", "10 1\n11 2\n12 3\n"), technique="xrd")
    assert ds.attrs["reader"] == "delimited"
    np.testing.assert_array_equal(ds.two_theta, [10, 11, 12])
    nc = tmp_path / "result.bin"
    to_netcdf_dataset(ds).to_netcdf(nc, engine="h5netcdf")
    assert ch.read(nc).attrs["reader"] == "delimited"        # read by netcdf, provenance kept
    np.testing.assert_array_equal(ch.read(nc).intensity, [1, 2, 3])


def test_ambiguous_specific_readers(tmp_path, throwaway_readers):
    throwaway_readers("test_fmt_a", extensions=(".zzz",), sniff=lambda head, path: True)
    throwaway_readers("test_fmt_b", extensions=(".zzz",), sniff=lambda head, path: True)
    p = write(tmp_path / "x.zzz", "anything\n")
    with pytest.raises(ReadError, match=r"ambiguous.*test_fmt_a, test_fmt_b.*format=") as info:
        ch.read(p)
    assert "x.zzz" in str(info.value)
    assert ch.read(p, format="test_fmt_b").attrs["by"] == "test_fmt_b"


def test_specific_reader_wins_over_generic(tmp_path, throwaway_readers):
    throwaway_readers("test_fmt_magic", extensions=(".csv",),
                      sniff=lambda head, path: head.startswith(b"MAGIC"))
    assert ch.read(write(tmp_path / "m.csv", "MAGIC\n1,2\n")).attrs["by"] == "test_fmt_magic"
    assert ch.read(write(tmp_path / "p.csv", "1,2\n3,4\n")).attrs["reader"] == "delimited"


def test_throwaway_readers_removed():
    assert not any(name.startswith("test_fmt_") for name in _registry._READERS)


def test_reader_option_typo(tmp_path):
    p = write(tmp_path / "a.txt", "1 2\n3 4\n")
    with pytest.raises(ReadError, match="does not take option"):
        ch.read(p, colums=3)


# --------------------------------------------------------------------------- read_many
def test_read_many_same_axis(tmp_path):
    x = [10.0, 10.5, 11.0]
    files = [xy(tmp_path / f"s{i}.xy", x, [i, 2 * i, 3 * i]) for i in range(3)]
    ds = ch.read_many(files)
    assert ds.attrs["technique"] == "xrd" and dict(ds.sizes) == {"sample": 3, "two_theta": 3}
    assert ds.intensity.dims == ("sample", "two_theta")
    np.testing.assert_array_equal(ds.intensity.isel(sample=2), [2, 4, 6])
    assert [str(s) for s in ds.source_file.values] == [str(f) for f in files]
    assert ds.two_theta.attrs["units"] == "deg"


def test_read_many_folder_and_metadata_per_file(tmp_path):
    for i in range(2):
        write(tmp_path / f"r{i}.txt", f"Operator: op{i}\nRaman shift,Intensity\n100,{i}\n200,1\n")
    ds = ch.read_many(tmp_path, dim="spot")
    assert ds.sizes["spot"] == 2 and ds.attrs["technique"] == "raman"
    assert [json.loads(m)["Operator"] for m in ds.original_metadata.values] == ["op0", "op1"]


def test_read_many_different_axes(tmp_path):
    a = xy(tmp_path / "a.xy", [10.0, 11.0, 12.0], [1.0, 2.0, 3.0])
    b = xy(tmp_path / "b.xy", [10.5, 11.5], [10.0, 20.0])
    with pytest.raises(ReadError, match=r"different 'two_theta' axes.*join="):
        ch.read_many([a, b])
    outer = ch.read_many([a, b], join="outer")
    np.testing.assert_array_equal(outer.two_theta, [10.0, 10.5, 11.0, 11.5, 12.0])
    np.testing.assert_array_equal(outer.intensity.isel(sample=0), [1, np.nan, 2, np.nan, 3])
    np.testing.assert_array_equal(outer.intensity.isel(sample=1),
                                  [np.nan, 10, np.nan, 20, np.nan])
    interp = ch.read_many([a, b], join="interp")
    np.testing.assert_array_equal(interp.two_theta, [10.0, 11.0, 12.0])
    np.testing.assert_allclose(interp.intensity.isel(sample=1), [np.nan, 15.0, np.nan])


def test_read_many_point_indexed_outer_pads_at_end(tmp_path):
    a = write(tmp_path / "a.csv", "p/p0,n (mmol/g)\n0.1,1\n0.5,2\n0.9,3\n0.4,2.5\n")
    b = write(tmp_path / "b.csv", "p/p0,n (mmol/g)\n0.2,4\n0.8,5\n")
    with pytest.raises(ReadError, match="different 'point' axes"):
        ch.read_many([a, b], format="delimited")
    ds = ch.read_many([a, b], join="outer", format="delimited")
    np.testing.assert_array_equal(ds.amount.isel(sample=1), [4, 5, np.nan, np.nan])
    assert list(ds.branch.isel(sample=0).values) == ["adsorption"] * 3 + ["desorption"]


def test_read_many_skips_bad_file(tmp_path):
    good = [xy(tmp_path / f"g{i}.xy", [1, 2], [i, i]) for i in range(2)]
    bad = write(tmp_path / "bad.xy", "1 2\n3\n")
    with pytest.raises(ReadError, match="bad.xy"):
        ch.read_many([good[0], bad, good[1]])
    with pytest.warns(UserWarning, match="bad.xy"):
        ds = ch.read_many([good[0], bad, good[1]], on_error="skip")
    assert ds.sizes["sample"] == 2
    skipped = json.loads(ds.attrs["skipped_files"])
    assert [s["file"] for s in skipped] == [str(bad)] and "line 2" in skipped[0]["message"]


def test_read_many_mixed_techniques(tmp_path):
    a = xy(tmp_path / "a.xy", [1, 2], [1, 2])
    b = write(tmp_path / "b.csv", "Raman shift,Intensity\n1,2\n2,3\n")
    with pytest.raises(ReadError, match="different techniques"):
        ch.read_many([a, b])


def test_read_many_batch_coordinate_is_the_file_stem(tmp_path):
    files = [xy(tmp_path / f"LaB6_{i:02d}.xy", [10.0, 10.5], [i, i]) for i in range(3)]
    ds = ch.read_many(files)
    assert list(ds.sample.values) == ["LaB6_00", "LaB6_01", "LaB6_02"]
    np.testing.assert_array_equal(ds.intensity.sel(sample="LaB6_01"), [1, 1])
    # a skipped file takes no label; the others keep theirs
    bad = write(tmp_path / "LaB6_99.xy", "1 2\n3\n")
    with pytest.warns(UserWarning):
        ds = ch.read_many([files[0], bad, files[2]], on_error="skip", dim="spot")
    assert list(ds.spot.values) == ["LaB6_00", "LaB6_02"]


def test_file_labels_are_unique():
    from pathlib import Path

    from characterization.io._batch import file_labels

    assert file_labels([Path("d/a.xy.gz"), Path("d/b.xrdml")]) == ["a", "b"]
    assert file_labels([Path("r/run1/a.xy"), Path("r/run2/a.xy")]) == ["run1/a", "run2/a"]
    assert file_labels([Path("d/a.xy"), Path("d/a.xy")]) == ["a", "a#2"]


def test_read_many_axis_mismatch_says_what_differs(tmp_path):
    a = xy(tmp_path / "a.xy", [10.0, 11.0, 12.0], [1.0, 2.0, 3.0])
    b = xy(tmp_path / "b.xy", [10.0, 11.5, 12.0], [1.0, 2.0, 3.0])
    c = xy(tmp_path / "c.xy", [10.0, 11.0], [1.0, 2.0])
    with pytest.raises(ReadError, match=r"same length 3 but values differ: a\.xy has 11\.0 and "
                                        r"b\.xy has 11\.5 deg at index 1 \(first of 1"):
        ch.read_many([a, b])
    with pytest.raises(ReadError, match=r"lengths differ: a\.xy has 3 points, c\.xy has 2 "
                                        r"\(lengths in the batch: \[2, 3\]\)"):
        ch.read_many([a, a, c])


def test_read_many_stacking_failure_is_read_error(tmp_path):
    """A batch dim named like a variable of the files gives a ReadError, not xarray's error."""
    a = xy(tmp_path / "a.xy", [10.0, 11.0], [1.0, 2.0])
    b = xy(tmp_path / "b.xy", [10.0, 11.0], [3.0, 4.0])
    with pytest.raises(ReadError, match="cannot be stacked along 'intensity'.*already exists"):
        ch.read_many([a, b], dim="intensity")
