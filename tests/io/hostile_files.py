"""Builders of hostile input files (small on disk, absurd once decompressed or allocated) and of
mutants of real files, for tests/io/test_hostile.py.

Every builder writes into a folder it is given and returns the path; nothing here reads a file
through characterization.
"""

from __future__ import annotations

import gzip
import random
import struct
import zipfile
import zlib
from pathlib import Path

MiB = 1024 ** 2


def _repeated(chunk: bytes, total: int):
    """(raw deflate stream, CRC-32) of ``chunk`` repeated up to ``total`` bytes, built without
    holding the content: after a full flush the compressor starts afresh, so every whole block
    of 1 MiB compresses to the same bytes, which are repeated."""
    block = (chunk * (MiB // len(chunk) + 1))[:MiB]
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    assert first == again
    whole, rest = divmod(total, MiB)
    crc = 0
    for _ in range(whole):
        crc = zlib.crc32(block, crc)
    tail = block[:rest]
    crc = zlib.crc32(tail, crc)
    stream = first * whole + comp.compress(tail) + comp.flush()
    return stream, crc


def gz_of_blanks(folder: Path, size: int = 384 * MiB, name: str = "blanks.xy.gz") -> Path:
    """A ``.gz`` whose content is ``size`` spaces (about 0.1 % of that on disk)."""
    stream, crc = _repeated(b" ", size)
    path = folder / name
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + stream
                     + struct.pack("<II", crc, size & 0xFFFFFFFF))
    return path


def corrupted_gz(folder: Path, source: bytes, name: str = "pattern.xy.gz", seed: int = 0) -> Path:
    """A ``.gz`` of ``source`` whose deflate stream has bytes overwritten (zlib.error on read)."""
    data = bytearray(gzip.compress(source))
    rng = random.Random(seed)
    for _ in range(8):
        i = rng.randrange(12, max(13, len(data) - 8))
        data[i] ^= 0xFF
    path = folder / name
    path.write_bytes(bytes(data))
    return path


def _stored_zip_entry(name: str, payload_deflated: bytes, crc: int, real_size: int,
                      declared_size: int, offset: int):
    """Local header + data and central-directory record of one deflated member."""
    fname = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc,
                        len(payload_deflated), declared_size, len(fname), 0) + fname
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                          len(payload_deflated), declared_size, len(fname), 0, 0, 0, 0, 0,
                          offset) + fname
    return local + payload_deflated, central


def zip_with_members(path: Path, members: list[tuple[str, bytes, int, int | None]]) -> Path:
    """Write a zip whose members are ``(name, chunk, real_size, declared_size)``: ``chunk``
    repeated to ``real_size`` bytes, deflated; the headers claim ``declared_size`` (None: the
    truth), so a member can lie about its size. The CRC is that of the real content."""
    body, centrals = b"", []
    for name, chunk, real_size, declared in members:
        deflated, crc = _repeated(chunk, real_size)
        local, central = _stored_zip_entry(name, deflated, crc, real_size,
                                           real_size if declared is None else declared, len(body))
        body += local
        centrals.append(central)
    cd = b"".join(centrals)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(centrals), len(centrals), len(cd),
                      len(body), 0)
    path.write_bytes(body + cd + end)
    return path


def xlsx_bomb(folder: Path, size: int = 512 * MiB) -> Path:
    """An ``.xlsx`` whose worksheet decompresses to ``size`` bytes of blanks."""
    return zip_with_members(folder / "bomb.xlsx", [
        ("[Content_Types].xml", b"<?xml version='1.0'?><Types/>", 29, None),
        ("xl/workbook.xml", b"<workbook/>", 11, None),
        ("xl/worksheets/sheet1.xml", b" " * 65536, size, None)])


def lying_rasx(folder: Path, size: int = 512 * MiB) -> Path:
    """A ``.rasx`` whose profile member claims 100 bytes but decompresses to ``size``."""
    return zip_with_members(folder / "lying.rasx", [
        ("Data0/Profile0.txt", b"10.0 1.0 1.0\n" * 4096, size, 100)])


def big_member(folder: Path, suffix: str, member: str, size: int = 500 * MiB) -> Path:
    """A zip container (``.rasx``/``.brml``) with one honest member of ``size`` bytes."""
    return zip_with_members(folder / f"big{suffix}", [(member, b"\n" * 65536, size, None)])


