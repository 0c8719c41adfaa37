"""Renishaw WiRE ``.wdf`` reader: single spectra, extended scans, series, line maps and 2-D maps.

Format coverage
---------------
Files written by WiRE (tested on WiRE 4.1, 4.4, 5.1 and 5.5 files): single static and extended
(continuous) scans, StreamLine / StreamLineHR line and area maps, point-by-point maps in raster,
column-major or snake order, depth / time / temperature series. The result follows
:mod:`characterization.io.raman._build`:

* a single spectrum: ``intensity(raman_shift)``;
* a regular map (``WMAP`` block with a rectangular area): ``intensity(y, x, raman_shift)`` with
  stage coordinates ``y``, ``x`` in µm, in acquisition direction (a negative step gives a
  descending coordinate). The orientation is taken from the ``WMAP`` counts and order flags and
  **checked against every spectrum's X/Y stage position** in ``ORGN``: if the flags and the
  positions disagree, the positions win (with a warning). Spectra missing from an aborted map
  are NaN;
* a line map (``WMAP`` XY-line flag), random points, a volume map or any set of spectra that is
  not a complete grid: ``intensity(spot, raman_shift)`` with ``x``, ``y`` (and ``z``) on ``spot``
  and, for lines, ``distance`` (µm) from the first point;
* a time series: ``intensity(time, raman_shift)`` with ``time`` (datetime64) and
  ``elapsed_time`` (s); other series (depth, temperature ...): ``spot`` with the series
  coordinate (``z``, ``temperature`` ...).

The x axis (``XLST``) is kept exactly as stored (float32 values, usually descending and not
evenly spaced). Absolute axes (nm, absolute cm⁻¹, eV) are converted explicitly to Raman shift
with the header's laser wavelength, the original kept as a coordinate. Intensities stay float32.
Scalar coordinates: ``laser_wavelength`` (nm, ``1e7 / laser_wavenumber`` of the header),
``accumulations`` (the header's count; the measurement property set may show a different
per-scan setting, as in ``ex1.wdf``: 3 in the header, 1 in the scan settings),
``exposure_time`` (s, the measurement property set's "Exposure Time" in ms),
``title``, ``software`` (``"WiRE 4.4.0.6602"``), ``operator``, ``objective``,
``acquisition_time`` (UTC); per-spectrum ``acquisition_time`` and, when any is set,
``spectrum_flags`` (saturation/cosmic-ray bits) on the batch dims.
``attrs["original_metadata"]`` holds, as JSON, the header fields, the block list, the map area,
the origin list, the comment and the property sets (WXDA acquisition, WXDM measurement, WXIS
instrument, WXCS calibration, ZLDC zero level; long strings cut, binary items summarised).

Not supported (ReadError saying so): multitrack files whose tracks have different x axes,
``XYXY`` files (several x lists), image data (``YLST`` with more than one row), and the
processed-data blocks (PCA, curve-fit and component maps are not read).

Layout relied on (all little-endian)
------------------------------------
The file is a sequence of blocks, each ``char id[4]; uint32 uid; uint64 size`` (size includes
this 16-byte header), the first being ``WDF1`` (512 bytes):

* ``WDF1`` header at byte 0: ``uint32 version; uint64 size; uint64 flags; 16-byte uuid;
  12 unused bytes``, then at byte 52 ``uint32 ntracks, status, npoints; uint64 nspectra,
  ncollected; uint32 naccum, ylistcount, xlistcount, origincount; char appname[24];
  uint16 version[4]; uint32 scantype, type; uint64 time_start, time_end (FILETIME);
  uint32 units; float32 laser_wavenumber`` (byte 156), 48 spare bytes, ``char user[32],
  title[160]`` (byte 240).
* ``DATA``: ``nspectra × npoints`` float32, spectrum after spectrum (only ``ncollected`` are
  filled).
* ``XLST`` / ``YLST``: ``uint32 type, units``; then ``xlistcount`` / ``ylistcount`` float32.
* ``ORGN``: ``uint32 count``; per origin ``uint32 type`` (bit 31: primary), ``uint32 units``,
  ``char label[16]``, then ``nspectra`` 8-byte values (float64; uint64 for times (FILETIME),
  flags and checksums).
* ``WMAP``: ``uint32 flags, unused; float32 start[3], step[3]; uint32 count[3];
  uint32 linefocus_count``. Flags: 1 random points, 2 column-major (Y fastest), 4 snake
  (alternate rows reversed), 8 line-focus, 128 XY line.
* ``WXDA``, ``WXDM``, ``WXIS``, ``WXCS``: WiRE property sets (``PSET`` streams).

Library choice
--------------
Renishaw's own ``renishaw-wdf`` package (Apache-2.0) was evaluated on every test file: its
header, x list, origins and map area are correct, but it returns every spectrum as a Python
tuple (0.33 s and 7.6 MB of Python floats for the 235-spectrum line map; a 10^6-spectrum map
would need ~30 GB), re-scans the block list on each spectrum, and raises bare ``struct.error`` /
``IOError`` on damaged files. So the blocks above are parsed here with :mod:`struct` and
:func:`numpy.frombuffer`, and ``DATA`` is read with one :func:`numpy.fromfile` call, or mapped
with :class:`numpy.memmap` (no copy: a raster map is a reshaped view of the file) when it is
larger than :data:`MMAP_THRESHOLD` or ``mmap=True`` (the mapping is read-only; it keeps the
file open while the Dataset lives). Maps in column-major or snake order, or incomplete ones,
are gathered into a new array (a copy). Only the WiRE property sets (a nested, vendor-defined
key/value encoding with a predefined key table) are decoded with the vendor's ``wdf.pset``
parser, imported lazily; a property set it cannot decode is reported in the metadata and never
stops the read.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import arrange, build_raman, plausible_laser, to_raman_shift
from ._wdf_blocks import (_BLOCK, _FLAG_MULTITRACK, _FLAG_XYXY, _UNITS, MAGIC, _axis_list,
                          _blocks, _File, _find, _find_key, _header, _map_area, _origins, _psets)
from ._wdf_layout import _coords, _layout

#: DATA blocks larger than this (bytes) are memory-mapped instead of read into memory.
MMAP_THRESHOLD = 256 * 1024**2

def _sniff(head: bytes, path: Path) -> bool:
    """WDF1 magic; any ``.wdf`` file is taken too, so a damaged one gets a precise error."""
    return head[:4] == MAGIC or _source.logical_suffix(path) == ".wdf"


@register_reader("wdf", extensions=(".wdf",), sniff=_sniff, technique="raman",
                 description="Renishaw WiRE .wdf (single, series, line and area maps)")
def read_wdf(path, *, mmap: bool | None = None, chunks=None,
             laser_wavelength: float | None = None):
    """Read a Renishaw WiRE ``.wdf`` file.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    mmap : bool, optional
        Memory-map the spectra (``numpy.memmap``, read-only) instead of reading them; default:
        only when the ``DATA`` block exceeds :data:`MMAP_THRESHOLD` (256 MiB). A raster map is
        then a view of the file: nothing is copied until used.
    chunks : dict or "auto", optional
        Return a dask-backed Dataset with these chunks (``{"y": 64}``), for maps that do not fit
        in memory.
    laser_wavelength : float, optional
        Laser wavelength (nm) overriding the header's (only needed for absolute x axes).

    Returns
    -------
    xarray.Dataset
        ``intensity`` over ``raman_shift`` (and ``y``, ``x`` / ``spot`` / ``time``) with the
        coordinates listed in the module docstring.

    Raises
    ------
    ReadError
        Wrong magic, truncated header or block, a block size beyond the end of the file, zero
        points or spectra, unsupported layouts (multitrack, XYXY, images).

    Examples
    --------
    >>> ds = read_wdf("map.wdf")                              # doctest: +SKIP
    >>> ds.intensity.sel(raman_shift=1580, method="nearest").plot()   # doctest: +SKIP
    """
    path = Path(os.fspath(path))
    f = _File(_source.check_file(path))
    hdr = _header(f)
    blocks = _blocks(f)
    npoints, nspectra, ncollected = hdr["npoints"], hdr["nspectra"], hdr["ncollected"]
    if npoints == 0:
        raise ReadError(path, "the header declares zero points per spectrum", "byte 60")
    if hdr["flags"] & _FLAG_XYXY:
        raise ReadError(path, "XYXY .wdf files (several x lists and data blocks) are not "
                              "supported")
    if hdr["ylistcount"] > 1:
        raise ReadError(path, f"the file holds image data ({hdr['ylistcount']} rows per "
                              "spectrum, YLST block); only spectra are supported")
    data_block = _find(blocks, b"DATA")
    xlist_block = _find(blocks, b"XLST")
    for name, block in (("DATA", data_block), ("XLST", xlist_block)):
        if block is None:
            raise ReadError(path, f"no {name} block; blocks present: "
                                  f"{[b.label for b in blocks]}")

    # x axis
    count = hdr["xlistcount"]
    ntracks = hdr["ntracks"] if hdr["flags"] & _FLAG_MULTITRACK else 1
    if count != npoints:
        raise ReadError(path, f"XLST has {count} values but spectra have {npoints} points",
                        f"byte {xlist_block.offset}")
    xtype, xunits, xall = _axis_list(f, xlist_block, count * max(ntracks, 1))
    x = xall[:count]
    if ntracks > 1 and not np.array_equal(xall.reshape(ntracks, count), np.broadcast_to(
            x, (ntracks, count))):
        raise ReadError(path, f"multitrack file with {ntracks} different x axes is not "
                              "supported", f"byte {xlist_block.offset}")

    # spectra
    per = npoints * 4
    stored = (data_block.size - _BLOCK.size) // per
    if stored < min(ncollected, nspectra) or stored == 0:
        raise ReadError(path, f"DATA block holds {stored} spectra of {npoints} points, the "
                              f"header declares {ncollected} collected",
                        f"byte {data_block.offset}")
    n = min(ncollected, nspectra, stored) if ncollected else min(nspectra, stored)
    if n == 0:
        raise ReadError(path, "no spectra were collected (header: 0 collected)", "byte 72")
    use_mmap = (per * n > MMAP_THRESHOLD) if mmap is None else bool(mmap)
    spectra = f.floats(data_block.offset + _BLOCK.size, n * npoints, (n, npoints), use_mmap)

    # origins and map area
    org_block, wmap_block = _find(blocks, b"ORGN"), _find(blocks, b"WMAP")
    origins = _origins(f, org_block, nspectra) if org_block is not None else []
    wmap = _map_area(f, wmap_block) if wmap_block is not None else None
    layout = _layout(path, hdr, wmap, origins, n)
    coords, origin_scalars = _coords(layout, n)
    if layout["kind"] == "grid":      # a view of the file when raster and complete
        intensity = arrange(spectra, layout["shape"], layout["iy"], layout["ix"],
                            raster=layout["raster"])
    elif layout["kind"] == "single":
        intensity = spectra[0]
    else:
        intensity = spectra

    # laser and axis
    laser = (plausible_laser(laser_wavelength) if laser_wavelength is not None else
             plausible_laser(1e7 / hdr["laser_wavenumber"]) if hdr["laser_wavenumber"] > 0
             else None)
    xunit, xmeaning = _UNITS.get(xunits, ("", "unknown"))
    if xunits == 16:
        raise ReadError(path, "the x axis is in pixels (uncalibrated); export a calibrated "
                              "spectrum from WiRE", f"byte {xlist_block.offset}")
    if xunit == "1/cm abs" and np.nanmax(np.abs(x)) < 3000:
        xunit = "nm"              # code 2 holding wavelengths (seen in some exports)
    if xunit not in ("1/cm", "1/cm abs", "nm", "eV"):
        raise ReadError(path, f"x axis has units code {xunits} ({xmeaning}); expected a Raman "
                              "shift, a wavelength, a wavenumber or an energy",
                        f"byte {xlist_block.offset}")
    shift, sattrs, original = to_raman_shift(path, x, xunit, laser, what="XLST axis")
    shift_coords = {original[0]: (original[1], original[2])} if original else None

    # intensity units
    iunit, imeaning = _UNITS.get(hdr["units"], ("", "unknown"))
    iattrs = {} if iunit == "count" else {"original_units": imeaning}

    # metadata
    psets = _psets(f, blocks)
    comment_block = _find(blocks, b"TEXT")
    comment = (f.read(comment_block.offset + 16, comment_block.size - 16)
               .split(b"\0", 1)[0].decode("utf-8", "replace").strip()
               if comment_block is not None else "")
    exposure = _find_key(psets.get("measurement", {}), "Exposure Time")
    objective = _find_key(psets.get("instrument", {}), "Objective name")
    scalars = {
        "laser_wavelength": laser,
        "accumulations": int(hdr["naccum"]) if hdr["naccum"] else None,
        "exposure_time": (float(exposure) / 1000.0 if isinstance(exposure, (int, float))
                          else None),
        "title": hdr["title"] or None,
        "software": f"{hdr['appname']} {hdr['appversion']}".strip() or None,
        "operator": hdr["user"] or None,
        "objective": objective if isinstance(objective, str) and objective else None,
        "acquisition_time": ((hdr["time_start"], None, "Acquisition start (UTC)")
                             if not np.isnat(hdr["time_start"]) else None),
    }
    for name, value in origin_scalars.items():
        if name == "acquisition_time":
            if not np.isnat(value):        # the spectrum's own time stamp
                scalars[name] = (value, None, "Acquisition time (UTC)")
        elif name not in scalars:
            scalars[name] = value
    for name in coords:                   # per-spectrum values replace the file-level ones
        scalars.pop(name, None)
    meta = {"header": {k: v for k, v in hdr.items()}, "blocks":
            [[b.label, b.uid, b.offset, b.size] for b in blocks],
            "x_list": {"type": xtype, "units": xunits, "meaning": xmeaning},
            "map_area": wmap, "comment": comment,
            "origins": [{k: o[k] for k in ("label", "code", "primary", "units")}
                        for o in origins],
            "exposure_time_units": "ms (WiRE 'Exposure Time'), converted to s",
            "layout": layout["kind"], **psets}
    ds = build_raman(path, intensity=intensity, raman_shift=shift, batch_dims=layout["dims"],
                     coords=coords, shift_attrs=sattrs, shift_coords=shift_coords,
                     intensity_attrs=iattrs, scalars=scalars, original_metadata=meta,
                     attrs={"reader": "wdf"})
    if chunks is not None:
        ds = ds.chunk(chunks)
    return ds
