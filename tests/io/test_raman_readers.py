"""Tests of the Raman readers: wdf (Renishaw), spc (Galactic), labspec (XML, text maps, .l6s)
and their shared builder ``characterization.io.raman._build``.

Real files are read in place from ``../shared/data/raman`` (never copied into the repository);
tests needing them skip when that folder is absent. Where each expected value comes from:

* ``MANIFEST`` — stated in ``shared/data/raman/MANIFEST.md`` (datalab's own test assertions for
  ``raman_example.wdf``; header values of the files);
* ``export`` — the same measurement in another format, read by another reader (the WiRE text
  export through the generic delimited reader, the WiRE SPC export through the spc reader);
* ``vendor`` — Renishaw's ``renishaw-wdf`` package, an independent parser of the same file;
* ``file`` — parsed in the test itself from the file's text (the LabSpec XML).

Malformed and layout-specific inputs (2-D maps in every acquisition order, series, absolute
axes, SPC integer encodings, multifiles) are written to ``tmp_path`` by the small writers below,
which pack the documented layouts at explicit byte offsets.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

import characterization as ch
from characterization import ReadError
from characterization.io.raman import _build as _raman

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raman"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real Raman data absent: {DATA} "
                                "(shared/data beside the repository)")

DATALAB = "datalab/raman_example"
NCAL = "ramanchada2/experimental/Renishaw/nCal_Qontor785_z005H12_100_1x3s"
EXPERT = "py-wdf-reader/expert/Spectrum_532nm_wdf"
WITEC = "ramanchada2/experimental/Witec/PST_WITEcAlpha532_100x_075_10000ms_000_Spec.Data 1.spc"
XML = "rosettasciio/jobinyvon/jobinyvon_test_map_x3-y2.xml"
L6S = "ramanchada2/experimental/Horiba/PST10_iR785_OP01_8000msx8.l6s"


@functools.lru_cache(maxsize=None)
def _read_cached(path: str, technique=None):
    with warnings.catch_warnings():      # the B&W Tek file warns about rows without a shift
        warnings.simplefilter("ignore")
        return ch.read(path, technique=technique)


def read(rel: str, technique=None):
    return _read_cached(str(DATA / rel), technique)


def on_grid(ds, grid):
    """``ds.intensity`` linearly interpolated at the Raman shifts ``grid``."""
    x, y = ds.raman_shift.values, ds.intensity.values.astype(np.float64)
    order = np.argsort(x)
    return np.interp(grid, x[order], y[order])


# =========================================================================== real files
def _all_files():
    if not DATA.is_dir():
        return []
    return sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*")
                  if p.is_file() and p.name != "MANIFEST.md" and p.suffix != ".l6s")


EXPECTED_READER = {".wdf": "wdf", ".spc": "spc", ".xml": "labspec_xml", ".txt": "delimited"}


@needs_data
@pytest.mark.parametrize("rel", _all_files())
def test_every_shared_file_reads(rel):
    ds = read(rel)
    assert ds.attrs["reader"] == EXPECTED_READER[Path(rel).suffix]
    if ds.attrs["reader"] != "delimited":
        assert ds.attrs["technique"] == "raman"
        assert ds.raman_shift.attrs["units"] == "1/cm"
        assert ds.intensity.attrs["units"] in ("count", "count/s")
        assert ds.intensity.dims[-1] == "raman_shift"
        json.loads(ds.attrs["original_metadata"])


@needs_data
def test_l6s_is_refused_with_pointer_to_text_export():
    with pytest.raises(ReadError, match="LabSpec 6 binary format") as info:
        ch.read(DATA / L6S)
    msg = str(info.value)
    assert "not supported" in msg and "PST10_iR785_OP01_8000msx8.txt" in msg


@needs_data
def test_datalab_wdf_reference_values():
    ds = read(DATALAB + ".wdf")
    # MANIFEST: datalab's test assertions
    assert ds.raman_shift.values[int(np.argmax(ds.intensity.values))] == pytest.approx(
        1581.730469, abs=1e-6)
    assert float(ds.intensity.mean()) == pytest.approx(364.29358, rel=1e-7)
    # MANIFEST: header values
    assert ds.sizes["raman_shift"] == 1011
    assert float(ds.laser_wavelength) == pytest.approx(632.80, abs=0.005)
    assert str(ds.software.values).startswith("WiRE 4.4")
    assert ds.raman_shift.values.min() == pytest.approx(0.38, abs=0.005)
    assert ds.raman_shift.values.max() == pytest.approx(1879.45, abs=0.005)


@needs_data
@pytest.mark.parametrize("stem", [DATALAB, NCAL])
def test_wdf_equals_its_wire_text_export(stem):
    wdf, txt = read(stem + ".wdf"), read(stem + ".txt", technique="raman")   # export
    assert txt.attrs["reader"] == "delimited"
    # the text has 6 decimals: 5e-7 absolute rounding near 0 cm-1
    np.testing.assert_allclose(wdf.raman_shift.values, txt.raman_shift.values, rtol=1e-6,
                               atol=1e-6)
    np.testing.assert_allclose(wdf.intensity.values, txt.intensity.values, rtol=1e-6, atol=1e-6)
    assert wdf.raman_shift.values[0] > wdf.raman_shift.values[-1]       # native order kept


@needs_data
@pytest.mark.parametrize("stem", [EXPERT, NCAL])
def test_wdf_equals_its_resampled_spc_export(stem):
    wdf = read(stem + ".wdf")
    spc = read(stem + ("_spc.spc" if stem == EXPERT else ".spc"))
    assert spc.sizes["raman_shift"] == wdf.sizes["raman_shift"]
    assert not np.array_equal(spc.raman_shift.values, wdf.raman_shift.values)  # resampled
    step = np.diff(spc.raman_shift.values)
    np.testing.assert_allclose(step, step[0], rtol=1e-9)                       # even grid
    diff = np.abs(on_grid(wdf, spc.raman_shift.values) - spc.intensity.values)
    assert diff.max() <= 1e-4 * spc.intensity.values.max()


@needs_data
def test_ex2_line_map():
    ds = read("py-wdf-reader/ex2.wdf")
    assert dict(ds.intensity.sizes) == {"spot": 235, "raman_shift": 1015}       # MANIFEST
    assert float(ds.laser_wavelength) == pytest.approx(532.25, abs=0.005)
    assert ds.x.dims == ds.y.dims == ("spot",)
    assert ds.x.attrs["units"] == ds.y.attrs["units"] == "um"
    assert ds.x.values[0] == pytest.approx(80.0271, abs=1e-3)
    assert ds.y.values[0] == pytest.approx(-162.4786, abs=1e-3)
    d = ds.distance.values
    assert d[0] == 0 and np.all(np.diff(d) > 0) and d[-1] == pytest.approx(58.5, abs=0.1)
    assert np.all(np.diff(ds.acquisition_time.values).astype(np.int64) > 0)
    assert str(ds.software.values).startswith("WiRE 4.4")
    meta = json.loads(ds.attrs["original_metadata"])
    assert meta["header"]["scantype_name"] == "StreamLineHR"
    assert meta["map_area"]["count"] == [235, 1, 1]


@needs_data
def test_ex1_and_extended_scan_headers():
    ex1 = read("py-wdf-reader/ex1.wdf")                                        # MANIFEST
    assert ex1.sizes["raman_shift"] == 1015 and int(ex1.accumulations) == 3
    assert ex1.raman_shift.min() == pytest.approx(1226, abs=0.5)
    assert ex1.raman_shift.max() == pytest.approx(2788, abs=0.5)
    assert float(ex1.laser_wavelength) == pytest.approx(532.25, abs=0.005)
    assert str(ex1.software.values).startswith("WiRE 4.1")
    ext = read(EXPERT + ".wdf")
    assert ext.sizes["raman_shift"] == 1900 and int(ext.accumulations) == 5
    assert ext.raman_shift.min() == pytest.approx(202, abs=0.5)
    assert ext.raman_shift.max() == pytest.approx(3204, abs=0.5)
    assert float(ext.laser_wavelength) == pytest.approx(532.30, abs=0.005)
    assert float(ext.exposure_time) == 10.0 and ext.exposure_time.attrs["units"] == "s"
    assert str(ext.software.values).startswith("WiRE 5.1")
    ncal = read(NCAL + ".wdf")
    assert ncal.sizes["raman_shift"] == 1021
    assert float(ncal.laser_wavelength) == pytest.approx(785.02, abs=0.005)
    assert ncal.raman_shift.min() == pytest.approx(-154.5, abs=0.05)
    assert ncal.raman_shift.max() == pytest.approx(1111.1, abs=0.05)


@needs_data
@pytest.mark.parametrize("rel", ["py-wdf-reader/ex1.wdf", "py-wdf-reader/ex2.wdf", NCAL + ".wdf",
                                 DATALAB + ".wdf", EXPERT + ".wdf"])
def test_wdf_agrees_with_vendor_library(rel):
    wdf = pytest.importorskip("wdf", reason="renishaw-wdf not installed")
    ds = read(rel)
    with wdf.Wdf(str(DATA / rel)) as w:                                        # vendor
        np.testing.assert_array_equal(ds.raman_shift.values, np.array(w.xlist(), np.float32))
        spectra = np.array([w[i] for i in range(w.hdr.ncollected)], dtype=np.float32)
        np.testing.assert_array_equal(ds.intensity.values.reshape(spectra.shape), spectra)
        assert float(ds.laser_wavelength) == pytest.approx(1e7 / w.hdr.laser_wavenumber)
        if "spot" in ds.dims:
            origins = w.origins
            np.testing.assert_allclose(ds.x.values, origins[wdf.WdfDataType.Spatial_X][:])
            np.testing.assert_allclose(ds.y.values, origins[wdf.WdfDataType.Spatial_Y][:])


@needs_data
def test_labspec_xml_map_against_file_text():
    ds = read(XML)
    assert dict(ds.intensity.sizes) == {"y": 2, "x": 3, "raman_shift": 34}
    text = (DATA / XML).read_text(encoding="utf-8")                            # file
    rows = [np.array(r.split(), float) for r in
            re.findall(r'<LSX_Row Format="6" Index="\d+" Size="34">(.*?)</LSX_Row>', text, re.S)]
    wl = np.array(re.search(r'ID="0x7D6CD4DB" Size="34">(.*?)</LSX>', text, re.S)
                  .group(1).split(), float)
    laser = float(re.search(r"Laser \(nm\)</LSX>\s*<LSX[^>]*>[^<]*</LSX>\s*"
                            r'<LSX Format="5" ID="0x8736F70">([\d.]+)<', text).group(1))
    assert laser == 632.817 and float(ds.laser_wavelength) == laser
    for k, row in enumerate(rows):                 # first stage axis (X) varies fastest
        np.testing.assert_array_equal(ds.intensity.values[k // 3, k % 3], row)
    np.testing.assert_array_equal(ds.wavelength.values, wl)
    np.testing.assert_allclose(ds.raman_shift.values, 1e7 / laser - 1e7 / wl, rtol=1e-12)
    assert ds.raman_shift.attrs["original_units"] == "nm"
    np.testing.assert_array_equal(ds.x.values, [-2, 0, 2])
    np.testing.assert_array_equal(ds.y.values, [-1, 1])
    assert ds.intensity.attrs["units"] == "count/s"                           # "Cnt/sec"
    assert float(ds.exposure_time) == 2 and int(ds.accumulations) == 1
    other = ch.read(DATA / XML, laser_wavelength=532.0)
    np.testing.assert_allclose(other.raman_shift.values, 1e7 / 532 - 1e7 / wl)


@needs_data
def test_labspec_xml_without_laser_raises(tmp_path):
    text = (DATA / XML).read_text(encoding="utf-8")
    text = text.replace("Laser (nm)", "Something else")
    p = tmp_path / "nolaser.xml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match="laser wavelength"):
        ch.read(p)


@needs_data
def test_spc_files_and_quirks():
    witec = read(WITEC)                                                        # MANIFEST
    assert witec.sizes["raman_shift"] == 1600
    assert witec.raman_shift.values[0] == pytest.approx(-37.9, abs=0.05)
    assert witec.raman_shift.values[-1] == pytest.approx(3731.9, abs=0.05)
    assert "laser_wavelength" not in witec.coords          # not recorded in the file
    assert witec.intensity.attrs["original_units"] == "arbitrary intensity"
    wire = read(EXPERT + "_spc.spc")
    assert float(wire.laser_wavelength) == 532.0           # nominal, from the log text
    assert float(wire.exposure_time) == 10.0 and int(wire.accumulations) == 5
    assert "even" in wire.raman_shift.attrs["spacing"]


@needs_data
def test_read_many_wdf_files_keeps_per_file_coords():
    files = [DATA / "py-wdf-reader/ex1.wdf", DATA / "py-wdf-reader/ex1.wdf"]
    ds = ch.read_many(files)
    assert ds.intensity.dims == ("sample", "raman_shift")


# =========================================================================== synthetic WDF
def _block(name: bytes, payload: bytes, uid: int = 0) -> bytes:
    return name + struct.pack("<IQ", uid, 16 + len(payload)) + payload


def make_wdf(spectra, x, *, kind=1, scantype=1, nspectra=None, naccum=2, laser_nm=532.0,
             xunits=1, origins=(), wmap=None, flags=0, ntracks=0, ylistcount=1, npoints=None,
             title="synthetic", xlistcount=None) -> bytes:
    """A minimal WiRE file: WDF1 header, DATA, XLST, YLST, ORGN, WMAP (offsets as documented)."""
    spectra = np.atleast_2d(np.asarray(spectra, np.float32))
    ncollected = spectra.shape[0]
    nspectra = ncollected if nspectra is None else nspectra
    npoints_header = spectra.shape[1] if npoints is None else npoints
    npoints = spectra.shape[1]
    h = bytearray(512)
    h[0:4] = b"WDF1"
    struct.pack_into("<IQQ", h, 4, 1, 512, flags)
    struct.pack_into("<IIIQQIIII", h, 52, ntracks, 0, npoints_header, nspectra, ncollected, naccum,
                     ylistcount, len(x) if xlistcount is None else xlistcount, len(origins))
    h[96:104] = b"WiRE\0\0\0\0"
    struct.pack_into("<4H", h, 120, 5, 5, 0, 1)
    struct.pack_into("<II", h, 128, scantype, kind)
    struct.pack_into("<QQ", h, 136, 133000000000000000, 133000000100000000)
    struct.pack_into("<If", h, 152, 6, 1e7 / laser_nm)
    h[208:212] = b"user"
    h[240:240 + len(title)] = title.encode()
    data = np.zeros((nspectra, npoints), np.float32)
    data[:ncollected] = spectra
    out = bytes(h) + _block(b"DATA", data.tobytes())
    out += _block(b"YLST", struct.pack("<II", 4, 16) + np.zeros(ylistcount, "<f4").tobytes())
    out += _block(b"XLST", struct.pack("<II", 1, xunits) + np.asarray(x, "<f4").tobytes())
    if origins:
        payload = struct.pack("<I", len(origins))
        for code, units, label, values, primary in origins:
            payload += struct.pack("<II", code | (0x80000000 if primary else 0), units)
            payload += label.encode().ljust(16, b"\0")
            v = np.zeros(nspectra, "<f8" if np.asarray(values).dtype.kind == "f" else "<u8")
            v[:len(values)] = values
            payload += v.tobytes()
        out += _block(b"ORGN", payload)
    if wmap is not None:
        mflags, start, step, count = wmap
        out += _block(b"WMAP", struct.pack("<II3f3f3II", mflags, 0, *start, *step, *count, 0))
    return out


def write(tmp_path, name, content: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(content)
    return p


X = np.array([1600.0, 1500.5, 1400.25, 1300.0])            # descending, not evenly spaced


def _grid_map(nx, ny, order):
    """Spectra k = 0.. with value k, positions for the given acquisition order."""
    xs, ys = [], []
    for major in range(ny if order != "column" else nx):
        minors = list(range(nx if order != "column" else ny))
        if order == "snake" and major % 2:
            minors = minors[::-1]
        for minor in minors:
            ix, iy = (minor, major) if order != "column" else (major, minor)
            xs.append(10.0 + 2.0 * ix)
            ys.append(-5.0 - 1.5 * iy)          # negative y step: rows go downwards
    spectra = np.arange(len(xs))[:, None] + np.zeros(len(X))
    return spectra, np.array(xs), np.array(ys)


@pytest.mark.parametrize("order,mflags", [("raster", 0), ("column", 2), ("snake", 4)])
def test_wdf_2d_map_orientation(tmp_path, order, mflags):
    nx, ny = 3, 2
    spectra, xs, ys = _grid_map(nx, ny, order)
    origins = [(3, 5, "X", xs, True), (4, 5, "Y", ys, True)]
    p = write(tmp_path, "map.wdf", make_wdf(spectra, X, kind=3, origins=origins,
                                           wmap=(mflags, (10, -5, 0), (2, -1.5, 1), (nx, ny, 1))))
    ds = ch.read(p)
    assert ds.intensity.dims == ("y", "x", "raman_shift")
    assert dict(ds.intensity.sizes) == {"y": ny, "x": nx, "raman_shift": 4}
    np.testing.assert_allclose(ds.x.values, [10, 12, 14])
    np.testing.assert_allclose(ds.y.values, [-5, -6.5])
    for k in range(nx * ny):        # every spectrum sits at its own stage position
        iy = int(np.argmin(np.abs(ds.y.values - ys[k])))
        ix = int(np.argmin(np.abs(ds.x.values - xs[k])))
        assert ds.intensity.values[iy, ix, 0] == k
    np.testing.assert_array_equal(ds.raman_shift.values, X)


def test_wdf_map_flags_contradicted_by_positions(tmp_path):
    spectra, xs, ys = _grid_map(3, 2, "column")               # acquired column-major ...
    origins = [(3, 5, "X", xs, True), (4, 5, "Y", ys, True)]
    p = write(tmp_path, "m.wdf", make_wdf(spectra, X, kind=3, origins=origins,   # flagged raster
                                         wmap=(0, (10, -5, 0), (2, -1.5, 1), (3, 2, 1))))
    with pytest.warns(UserWarning, match="positions"):
        ds = ch.read(p)
    assert ds.intensity.values[1, 0, 0] == 1                  # column-major: k=1 is (y1, x0)


def test_wdf_incomplete_map_and_mmap(tmp_path):
    spectra, xs, ys = _grid_map(3, 2, "raster")
    origins = [(3, 5, "X", xs[:4], True), (4, 5, "Y", ys[:4], True)]
    p = write(tmp_path, "part.wdf", make_wdf(spectra[:4], X, kind=3, nspectra=6, origins=origins,
                                            wmap=(0, (10, -5, 0), (2, -1.5, 1), (3, 2, 1))))
    ds = ch.read(p)
    assert np.isnan(ds.intensity.values[1, 1:]).all() and ds.intensity.values[1, 0, 0] == 3
    full = write(tmp_path, "full.wdf", make_wdf(
        spectra, X, kind=3, origins=[(3, 5, "X", xs, True), (4, 5, "Y", ys, True)],
        wmap=(0, (10, -5, 0), (2, -1.5, 1), (3, 2, 1))))
    mm = ch.read(full, mmap=True)
    vals = mm.intensity.values
    assert not vals.flags.writeable                           # a read-only view of the file
    np.testing.assert_array_equal(vals[:, :, 0], [[0, 1, 2], [3, 4, 5]])
    lazy = ch.read(full, chunks={"y": 1})
    assert lazy.intensity.chunks is not None
    np.testing.assert_array_equal(lazy.intensity.values, vals)


def test_wdf_line_map_and_series(tmp_path):
    spectra = np.arange(4)[:, None] + np.zeros(len(X))
    xs, ys = np.array([0.0, 0.3, 0.6, 0.9]), np.array([0.0, 0.4, 0.8, 1.2])
    line = write(tmp_path, "line.wdf", make_wdf(
        spectra, X, kind=3, scantype=7, origins=[(3, 5, "X", xs, True), (4, 5, "Y", ys, True)],
        wmap=(128, (0, 0, 0), (0.3, 0.4, 1), (4, 1, 1))))
    ds = ch.read(line)
    assert ds.intensity.dims == ("spot", "raman_shift")
    np.testing.assert_allclose(ds.distance.values, [0, 0.5, 1.0, 1.5])
    ticks = 133000000000000000 + np.arange(4, dtype=np.uint64) * 20_000_000   # 2 s apart
    series = write(tmp_path, "t.wdf", make_wdf(spectra, X, kind=2,
                                              origins=[(11, 24, "Time", ticks, True)]))
    ds = ch.read(series)
    assert ds.intensity.dims == ("time", "raman_shift")
    np.testing.assert_allclose(ds.elapsed_time.values, [0, 2, 4, 6])
    assert ds.time.dtype.kind == "M"
    depth = write(tmp_path, "z.wdf", make_wdf(spectra, X, kind=2,
                                             origins=[(5, 5, "Z", [0.0, 1, 2, 3], True)]))
    ds = ch.read(depth)
    assert ds.intensity.dims == ("spot", "raman_shift") and ds.z.attrs["units"] == "um"


def test_wdf_absolute_axis_and_compressed(tmp_path):
    wl = np.array([560.0, 570.0, 580.0])
    p = write(tmp_path, "nm.wdf", make_wdf([[1, 2, 3]], wl, xunits=3, laser_nm=532.0))
    ds = ch.read(p)
    np.testing.assert_allclose(ds.raman_shift.values, 1e7 / 532.0 - 1e7 / wl, rtol=1e-6)
    np.testing.assert_allclose(ds.wavelength.values, wl)
    gz = tmp_path / "s.wdf.gz"
    gz.write_bytes(gzip.compress(make_wdf([[1, 2, 3, 4]], X)))
    ds = ch.read(gz)
    np.testing.assert_array_equal(ds.intensity.values, [1, 2, 3, 4])
    assert int(ds.accumulations) == 2 and float(ds.laser_wavelength) == pytest.approx(532.0)


def test_wdf_malformed(tmp_path):
    good = make_wdf([[1, 2, 3, 4]], X)
    with pytest.raises(ReadError, match=r"WDF1.*byte 0|byte 0.*WDF1"):
        ch.read(write(tmp_path, "magic.wdf", b"XXXX" + good[4:]))
    with pytest.raises(ReadError, match="truncated WDF1 header"):
        ch.read(write(tmp_path, "short.wdf", good[:300]))
    with pytest.raises(ReadError, match=r"beyond the end of the file.*|truncated") as info:
        ch.read(write(tmp_path, "cut.wdf", good[:540]))
    assert "byte 512" in str(info.value) and "DATA" in str(info.value)
    with pytest.raises(ReadError, match="zero points"):
        ch.read(write(tmp_path, "zero.wdf", make_wdf([[1, 2, 3, 4]], X, npoints=0)))
    nodata = good[:512] + good[512 + 16 + 16:]
    with pytest.raises(ReadError, match="no DATA block"):
        ch.read(write(tmp_path, "nodata.wdf", nodata))
    with pytest.raises(ReadError, match="image data"):
        ch.read(write(tmp_path, "img.wdf", make_wdf([[1, 2, 3, 4]], X, ylistcount=2)))
    with pytest.raises(ReadError, match="multitrack"):
        xs = np.concatenate([X, X + 1])
        ch.read(write(tmp_path, "mt.wdf", make_wdf([[1, 2, 3, 4]], xs, ntracks=2, flags=8,
                                                   xlistcount=4)))


# =========================================================================== synthetic SPC
def make_spc(ys, *, x=None, first=100.0, last=400.0, flags=0, exp=-128, exper=11, xtype=13,
             ytype=4, ztype=0, version=0x4B, sub_x=None, z=None, log=None, comment="c"):
    """A new-format SPC file (512-byte header, optional x, subfiles, optional log)."""
    e = "<" if version != 0x4C else ">"
    ys = [np.asarray(y) for y in ys]
    npts = len(ys[0]) if sub_x is None else 0
    h = bytearray(512)
    h[0], h[1], h[2] = flags, version, exper
    struct.pack_into("b", h, 3, exp)
    struct.pack_into(e + "iddi", h, 4, npts, first, last, len(ys))
    h[28], h[29], h[30] = xtype, ytype, ztype
    h[88:88 + len(comment)] = comment.encode()
    body = bytes(h)
    if x is not None:
        body += np.asarray(x, e + "f4").tobytes()
    for i, y in enumerate(ys):
        n = len(y)
        zi = 0.0 if z is None else z[i]
        body += struct.pack(e + "BbHfffIIf4s", 0, exp, i, zi, 0, 0, n, 1, 0, b"")
        if sub_x is not None:
            body += np.asarray(sub_x[i], e + "f4").tobytes()
        if exp == -128:
            body += y.astype(e + "f4").tobytes()
        elif flags & 1:
            body += y.astype(e + "i2").tobytes()
        else:
            body += y.astype(e + "i4").tobytes()
    if log is not None:
        off = len(body)
        text = log.encode("cp1252") + b"\0"
        body = bytearray(body + struct.pack(e + "iiiii44s", 64 + len(text), 4096, 64, 0, 0, b"")
                         + text)
        struct.pack_into(e + "i", body, 248, off)
        body = bytes(body)
    return body


def test_spc_encodings(tmp_path):
    y = np.array([1.5, 2.5, 3.5, 4.5])
    even = ch.read(write(tmp_path, "even.spc", make_spc([y], log="Laser=Laser: 633 nm edge\r\n"
                                                        "Exposure_time=Time: 1500\r\n")))
    np.testing.assert_allclose(even.raman_shift.values, [100, 200, 300, 400])
    np.testing.assert_allclose(even.intensity.values, y)
    assert float(even.laser_wavelength) == 633 and float(even.exposure_time) == 1.5
    xv = np.array([10.0, 20.0, 25.0, 40.0])
    txv = ch.read(write(tmp_path, "txv.spc", make_spc([y], x=xv, flags=0x80)))
    np.testing.assert_allclose(txv.raman_shift.values, xv)
    ints = np.array([100, -200, 300, 2**30])
    i32 = ch.read(write(tmp_path, "i32.spc", make_spc([ints], exp=20)))
    np.testing.assert_allclose(i32.intensity.values, ints * 2.0 ** (20 - 32))
    i16 = ch.read(write(tmp_path, "i16.spc", make_spc([np.array([1, 2, 3, -4])], exp=10,
                                                       flags=1)))
    np.testing.assert_allclose(i16.intensity.values, np.array([1, 2, 3, -4]) * 2.0 ** (10 - 16))
    big = ch.read(write(tmp_path, "big.spc", make_spc([y], version=0x4C)))
    np.testing.assert_allclose(big.intensity.values, y)


def test_spc_multifiles(tmp_path):
    ys = [np.arange(4.0) + i for i in range(3)]
    multi = ch.read(write(tmp_path, "m.spc", make_spc(ys, flags=0x04, z=[0.0, 5.0, 10.0],
                                                      ztype=0)))
    assert multi.intensity.dims == ("spot", "raman_shift")
    np.testing.assert_allclose(multi.z.values, [0, 5, 10])
    np.testing.assert_allclose(multi.intensity.values[2], ys[2])
    timed = ch.read(write(tmp_path, "t.spc", make_spc(ys, flags=0x04, z=[0, 1, 2], ztype=4)))
    assert timed.intensity.dims == ("time", "raman_shift")
    sub_x = [np.array([100.0, 200, 300, 400]), np.array([200.0, 300, 400, 500])]
    xy = ch.read(write(tmp_path, "xy.spc", make_spc(ys[:2], flags=0x04 | 0x40 | 0x80,
                                                    sub_x=sub_x)))
    np.testing.assert_allclose(xy.raman_shift.values, [100, 200, 300, 400, 500])
    assert np.isnan(xy.intensity.values[0, 4]) and np.isnan(xy.intensity.values[1, 0])
    np.testing.assert_allclose(xy.intensity.values[1, 1:], ys[1])


def test_spc_technique_and_axes(tmp_path):
    y = np.array([1.0, 2.0, 3.0])
    ftir = ch.read(write(tmp_path, "ir.spc", make_spc([y], exper=4, xtype=1, ytype=2,
                                                      first=4000, last=400)))
    assert ftir.attrs["technique"] == "spectrum" and "wavenumber" in ftir.dims
    assert "absorbance" in ftir.data_vars
    nm = write(tmp_path, "nm.spc", make_spc([y], xtype=3, first=540, last=560))
    with pytest.raises(ReadError, match="laser wavelength"):
        ch.read(nm)
    ds = ch.read(nm, laser_wavelength=532.0)
    np.testing.assert_allclose(ds.raman_shift.values, 1e7 / 532 - 1e7 / np.array([540, 550, 560]))


def test_spc_malformed(tmp_path):
    good = make_spc([np.arange(4.0)])
    with pytest.raises(ReadError, match="old-format"):
        ch.read(write(tmp_path, "old.spc", good[:1] + b"\x4d" + good[2:]))
    with pytest.raises(ReadError, match="version byte"):
        ch.read(write(tmp_path, "bad.spc", good[:1] + b"\x00" + good[2:]))
    with pytest.raises(ReadError, match="truncated SPC header"):
        ch.read(write(tmp_path, "short.spc", good[:100]))
    with pytest.raises(ReadError, match="more than the file"):
        ch.read(write(tmp_path, "cut.spc", good[:-6]))
    two = make_spc([np.arange(4.0), np.arange(4.0)], flags=0x04)
    with pytest.raises(ReadError, match="past the end of the file") as info:
        ch.read(write(tmp_path, "cut2.spc", two[:-6]))
    assert "byte 592" in str(info.value)
    zero = bytearray(good)
    struct.pack_into("<i", zero, 4, 0)
    with pytest.raises(ReadError, match="0 points"):
        ch.read(write(tmp_path, "zero.spc", bytes(zero)))


# =========================================================================== text maps
def test_wire_text_map(tmp_path):
    lines = ["#X\t\t#Y\t\t#Wave\t\t#Intensity"]
    k = 0
    for y in (-1.0, 1.0):
        for x in (0.0, 2.0, 4.0):
            for s in (300.0, 200.0, 100.0):
                lines.append(f"{x}\t{y}\t{s}\t{k * 10 + s / 100}")
            k += 1
    p = tmp_path / "map.txt"
    p.write_text("\r\n".join(lines) + "\r\n")
    ds = ch.read(p)
    assert ds.attrs["reader"] == "raman_text_map"
    assert dict(ds.intensity.sizes) == {"y": 2, "x": 3, "raman_shift": 3}
    np.testing.assert_allclose(ds.raman_shift.values, [300, 200, 100])
    np.testing.assert_allclose(ds.intensity.values[1, 2], [53, 52, 51])
    np.testing.assert_allclose(ds.x.values, [0, 2, 4])
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines[:-1]) + "\n")                 # last spectrum is short
    with pytest.raises(ReadError, match="spectra"):
        ch.read(bad)


def test_labspec_wide_text_map(tmp_path):
    rows = ["#Acq. time (s)=\t1", "#Laser (nm)=\t632.8", "\t\t100.5\t200.5\t300.5"]
    for y in (5.0, 6.0):
        for x in (1.0, 2.0):
            rows.append(f"{x}\t{y}\t{x}\t{y}\t{x + y}")
    p = tmp_path / "labspec_map.txt"
    p.write_text("\n".join(rows) + "\n")
    ds = ch.read(p)
    assert dict(ds.intensity.sizes) == {"y": 2, "x": 2, "raman_shift": 3}
    np.testing.assert_allclose(ds.intensity.values[1, 0], [1, 6, 7])
    assert float(ds.laser_wavelength) == 632.8


def test_plain_two_column_text_is_left_to_delimited(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("\n".join(f"{100 + i}\t{i * i}" for i in range(10)) + "\n")
    assert ch.read(p).attrs["reader"] == "delimited"


def test_labspec_xml_malformed(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text("<?xml version='1.0'?><LSX_Data><LSX_Tree></LSX_Tree>")
    with pytest.raises(ReadError, match="malformed XML"):
        ch.read(p)
    p.write_text("<?xml version='1.0'?><LSX_Data><LSX_Tree/></LSX_Data>")
    with pytest.raises(ReadError, match="LSX_Matrix"):
        ch.read(p)


# =========================================================================== builder
def test_builder_checks_and_helpers():
    with pytest.raises(ReadError, match="no spectral points"):
        _raman.build_raman("f", intensity=np.zeros(0), raman_shift=[])
    with pytest.raises(ReadError, match="expected 1 batch"):
        _raman.build_raman("f", intensity=np.zeros((2, 3)), raman_shift=[1, 2],
                           batch_dims=("spot",))
    with pytest.raises(ReadError, match="not physical batch dims"):
        _raman.build_raman("f", intensity=np.zeros((2, 2)), raman_shift=[1, 2],
                           batch_dims=("axis0",))
    with pytest.raises(ReadError, match="laser wavelength"):
        _raman.to_raman_shift("f", [500.0], "nm", None)
    shift, attrs, orig = _raman.to_raman_shift("f", [2.0], "eV", 532.0)
    assert shift[0] == pytest.approx(1e7 / 532 - 2 * 8065.543937, rel=1e-9)
    rng = np.random.default_rng(0)
    gx, gy = np.meshgrid([0.0, 1.0, 2.0], [5.0, 4.0])
    x = gx.ravel() + rng.normal(0, 0.01, 6)
    y = gy.ravel() + rng.normal(0, 0.01, 6)
    xs, ys, col, row = _raman.regular_grid(x, y)
    np.testing.assert_allclose(xs, [0, 1, 2], atol=0.05)
    np.testing.assert_allclose(ys, [5, 4], atol=0.05)           # scan direction kept
    np.testing.assert_array_equal(row * 3 + col, np.arange(6))
    assert _raman.regular_grid(x[:5], y[:5]) is None            # incomplete grid
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert json.loads(_raman.to_json({"t": np.datetime64("2020-01-01"), "b": b"ab",
                                          "n": float("nan")}))["n"] is None


# =========================================================================== text exports
# A LabSpec 6 text export header as HORIBA writes it (``#key=<TAB>value``, cp1252 ``cm-¹``).
LABSPEC_HEADER = ("#Acq. time (s)=\t8\n#Accumulations=\t8\n#Range (cm-¹)=\t168...3282\n"
                  "#Windows=\t3\n#Spike filter=\tMultiple accum.\n#Dark correction=\tOff\n"
                  "#Instrument=\tLabRAM HR Evol\n#Detector=\tSyncerity OE\n#Objective=\t100\n"
                  "#Grating=\t600 (750nm)\n#Laser=\t{laser}\n#ND Filter=\t25%\n#Hole=\t100\n"
                  "#Title=\tPST10\n#Acquired=\t25.01.2022 09:06:10\n")


def _labspec_text(tmp_path, body: str, laser="785nm_Edge", extra="", name="labspec.txt"):
    p = tmp_path / name
    p.write_bytes((LABSPEC_HEADER.format(laser=laser) + extra + body).encode("cp1252"))
    return p


@needs_data
@pytest.mark.parametrize("stem", [DATALAB, NCAL])
def test_wire_text_export_is_raman_without_technique(stem):
    txt, wdf = ch.read(DATA / (stem + ".txt")), read(stem + ".wdf")
    assert txt.attrs["technique"] == "raman" and txt.attrs["reader"] == "delimited"
    np.testing.assert_allclose(txt.raman_shift.values, wdf.raman_shift.values, rtol=1e-6,
                               atol=1e-6)
    np.testing.assert_allclose(txt.intensity.values, wdf.intensity.values, rtol=1e-6, atol=1e-6)
    assert "laser_wavelength" not in txt.coords          # WiRE text does not state it


@needs_data
def test_labspec_text_export_header_recognised_and_parsed(tmp_path):
    body = (DATA / "ramanchada2/experimental/Horiba/PST10_iR785_OP01_8000msx8.txt").read_text()
    plain = np.loadtxt(DATA / "ramanchada2/experimental/Horiba/PST10_iR785_OP01_8000msx8.txt")
    ds = ch.read(_labspec_text(tmp_path, body))
    assert ds.attrs["technique"] == "raman"
    np.testing.assert_array_equal(ds.raman_shift.values, plain[:, 0])
    np.testing.assert_array_equal(ds.intensity.values, plain[:, 1])
    assert float(ds.laser_wavelength) == 785.0 and ds.laser_wavelength.attrs["units"] == "nm"
    assert float(ds.exposure_time) == 8.0 and ds.exposure_time.attrs["units"] == "s"
    assert int(ds.accumulations) == 8
    assert str(ds.instrument.values) == "LabRAM HR Evol"
    assert ds.acquisition_time.values == np.datetime64("2022-01-25T09:06:10")
    meta = json.loads(ds.attrs["original_metadata"])
    assert meta["Range (cm-¹)"] == "168...3282" and meta["Laser"] == "785nm_Edge"


@needs_data
def test_crystallite_size_works_on_a_labspec_text_file(tmp_path):
    """The laser line is what ``raman.crystallite_size`` needs; same La as from the wdf."""
    body = (DATA / (DATALAB + ".txt")).read_text().split("\n", 1)[1]     # drop "#Wave ..."
    ds = ch.read(_labspec_text(tmp_path, body, laser="633nm_HeNe",
                               extra="#Laser (nm)=\t632.7992585866812\n"))
    assert float(ds.laser_wavelength) == pytest.approx(632.7992585866812, abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_txt = ch.raman.crystallite_size(ds)
        from_wdf = ch.raman.crystallite_size(read(DATALAB + ".wdf"))
    assert np.isfinite(from_txt.crystallite_size)
    assert float(from_txt.crystallite_size) == pytest.approx(float(from_wdf.crystallite_size),
                                                             rel=1e-4)


def test_labspec_wavelength_axis(tmp_path):
    """``#Range (nm)``: converted with the laser line; without one it is not Raman."""
    lam = np.linspace(540.0, 600.0, 61)
    body = "".join(f"{v:.4f}\t{i}\n" for i, v in enumerate(lam))
    header = "#Acq. time (s)=\t1\n#Accumulations=\t2\n#Range (nm)=\t540...600\n"
    p = tmp_path / "pl.txt"
    p.write_text(header + body)
    assert ch.read(p).attrs["technique"] == "spectrum"         # emission spectrum, no laser
    p.write_text(header + "#Laser (nm)=\t532.0\n" + body)
    ds = ch.read(p)
    assert ds.attrs["technique"] == "raman"
    np.testing.assert_allclose(ds.raman_shift.values, 1e7 / 532.0 - 1e7 / lam, rtol=1e-12)
    assert ds.raman_shift.attrs["original_units"] == "nm"