def netcdf3_absurd_dims(folder: Path) -> Path:
    """A classic netCDF-3 file (under 200 bytes) declaring a 2**30 × 2**30 float64 variable."""
    def name(s):
        b = s.encode()
        return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)

    n = 2 ** 30
    header = b"CDF\x01" + struct.pack(">I", 0)
    header += struct.pack(">II", 0x0A, 2) + name("y") + struct.pack(">I", n) \
        + name("x") + struct.pack(">I", n)
    header += struct.pack(">II", 0x0C, 1) + name("technique") + struct.pack(">II", 2, 3) \
        + b"xrd\0"
    var = name("intensity") + struct.pack(">I", 2) + struct.pack(">II", 0, 1) \
        + struct.pack(">II", 0, 0) + struct.pack(">II", 6, 0xFFFFFFFF)
    header += struct.pack(">II", 0x0B, 1) + var
    begin = len(header) + 4
    path = folder / "absurd.nc"
    path.write_bytes(header + struct.pack(">I", begin) + b"\0" * 64)
    return path


def hdf5_absurd_dims(folder: Path) -> Path:
    """A netCDF-4/HDF5 file of a few kB declaring a 10**6 × 10**6 chunked, unwritten variable."""
    import h5netcdf

    path = folder / "absurd.h5"
    with h5netcdf.File(path, "w") as f:
        f.dimensions = {"y": 1_000_000, "x": 1_000_000}
        f.attrs["technique"] = "xrd"
        f.create_variable("intensity", ("y", "x"), float, chunks=(1000, 1000))
    return path


def netcdf_bad_technique(folder: Path, value, name: str) -> Path:
    """A small valid netCDF-4 file whose global ``technique`` attribute is ``value``."""
    import numpy as np
    import xarray as xr

    ds = xr.Dataset({"intensity": ("two_theta", np.ones(5), {"units": "count"})},
                    coords={"two_theta": ("two_theta", np.arange(5.0), {"units": "deg"})},
                    attrs={"technique": value})
    path = folder / name
    ds.to_netcdf(path, engine="h5netcdf")
    return path


# --------------------------------------------------------------------------- mutants
def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One mutant of ``data``: bit flips, truncation, insertion, header corruption or a
    line-end swap (the transformations that damaged files show)."""
    kind = rng.choice(("flip", "truncate", "insert", "header", "line_ends", "delete"))
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        b = b[:rng.randrange(1, len(b))]
    elif kind == "insert":
        i = rng.randrange(len(b) + 1)
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        if rng.random() < 0.3:
            junk = rng.choice((b"\x00" * 32, b"\xff" * 32, b"-1e308 ", b"nan,", b"9" * 40))
        b[i:i] = junk
    elif kind == "delete":
        i = rng.randrange(len(b))
        del b[i:i + rng.randint(1, 256)]
    elif kind == "header":
        n = min(len(b), 512)
        for _ in range(rng.randint(1, 24)):
            b[rng.randrange(n)] = rng.randrange(256)
    else:
        swap = rng.choice(((b"\r\n", b"\n"), (b"\n", b"\r\n"), (b"\n", b"\r"), (b"\r", b"")))
        b = bytearray(bytes(b).replace(*swap))
    return kind, bytes(b or b"\0")


def escapes(seeds: list[Path], read, expected: type[Exception], folder: Path,
            rng: random.Random, n: int) -> list[str]:
    """Write ``n`` mutants of the ``seeds`` (in turn) into ``folder`` and call ``read`` on each
    (it may assert on what it read); returns what escaped other than ``expected`` (the readers'
    ``ReadError``), one line per mutant."""
    escaped = []
    for k in range(n):
        seed = seeds[k % len(seeds)]
        kind, data = mutate(seed.read_bytes(), rng)
        path = folder / f"{k:04d}_{seed.name}"
        path.write_bytes(data)
        try:
            read(path)
        except expected:
            pass
        except Exception as exc:  # noqa: BLE001 - the point is to list what escapes
            escaped.append(f"{seed.name} {kind}: {type(exc).__name__}: {exc}"[:300])
        path.unlink()
    return escaped
