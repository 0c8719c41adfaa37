"""Geometry of Renishaw WiRE ``.wdf`` spectra: which batch dims (``y``/``x`` grid, ``spot``,
``time``) the collected spectra form, where each spectrum goes, and the coordinates of the batch
dims and per-spectrum origins (rules in :mod:`.wdf`).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._build import arrange, regular_grid, scan_order
from ._wdf_blocks import (_LENGTH_TO_UM, _MAP_COLUMN_MAJOR, _MAP_RANDOM, _MAP_SNAKE,
                          _MAP_XYLINE, _UNITS)

def _length_um(values, units_code, what, path):
    unit = _UNITS.get(units_code, ("", ""))[0]
    if unit not in _LENGTH_TO_UM:
        warnings.warn(f"{path}: {what} positions have units code {units_code} "
                      f"({_UNITS.get(units_code, ('', 'unknown'))[1]}); kept unconverted and "
                      "labelled um", stacklevel=4)
        return values
    return values * _LENGTH_TO_UM[unit]


def _grid_from_wmap(path, wmap, x, y, n, nspectra):
    """(ny, nx, iy, ix, xs, ys) of a rectangular WMAP area, checked against positions."""
    nx, ny, _ = wmap["count"]
    flags = wmap["flags"]
    (x0, y0, _), (dx, dy, _) = wmap["start"], wmap["step"]
    if nx < 1 or ny < 1 or n > nx * ny or nx * ny > max(nspectra, n):
        return None                       # the DATA block has no room for such a grid
    k = np.arange(n)
    iy, ix = scan_order(n, nx, ny, column_major=bool(flags & _MAP_COLUMN_MAJOR),
                        snake=bool(flags & _MAP_SNAKE))
    if x is not None and y is not None:
        def agrees(ix_, iy_):
            ok = True
            for pos, idx, s0, ds, cnt in ((x, ix_, x0, dx, nx), (y, iy_, y0, dy, ny)):
                if cnt > 1 and ds != 0:
                    ok &= bool(np.all(np.abs(pos - (s0 + idx * ds)) <= 0.5 * abs(ds)))
            return ok

        if not agrees(ix, iy):
            # The order flags disagree with the stage: index each spectrum by its position.
            with np.errstate(divide="ignore", invalid="ignore"):
                ixp = np.rint((x - x0) / dx).astype(np.int64) if nx > 1 and dx else 0 * k
                iyp = np.rint((y - y0) / dy).astype(np.int64) if ny > 1 and dy else 0 * k
            inside = ((ixp >= 0) & (ixp < nx) & (iyp >= 0) & (iyp < ny)).all()
            if not (inside and np.unique(iyp * nx + ixp).size == n and agrees(ixp, iyp)):
                return None
            warnings.warn(f"{path}: map order flags ({flags:#x}) disagree with the stage "
                          "positions; spectra placed by their X/Y positions", stacklevel=4)
            ix, iy = ixp, iyp
    xs = x0 + np.arange(nx) * float(dx)
    ys = y0 + np.arange(ny) * float(dy)
    if x is not None and y is not None:       # measured stage positions, averaged per column/row
        for pos, idx, nodes in ((x, ix, xs), (y, iy, ys)):
            cnt = np.bincount(idx, minlength=len(nodes))
            tot = np.bincount(idx, weights=pos, minlength=len(nodes))
            nodes[cnt > 0] = tot[cnt > 0] / cnt[cnt > 0]
    return ny, nx, iy, ix, xs, ys


def _layout(path, hdr, wmap, origins, n):
    """Batch dims, how to lay out the n collected spectra, and their coordinates."""
    by_name = {o["name"]: o for o in origins}
    pos = {}
    for axis in ("x", "y", "z"):
        if axis in by_name and by_name[axis]["values"].dtype.kind == "f":
            o = by_name[axis]
            pos[axis] = _length_um(o["values"][:n], o["units"], axis.upper(), path)
    extra = [o for o in origins if o["name"] not in ("x", "y", "checksum")]
    is_map = hdr["type"] == 3 or ("x" in pos and "y" in pos and n > 1)

    if hdr["nspectra"] <= 1 and n <= 1:
        return {"dims": (), "kind": "single", "extra": extra, "pos": pos}
    if is_map and wmap is not None and not wmap["flags"] & (_MAP_RANDOM | _MAP_XYLINE) \
            and wmap["count"][2] <= 1:
        grid = _grid_from_wmap(path, wmap, pos.get("x"), pos.get("y"), n, hdr["nspectra"])
        if grid is not None:
            ny, nx, iy, ix, xs, ys = grid
            raster = n == nx * ny and np.array_equal(iy * nx + ix, np.arange(n))
            return {"dims": ("y", "x"), "kind": "grid", "shape": (ny, nx), "iy": iy, "ix": ix,
                    "raster": raster, "xs": xs, "ys": ys, "extra": extra, "pos": pos}
        warnings.warn(f"{path}: the spectra do not fill the map area of the WMAP block; read "
                      "as a list of spots", stacklevel=3)
    elif is_map and (wmap is None) and "x" in pos and "y" in pos:
        grid = regular_grid(pos["x"], pos["y"])
        if grid is not None and len(grid[0]) > 1 and len(grid[1]) > 1:
            xs, ys, ix, iy = grid
            raster = np.array_equal(iy * len(xs) + ix, np.arange(n))
            return {"dims": ("y", "x"), "kind": "grid", "shape": (len(ys), len(xs)), "iy": iy,
                    "ix": ix, "raster": raster, "xs": xs, "ys": ys, "extra": extra, "pos": pos}
    primary = [o for o in origins if o["primary"] and o["name"] not in ("x", "y")]
    if hdr["type"] == 2 and primary and primary[0]["name"] == "time":
        return {"dims": ("time",), "kind": "time", "extra": extra, "pos": pos}
    line = wmap is not None and bool(wmap["flags"] & _MAP_XYLINE)
    return {"dims": ("spot",), "kind": "line" if line else "spot", "extra": extra, "pos": pos}


def _coords(layout, n):
    """Coordinates of the batch dims and per-spectrum origins."""
    dims, kind, coords, scalars = layout["dims"], layout["kind"], {}, {}
    pos = layout["pos"]
    if kind == "grid":
        coords["x"] = (("x",), layout["xs"], "um", "Stage position x")
        coords["y"] = (("y",), layout["ys"], "um", "Stage position y")

        def per_spectrum(v, fill):
            return arrange(v[:n], layout["shape"], layout["iy"], layout["ix"],
                           raster=layout["raster"], fill=fill)
    else:
        def per_spectrum(v, fill):
            return v[:n]
        if kind == "single":
            scalars.update({axis: (float(pos[axis][0]), "um", f"Stage position {axis}")
                            for axis in ("x", "y") if axis in pos and pos[axis].size})
        else:
            for axis in ("x", "y"):
                if axis in pos:
                    coords[axis] = (dims, pos[axis], "um", f"Stage position {axis}")
            if kind == "line" and "x" in pos and "y" in pos:
                d = np.hypot(pos["x"] - pos["x"][0], pos["y"] - pos["y"][0])
                coords["distance"] = (dims, d, "um", "Distance along the line")
    for o in layout["extra"]:
        name, code, v = o["name"], o["code"], o["values"]
        if code == 17:                      # spectrum flags: only when something is flagged
            if np.any(v[:n]) and dims:
                coords["spectrum_flags"] = (dims, per_spectrum(v.astype(np.int64), -1), "",
                                            "WiRE spectrum flags (bit 0 saturated, 1 error, "
                                            "2 cosmic ray)")
            continue
        if v.dtype.kind == "M":
            if kind == "time" and name == "time":
                t = v[:n]
                coords["time"] = (dims, t, None, "Acquisition time (UTC)")
                coords["elapsed_time"] = (dims, (t - t[0]) / np.timedelta64(1, "s"), "s",
                                          "Time since the first spectrum")
            elif dims:
                coords["acquisition_time"] = (dims, per_spectrum(v, np.datetime64("NaT")),
                                              None, "Acquisition time (UTC)")
            else:
                scalars["acquisition_time"] = v[0]
            continue
        units, meaning = _UNITS.get(o["units"], ("", "unknown"))
        if name == "z" or units in _LENGTH_TO_UM and name in ("focus_track_z", "paf_z"):
            vals, units = v * _LENGTH_TO_UM.get(units, 1.0), "um"
        elif name == "exposure_time" and units in ("us", "ms", "s"):
            vals, units = v * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[units], "s"
            name = "spectrum_exposure_time"
        else:
            vals = v
            units = "" if units in (None, "1/cm abs") else units
        label = o["label"] or name
        if dims:
            coords[name] = (dims, per_spectrum(vals, np.nan), units, label)
        else:
            scalars[name] = (float(vals[0]), units, label)
    return coords, scalars