@pytest.mark.parametrize("meta, expected", [
    ({"Laser": "532nm_Edge"}, 532.0),
    ({"Laser": "633nm_HeNe", "Laser (nm)": "632.817"}, 632.817),
    ({"laser_wavelength": "532,02"}, 532.02),
    ({"Excitation wavelength": "785"}, 785.0),
    ({"Laser": "785 nm", "Laser power": "10 mW"}, 785.0),
    ({"Laser": "off"}, None),
    ({"Laser power (mW)": "50"}, None),
    ({"Laser": "5 nm"}, None),                       # not a plausible excitation
    ({"Wavelength": "1.5406"}, None),
])
def test_laser_line_parsing(meta, expected):
    from characterization.io.raman.text_header import laser_wavelength

    assert laser_wavelength(meta) == expected


def test_raman_header_evidence_and_contradictions(tmp_path):
    rows = "".join(f"{100 + 2.5 * i:.2f}\t{i % 7}\n" for i in range(30))
    p = tmp_path / "t.txt"
    p.write_text("Laser: 532 nm\n" + rows)
    ds = ch.read(p)
    assert ds.attrs["technique"] == "raman" and float(ds.laser_wavelength) == 532.0
    p.write_text("Laser: 532 nm\nAnode: Cu\n" + rows)            # Raman and X-ray: undecided
    assert ch.read(p).attrs["technique"] == "spectrum"
    p.write_text("# Wave   # Intensity\n" + rows)
    assert ch.read(p).attrs["technique"] == "raman"
