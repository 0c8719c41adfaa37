"""Block structure of Renishaw WiRE ``.wdf`` files: header, block list, axis lists, origins,
map area and property sets (the byte layout is described in :mod:`.wdf`).

Every read is bounds-checked against the file size and the block sizes, so a damaged file
gives a ReadError naming the block and byte, never a bare ``struct.error``.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _source

MAGIC = b"WDF1"
_HEADER = struct.Struct("<4sIQQ16s12xIIIQQIIII24s4HIIQQIf48x32s160s")
_HEADER_SIZE = 512
_BLOCK = struct.Struct("<4sIQ")
_WMAP = struct.Struct("<II3f3f3II")

_TYPES = {0: "unspecified", 1: "single", 2: "series", 3: "map"}
_SCAN_TYPES = {0: "unspecified", 1: "static", 2: "continuous", 3: "step-repeat",
               4: "filter scan", 5: "filter image", 6: "StreamLine", 7: "StreamLineHR",
               8: "point detector"}
_FLAG_MULTITRACK, _FLAG_XYXY = 1 << 3, 1 << 0
_MAP_RANDOM, _MAP_COLUMN_MAJOR, _MAP_SNAKE, _MAP_LINEFOCUS, _MAP_XYLINE = 1, 2, 4, 8, 128

#: WiRE data-unit codes -> (pint units, what they mean).
_UNITS = {0: ("", "arbitrary"), 1: ("1/cm", "Raman shift"), 2: ("1/cm abs", "wavenumber"),
          3: ("nm", "nanometre"), 4: ("eV", "electron volt"), 5: ("um", "micron"),
          6: ("count", "counts"), 7: ("", "electrons"), 8: ("mm", "millimetre"),
          9: ("m", "metre"), 10: ("K", "kelvin"), 11: ("Pa", "pascal"), 12: ("s", "seconds"),
          13: ("ms", "milliseconds"), 14: ("h", "hours"), 15: ("day", "days"),
          16: ("", "pixels"), 17: ("", "intensity"), 18: ("", "relative intensity"),
          19: ("deg", "degrees"), 20: ("rad", "radians"), 21: ("degC", "celsius"),
          22: ("degF", "fahrenheit"), 23: ("K/min", "kelvin per minute"),
          24: (None, "FILETIME"), 25: ("us", "microseconds"), 26: ("V", "volts"),
          27: ("A", "amps"), 28: ("mA", "milliamps"), 29: ("", "strain"), 30: ("ohm", "ohms"),
          31: ("degR", "degrees R"), 32: ("C", "coulombs"), 33: ("pC", "picocoulombs")}

#: WiRE data-type codes of the origins -> coordinate name.
_ORIGIN_NAMES = {3: "x", 4: "y", 5: "z", 6: "r", 7: "theta", 8: "phi", 9: "temperature",
                 10: "pressure", 11: "time", 13: "polarization", 14: "focus_track_z",
                 15: "ramp_rate", 16: "checksum", 17: "flags", 18: "elapsed_time",
                 19: "frequency", 24: "paf_z", 25: "paf_z_error", 26: "paf_signal",
                 27: "exposure_time", 28: "external_signal"}
_LENGTH_TO_UM = {"um": 1.0, "nm": 1e-3, "mm": 1e3, "m": 1e6}
_FILETIME_UNIX = 116444736000000000          # 100-ns ticks from 1601-01-01 to 1970-01-01
_PSET_BLOCKS = {b"WXDA": "acquisition", b"WXDM": "measurement", b"WXIS": "instrument",
                b"WXCS": "calibration", b"ZLDC": "zero_level_dark_current"}
_MAX_STRING = 2000


@dataclass
class _Block:
    name: bytes
    uid: int
    offset: int
    size: int

    @property
    def label(self) -> str:
        return self.name.decode("latin-1")


class _File:
    """Random access to the bytes of a (possibly compressed) file; never reads it all."""

    def __init__(self, path: Path):
        self.path = path
        if _source.compression_suffix(path):
            self.buf = _source.read_bytes(path)
            self.size = len(self.buf)
        else:
            self.buf = None
            self.size = path.stat().st_size

    def read(self, offset: int, n: int) -> bytes:
        if self.buf is not None:
            return self.buf[offset:offset + n]
        try:
            with open(self.path, "rb") as fh:
                fh.seek(offset)
                return fh.read(n)
        except OSError as exc:
            raise ReadError(self.path, f"cannot read file: {exc}", f"byte {offset}") from exc

    def floats(self, offset: int, count: int, shape, use_mmap: bool) -> np.ndarray:
        """``count`` little-endian float32 from ``offset`` (memory-mapped or read)."""
        if self.buf is not None:
            return np.frombuffer(self.buf, "<f4", count, offset).reshape(shape)
        try:
            if use_mmap:
                return np.memmap(self.path, dtype="<f4", mode="r", offset=offset, shape=shape)
            arr = np.fromfile(self.path, dtype="<f4", count=count, offset=offset)
        except (OSError, ValueError) as exc:
            raise ReadError(self.path, f"cannot read spectra: {exc}", f"byte {offset}") from exc
        if arr.size != count:
            raise ReadError(self.path, f"DATA holds {arr.size} values, expected {count}",
                            f"byte {offset}")
        return arr.reshape(shape)


# --------------------------------------------------------------------------- structure
def _header(f: _File) -> dict:
    raw = f.read(0, _HEADER_SIZE)
    if raw[:4] != MAGIC:
        raise ReadError(f.path, f"not a WiRE .wdf file: starts with {raw[:4]!r}, expected "
                                f"{MAGIC!r}", "byte 0")
    if len(raw) < _HEADER_SIZE:
        raise ReadError(f.path, f"truncated WDF1 header: {len(raw)} bytes, expected "
                                f"{_HEADER_SIZE}", "byte 0")
    (_, version, size, flags, uuid, ntracks, status, npoints, nspectra, ncollected, naccum,
     ylistcount, xlistcount, origincount, appname, v1, v2, v3, v4, scantype, dtype, t0, t1,
     units, laser_wn, user, title) = _HEADER.unpack_from(raw)

    def text(b):
        return b.split(b"\0", 1)[0].decode("utf-8", errors="replace").strip()

    return {"version": version, "header_size": size, "flags": flags, "uuid": uuid.hex(),
            "ntracks": ntracks, "status": status, "npoints": npoints, "nspectra": nspectra,
            "ncollected": ncollected, "naccum": naccum, "ylistcount": ylistcount,
            "xlistcount": xlistcount, "origincount": origincount, "appname": text(appname),
            "appversion": f"{v1}.{v2}.{v3}.{v4}", "scantype": scantype,
            "scantype_name": _SCAN_TYPES.get(scantype & 0xFF, str(scantype)),
            "type": dtype, "type_name": _TYPES.get(dtype, str(dtype)),
            "time_start": _filetime(np.array([t0], dtype=np.uint64))[0],
            "time_end": _filetime(np.array([t1], dtype=np.uint64))[0],
            "units": units, "laser_wavenumber": float(laser_wn), "user": text(user),
            "title": text(title)}


def _blocks(f: _File) -> list[_Block]:
    blocks, pos = [], 0
    while pos < f.size:
        raw = f.read(pos, _BLOCK.size)
        if len(raw) < _BLOCK.size:
            raise ReadError(f.path, f"truncated block header: {len(raw)} bytes left at the end "
                                    f"of the file, a block header has {_BLOCK.size}",
                            f"byte {pos}")
        name, uid, size = _BLOCK.unpack(raw)
        label = name.decode("latin-1")
        if size < _BLOCK.size:
            raise ReadError(f.path, f"block {label!r} declares a size of {size} bytes, less "
                                    f"than its own {_BLOCK.size}-byte header", f"byte {pos}")
        if pos + size > f.size:
            raise ReadError(f.path, f"block {label!r} declares {size} bytes, which ends at byte "
                                    f"{pos + size}, beyond the end of the file ({f.size} "
                                    "bytes): the file is truncated", f"byte {pos}")
        blocks.append(_Block(name, uid, pos, size))
        pos += size
    return blocks


def _find(blocks, name: bytes) -> _Block | None:
    return next((b for b in blocks if b.name == name), None)


def _payload(f: _File, block: _Block, need: int, what: str) -> bytes:
    data = f.read(block.offset + _BLOCK.size, block.size - _BLOCK.size)
    if len(data) < need:
        raise ReadError(f.path, f"{block.label} block holds {len(data)} bytes, expected at least "
                                f"{need} ({what})", f"byte {block.offset}")
    return data


def _axis_list(f: _File, block: _Block, count: int) -> tuple[int, int, np.ndarray]:
    data = _payload(f, block, 8 + 4 * count, f"2 codes + {count} float32 values")
    dtype, units = struct.unpack_from("<II", data)
    return dtype, units, np.frombuffer(data, "<f4", count, 8).astype(np.float64)


def _filetime(ticks: np.ndarray) -> np.ndarray:
    """Windows FILETIME (100 ns since 1601) -> datetime64[ns]; 0 (not recorded) -> NaT."""
    t = np.asarray(ticks, dtype=np.uint64)
    out = np.full(t.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = (t > _FILETIME_UNIX) & (t < _FILETIME_UNIX + np.uint64(92233720368547758))
    out[ok] = ((t[ok] - np.uint64(_FILETIME_UNIX)).astype(np.int64) * 100).astype(
        "datetime64[ns]")
    return out


def _origins(f: _File, block: _Block, nspectra: int) -> list[dict]:
    head = _payload(f, block, 4, "origin count")
    (count,) = struct.unpack_from("<I", head)
    each = 24 + 8 * nspectra
    data = _payload(f, block, 4 + count * each,
                    f"{count} origins of 24 + 8 × {nspectra} bytes")
    out = []
    for i in range(count):
        off = 4 + i * each
        dtype, units = struct.unpack_from("<II", data, off)
        label = data[off + 8:off + 24].split(b"\0", 1)[0].decode("utf-8", "replace")
        code = dtype & 0x3FFFFFFF
        raw = np.frombuffer(data, "<u8", nspectra, off + 24)
        if units == 24:
            values = _filetime(raw)
        elif code in (16, 17):
            values = raw.copy()
        else:
            values = raw.view("<f8").astype(np.float64)
        out.append({"code": code, "primary": bool(dtype & 0x80000000), "units": units,
                    "label": label, "name": _ORIGIN_NAMES.get(code, _safe_name(label)),
                    "values": values})
    return out


def _safe_name(label: str) -> str:
    name = "".join(c if c.isalnum() else "_" for c in label.strip().lower()).strip("_")
    return name or "origin"


def _map_area(f: _File, block: _Block) -> dict:
    data = _payload(f, block, _WMAP.size, "map area of 48 bytes")
    flags, _, sx, sy, sz, dx, dy, dz, nx, ny, nz, lf = _WMAP.unpack_from(data)
    return {"flags": flags, "start": [sx, sy, sz], "step": [dx, dy, dz],
            "count": [nx, ny, nz], "linefocus_count": lf}


# --------------------------------------------------------------------------- property sets
def _psets(f: _File, blocks) -> dict:
    out = {}
    wanted = [b for b in blocks if b.name in _PSET_BLOCKS]
    if not wanted:
        return out
    try:
        from wdf.pset import Pset
    except ImportError:
        return {"property_sets": "not decoded: the renishaw-wdf package is not installed"}
    for block in wanted:
        key = _PSET_BLOCKS[block.name.upper()]
        raw = f.read(block.offset + _BLOCK.size, block.size - _BLOCK.size)
        try:
            pset = Pset.fromstream(io.BytesIO(raw))
            out[key] = _pset_dict(pset) if pset is not None else {}
        except Exception as exc:  # noqa: BLE001 - vendor metadata must never stop a read
            out[key] = f"not decoded ({type(exc).__name__}: {exc})"
    return out


def _pset_dict(pset, depth: int = 0) -> dict:
    from wdf.pset import Pset

    out = {}
    for key, item in pset:
        try:
            value = item.value
        except Exception as exc:  # noqa: BLE001
            out[key] = f"not decoded ({type(exc).__name__})"
            continue
        if isinstance(value, Pset):
            out[key] = _pset_dict(value, depth + 1) if depth < 12 else "<nested>"
        elif isinstance(value, (bytes, bytearray)):
            out[key] = f"<{len(value)} bytes>"
        elif isinstance(value, str) and len(value) > _MAX_STRING:
            out[key] = value[:_MAX_STRING] + f"... [{len(value) - _MAX_STRING} more characters]"
        elif isinstance(value, tuple) and len(value) > 64:
            out[key] = f"<array of {len(value)} values>"
        else:
            out[key] = value
    return out


def _find_key(tree, name):
    """First value of ``name`` anywhere in a nested dict (depth first)."""
    if isinstance(tree, dict):
        if name in tree and not isinstance(tree[name], dict):
            return tree[name]
        for value in tree.values():
            found = _find_key(value, name)
            if found is not None:
                return found
    return None


