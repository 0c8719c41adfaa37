"""Tests of the netCDF reader and of to_netcdf_dataset (characterization.io.netcdf)."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization import ReadError
from characterization.io.netcdf import JSON_PREFIX, read_netcdf, to_netcdf_dataset


def xrd_dataset(tmp_path):
    p = tmp_path / "pattern.csv"
    p.write_text("# Sample: LaB6\n# scan=3\n2theta (deg),Intensity (counts),Error\n"
                 "20.0,100,10\n20.5,400,20\n21.0,90,9.5\n", encoding="utf-8")
    ds = ch.read(p)
    ds = ds.assign_coords(wavelength=1.5406, radiation="Cu Ka")
    ds.wavelength.attrs.update(units="angstrom", long_name="Wavelength")
    ds.radiation.attrs.update(units="", long_name="Radiation")
    ds.attrs.update(fitted=True, peaks=["a", "b"], options={"k": 0.9, "nested": [1, None]},
                    nothing=None, tricky="json:not json", count=np.int64(3), ratio=0.5)
    ds.intensity.attrs["clipped"] = False
    return ds


def write(ds, path):
    to_netcdf_dataset(ds).to_netcdf(path, engine="h5netcdf")
    return path


def test_round_trip_is_identical(tmp_path):
    ds = xrd_dataset(tmp_path)
    p = write(ds, tmp_path / "out.nc")
    back = ch.read(p)
    xr.testing.assert_identical(back, ds)
    assert back.attrs == ds.attrs                       # incl. bool, list, dict, None, "json:" str
    assert back.attrs["fitted"] is True and back.attrs["options"]["nested"] == [1, None]
    assert back.intensity.attrs["clipped"] is False
    assert back.two_theta.attrs == ds.two_theta.attrs
    assert str(back.source_file.values) == str(tmp_path / "pattern.csv")
    assert float(back.wavelength) == 1.5406 and back.wavelength.attrs["units"] == "angstrom"
    assert back.radiation.dtype.kind == "U" and back.attrs["reader"] == "delimited"
    assert json.loads(back.attrs["original_metadata"]) == {"Sample": "LaB6", "scan": "3"}


@pytest.mark.parametrize("text, technique", [
    ("Relative Pressure (P/Po),Quantity Adsorbed (cm3/g STP)\n0.1,22.4\n0.9,44.8\n0.5,30\n",
     "sorption"),
    ("Load (mN),Displacement (nm)\n0,0\n1,10\n0.5,8\n", "nanoindent"),
    ("Energy [eV],Signal\n1,2\n2,3\n", "spectrum"),
])
def test_round_trip_point_indexed_and_generic(tmp_path, text, technique):
    src = tmp_path / "in.csv"
    src.write_text(text)
    ds = ch.read(src, format="delimited")
    assert ds.attrs["technique"] == technique
    back = ch.read(write(ds, tmp_path / "out.nc"))
    xr.testing.assert_identical(back, ds)


def test_batch_round_trip(tmp_path):
    for i in range(3):
        (tmp_path / f"s{i}.xy").write_text(f"# run={i}\n1 {i}\n2 {2 * i}\n3 {3 * i}\n")
    many = ch.read_many(sorted(tmp_path.glob("*.xy")), technique="xrd")
    back = ch.read(write(many, tmp_path / "many.nc"))
    xr.testing.assert_identical(back, many)
    assert back.source_file.dims == ("sample",)


def test_to_netcdf_dataset_leaves_input_unchanged_and_writes_nothing(tmp_path):
    ds = xrd_dataset(tmp_path)
    before = ds.copy(deep=True)
    files = set(tmp_path.iterdir())
    out = to_netcdf_dataset(ds)
    xr.testing.assert_identical(ds, before)
    assert ds.attrs == before.attrs and ds.intensity.attrs["clipped"] is False
    assert set(tmp_path.iterdir()) == files
    assert out.attrs["fitted"] == "json:true" and out.attrs["nothing"] == "json:null"
    assert out.attrs["tricky"] == JSON_PREFIX + json.dumps("json:not json")
    assert out.intensity.attrs["clipped"] == "json:false"


def test_object_strings_become_fixed_width(tmp_path):
    ds = xr.Dataset({"v": ("k", [1.0, 2.0], {"units": "1"})},
                    coords={"k": ("k", np.array(["a", "bb"], dtype=object), {"units": ""}),
                            "tag": ((), np.array("x", dtype=object))},
                    attrs={"technique": "spectrum", "signal_dim": "k"})
    out = to_netcdf_dataset(ds)
    assert out.k.dtype.kind == "U" and out.tag.dtype.kind == "U"
    back = read_netcdf(write(ds, tmp_path / "s.nc"))
    assert list(back.k.values) == ["a", "bb"] and back.k.dtype.kind == "U"


def test_dask_variables_stay_lazy(tmp_path):
    ds = xrd_dataset(tmp_path).chunk({"two_theta": 2})
    out = to_netcdf_dataset(ds)
    assert out.intensity.chunks == ds.intensity.chunks
    back = ch.read(write(ds, tmp_path / "lazy.nc"))
    xr.testing.assert_identical(back, ds.compute())


def test_nan_padded_string_coordinates(tmp_path):
    ds = xr.Dataset({"amount": (("sample", "point"), [[1.0, 2.0], [3.0, np.nan]],
                                {"units": "mmol/g"})},
                    coords={"branch": (("sample", "point"),
                                       np.array([["adsorption", "desorption"],
                                                 ["adsorption", np.nan]], dtype=object))},
                    attrs={"technique": "sorption"})
    out = to_netcdf_dataset(ds)
    assert out.branch.dtype.kind == "U"
    assert out.branch.values.tolist() == [["adsorption", "desorption"], ["adsorption", ""]]


def test_unstorable_content_raises():
    with pytest.raises(ValueError, match="attribute 'when'"):
        to_netcdf_dataset(xr.Dataset(attrs={"when": object()}))
    with pytest.raises(ValueError, match="contains '/'"):
        to_netcdf_dataset(xr.Dataset({"a/b": ("x", [1])}))
    with pytest.raises(ValueError, match="Python objects"):
        to_netcdf_dataset(xr.Dataset({"a": ("x", np.array([1, "s"], dtype=object))}))


def test_file_is_closed_after_reading(tmp_path):
    ds = xrd_dataset(tmp_path)
    p = write(ds, tmp_path / "out.nc")
    back = ch.read(p)
    write(back, p)                  # HDF5 refuses to truncate a file that is still open
    xr.testing.assert_identical(ch.read(p), ds)


def test_compressed_and_netcdf3(tmp_path):
    ds = xrd_dataset(tmp_path)
    raw = write(ds, tmp_path / "out.nc").read_bytes()
    gz = tmp_path / "out.nc.gz"
    gz.write_bytes(gzip.compress(raw))
    xr.testing.assert_identical(ch.read(gz), ds)
    nc3 = tmp_path / "classic.nc"
    to_netcdf_dataset(ds).to_netcdf(nc3, engine="scipy")
    assert nc3.read_bytes()[:3] == b"CDF"
    back = ch.read(nc3)
    np.testing.assert_array_equal(back.intensity, ds.intensity)
    assert back.attrs["options"] == ds.attrs["options"]


def test_foreign_netcdf_rejected(tmp_path):
    p = tmp_path / "foreign.nc"
    xr.Dataset({"t": ("x", [1.0, 2.0])}, attrs={"title": "model output"}).to_netcdf(
        p, engine="h5netcdf")
    with pytest.raises(ReadError, match="not written by characterization") as info:
        ch.read(p)
    assert "foreign.nc" in str(info.value)


def test_corrupt_netcdf(tmp_path):
    p = tmp_path / "broken.nc"
    p.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x01" * 100)
    with pytest.raises(ReadError, match="not a readable netCDF") as info:
        ch.read(p)
    assert "broken.nc" in str(info.value)


def test_technique_mismatch(tmp_path):
    p = write(xrd_dataset(tmp_path), tmp_path / "out.nc")
    with pytest.raises(ReadError, match="not 'raman'"):
        ch.read(p, technique="raman")
