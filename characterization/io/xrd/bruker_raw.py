"""Bruker / Siemens DIFFRAC binary ``.raw`` reader: v1 (``RAW ``), v3 (``RAW1.01``), v4 (``RAW4.00``).

Why our own parser
------------------
xylib reads v1/v2/v3 but not v4, and the geddes reader silently keeps only the first range of a
multi-range file. This is a small ``struct`` parser with the offsets below; it keeps **every
range** (:func:`characterization.io.xrd._build.stack_ranges`), and every read is
bounds-checked so a truncated or foreign file raises :class:`~characterization.errors.ReadError` naming the byte
offset and what was expected (never a bare ``struct.error``). ``RAW2`` (v2) files are not read
(no sample file to test against); they raise ReadError saying so.

Layouts (little endian, offsets in bytes)
-----------------------------------------
**v1** (``RAW ``), per range a 156-byte header followed by ``steps`` float32 counts; later ranges
may or may not repeat the ``RAW `` magic::

    0 char[4] "RAW "   4 u32 steps   8 f32 time/step (s)   12 f32 step (deg)   16 u32 scan mode
    24 f32 start 2θ   28 f32 start θ   40 char[32] sample   72 f32 Kα1   76 f32 Kα2
    152 u32 history number   156 data

**v3** (``RAW1.01``): a 712-byte file header then per range a 304-byte header, a supplementary
header of the declared size, and ``steps`` float32 counts::

    file:  12 u32 range count   16 char[10] date   26 char[10] time   36 char[72] user
           108 char[218] site   326 char[60] sample ID   386 char[160] comment
           608 char[4] anode   616 f64 Kα average   624 f64 Kα1   632 f64 Kα2   640 f64 Kβ
           648 f64 Kα2/Kα1 ratio   664 f32 total measurement time
    range: 0 u32 header length (304)   4 u32 steps   8 f64 start θ   16 f64 start 2θ
           176 f64 step (deg)   192 f32 time per step (s)   224 u32 kV   228 u32 mA
           252 u32 data record length (4)   256 u32 supplementary header size
           304 + supplementary size: float32 counts

**v4** (``RAW4.00``) is a walk, not a table: after a 61-byte preamble the file is a chain of
``(u32 type, u32 length)`` segments; type 10 is a key/value text record (key char[24] at +12,
value at +36: ``SAMPLEID`` ...), type 30 the X-ray source (at +72: f64 Kα average, Kα1, Kα2,
Kβ, ratio; anode char[4] at +116). A type of 0 or 160 is not a segment but marks a range::

    +32 char[24] scan type     p = marker + 72:
    p+0 f64 start   p+8 f64 step   p+16 u32 steps   p+20 f32 time/step (ms)   p+28 f32 kV
    p+32 f32 mA   p+40 f64 wavelength   p+64 u32 datum size   p+68 u32 header size
    p+88: a nested segment chain of ``header size`` bytes (type 50 = drive: flag at +8, name
    char[24] at +12, position f64 at +56), then ``steps`` records of ``datum size`` bytes whose
    first float32 is the count.

The chain is walked to the end of the file (ranges are not counted in advance). The 2θ axis is
``start + step * i`` as the file states it (no rounding). Counts are stored as float32 counts
per step; ``counting_time`` is seconds per step.
"""

from __future__ import annotations

import struct
import warnings

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import build_xrd, stack_ranges

V1_MAGIC, V3_MAGIC, V4_MAGIC = b"RAW ", b"RAW1.01", b"RAW4.00"


def _sniff(head: bytes, path) -> bool:
    if head.startswith(V3_MAGIC) or head.startswith(V4_MAGIC):
        return True
    # v1: "RAW " then a u32 step count; a text file (GSAS title "RAW ...") has no NUL there
    return head.startswith(V1_MAGIC) and len(head) >= 8 and head[7] == 0


class _Buf:
    """Bounds-checked little-endian reads raising ReadError with the byte offset."""

    def __init__(self, path, data: bytes):
        self.path, self.data = path, data

    def unpack(self, fmt: str, at: int, what: str):
        size = struct.calcsize("<" + fmt)
        if at < 0 or at + size > len(self.data):
            raise ReadError(self.path, f"file ends inside {what} (needs {size} bytes, file has "
                            f"{len(self.data)}); truncated or not a Bruker RAW file",
                            position=f"byte {at}")
        return struct.unpack_from("<" + fmt, self.data, at)

    def one(self, fmt, at, what):
        return self.unpack(fmt, at, what)[0]

    def text(self, at: int, n: int) -> str:
        return self.data[at:at + n].split(b"\0")[0].decode("latin-1").strip()

    def floats(self, at: int, n: int, what: str, stride: int = 4) -> np.ndarray:
        end = at + stride * n
        if n < 0 or end > len(self.data):
            raise ReadError(self.path, f"{what}: {n} points of {stride} bytes need bytes "
                            f"{at}–{end} but the file has {len(self.data)}; truncated file",
                            position=f"byte {at}")
        if stride == 4:
            return np.frombuffer(self.data, dtype="<f4", count=n, offset=at).astype(float)
        rec = np.frombuffer(self.data, dtype=np.uint8, count=stride * n, offset=at)
        return rec.reshape(n, stride)[:, :4].copy().view("<f4").ravel().astype(float)


def _finite(v):
    """A positive finite value or None; a float32 widened to float64 (1.5405999422) is given
    back as the float32's shortest decimal (1.5406), the value the software wrote."""
    if v is None or not np.isfinite(v) or v <= 0:
        return None
    v = float(v)
    f32 = np.float32(v)
    return float(np.format_float_positional(f32, unique=True)) if float(f32) == v else v


def _read_v1(path, b: _Buf):
    out, at, k = [], 0, 0
    while at < len(b.data):
        if b.data[at:at + 4] == V1_MAGIC:
            at += 4
        elif k == 0:
            raise ReadError(path, "expected magic 'RAW '", position="byte 0")
        h = at - 4  # offsets below relative to a header that starts with the magic
        steps = b.one("I", h + 4, f"range {k} step count")
        tstep, step = b.unpack("ff", h + 8, f"range {k} step time/size")
        start = b.one("f", h + 24, f"range {k} start angle")
        sample = b.text(h + 40, 32)
        ka1, ka2 = b.unpack("ff", h + 72, f"range {k} wavelengths")
        y = b.floats(h + 156, steps, f"range {k} counts")
        out.append(dict(start=float(start), step=float(step), y=y, time=_finite(tstep),
                        sample=sample, ka1=_finite(ka1), ka2=_finite(ka2)))
        at = h + 156 + 4 * steps
        k += 1
    meta = {"version": "RAW v1", "ranges": [{k: v for k, v in r.items() if k != "y"}
                                            for r in out]}
    first = out[0] if out else {}
    return out, dict(sample=first.get("sample"), ka1=first.get("ka1"), ka2=first.get("ka2"),
                     ratio=None, kb=None, anode=None), meta


def _read_v3(path, b: _Buf):
    n_ranges = b.one("I", 12, "range count")
    if n_ranges > 10000:
        raise ReadError(path, f"implausible range count {n_ranges}", position="byte 12")
    b.one("d", 704, "the 712-byte file header")
    head = dict(date=b.text(16, 10), time=b.text(26, 10), user=b.text(36, 72),
                site=b.text(108, 218), sample=b.text(326, 60), comment=b.text(386, 160),
                anode=b.text(608, 4))
    ka, ka1, ka2, kb, ratio = b.unpack("5d", 616, "wavelengths")
    head.update(ka_average=ka, ka1=_finite(ka1), ka2=_finite(ka2), kb=_finite(kb),
                ratio=ratio if np.isfinite(ratio) and ratio >= 0 else None,
                total_time=b.one("f", 664, "measurement time"))
    out, at = [], 712
    for k in range(n_ranges):
        hlen, steps = b.unpack("II", at, f"range {k} header")
        if hlen != 304:
            raise ReadError(path, f"range {k} header length {hlen}, expected 304",
                            position=f"byte {at}")
        theta, start = b.unpack("dd", at + 8, f"range {k} start angles")
        step = b.one("d", at + 176, f"range {k} step size")
        tstep = b.one("f", at + 192, f"range {k} time per step")
        kv, ma = b.unpack("II", at + 224, f"range {k} generator")
        reclen, supp = b.unpack("II", at + 252, f"range {k} record sizes")
        if reclen not in (0, 4):
            raise ReadError(path, f"range {k} data record length {reclen}, expected 4",
                            position=f"byte {at + 252}")
        data_at = at + 304 + supp
        y = b.floats(data_at, steps, f"range {k} counts")
        out.append(dict(start=start, step=step, y=y, time=_finite(tstep), start_theta=theta,
                        kv=kv, ma=ma, supplementary_bytes=supp))
        at = data_at + 4 * steps
    meta = {"version": "RAW1.01", **head,
            "ranges": [{k: v for k, v in r.items() if k != "y"} for r in out]}
    return out, head, meta


def _read_v4(path, b: _Buf):
    n = len(b.data)
    keys, head, out = {}, dict(ka1=None, ka2=None, kb=None, ratio=None, anode=None), []
    at = 61
    while at + 4 <= n:
        kind = b.one("I", at, "segment type")
        if kind in (0, 160):
            scan_type = b.text(at + 32, 24)
            p = at + 72
            start, step = b.unpack("dd", p, "range start/step")
            steps, tms = b.unpack("If", p + 16, "range step count/time")
            kv, ma = b.unpack("ff", p + 28, "range generator")
            wl = b.one("d", p + 40, "range wavelength")
            dsize, hsize = b.unpack("II", p + 64, "range datum/header sizes")
            if dsize < 4 or dsize % 4:
                raise ReadError(path, f"range datum size {dsize}, expected a multiple of 4",
                                position=f"byte {p + 64}")
            drives, c, end = [], p + 88, p + 88 + hsize
            while c < end:
                dk, dl = b.unpack("II", c, "range header segment")
                if dk == 50:
                    drives.append(dict(name=b.text(c + 12, 24),
                                       flag=b.one("I", c + 8, "drive flag"),
                                       position=b.one("d", c + 56, "drive position")))
                c += max(dl, 8)
            if c != end:
                raise ReadError(path, f"range header segments overrun its declared "
                                f"{hsize} bytes", position=f"byte {p + 88}")
            y = b.floats(end, steps, f"range {len(out)} counts", stride=dsize)
            out.append(dict(start=start, step=step, y=y, scan_type=scan_type,
                            time=_finite(tms / 1000.0), kv=kv, ma=ma, wavelength=wl,
                            drives=drives))
            at = end + dsize * steps
            continue
        kind, length = b.unpack("II", at, "segment header")
        length = max(length, 8)
        if at + length > n:
            raise ReadError(path, f"segment type {kind} declares {length} bytes, only "
                            f"{n - at} remain; truncated file", position=f"byte {at}")
        if kind == 10:
            keys[b.text(at + 12, 24).upper()] = b.text(at + 36, length - 36)
        elif kind == 30:
            _, ka1, ka2, kb, ratio = b.unpack("5d", at + 72, "X-ray source wavelengths")
            head.update(ka1=_finite(ka1), ka2=_finite(ka2), kb=_finite(kb),
                        ratio=ratio if np.isfinite(ratio) and ratio >= 0 else None,
                        anode=b.text(at + 116, 4) or None)
        at += length
    head["sample"] = keys.get("SAMPLEID")
    meta = {"version": "RAW4.00", **keys, **{k: v for k, v in head.items()},
            "ranges": [{k: v for k, v in r.items() if k != "y"} for r in out]}
    return out, head, meta


@register_reader("bruker_raw", extensions=(".raw",), sniff=_sniff, technique="xrd")
def read_bruker_raw(path, **options):
    """Bruker/Siemens DIFFRAC binary RAW (v1, v3 ``RAW1.01``, v4 ``RAW4.00``), every range."""
    data = _source.read_bytes(path)
    b = _Buf(path, data)
    if data.startswith(V3_MAGIC):
        ranges, head, meta = _read_v3(path, b)
    elif data.startswith(V4_MAGIC):
        ranges, head, meta = _read_v4(path, b)
    elif data.startswith(V1_MAGIC):
        ranges, head, meta = _read_v1(path, b)
    elif data.startswith(b"RAW2"):
        raise ReadError(path, "Bruker RAW v2 ('RAW2') is not supported", position="byte 0")
    else:
        raise ReadError(path, f"expected Bruker RAW magic 'RAW ', 'RAW1.01' or 'RAW4.00', "
                        f"found {data[:8]!r}", position="byte 0")
    if not ranges:
        raise ReadError(path, "no data range found")
    anode = (head.get("anode") or "").strip().capitalize() or None
    ka1 = head.get("ka1")
    out = []
    for k, r in enumerate(ranges):
        y = r["y"]
        if r["step"] == 0 or not np.isfinite(r["step"]) or not np.isfinite(r["start"]):
            raise ReadError(path, f"range {k}: start {r['start']!r} / step {r['step']!r} "
                            "do not define a 2θ axis")
        x = r["start"] + r["step"] * np.arange(y.size)
        wl = ka1 if ka1 is not None else _finite(r.get("wavelength"))
        extra = {}
        if head.get("sample"):
            extra["sample"] = ((), head["sample"], {"long_name": "Sample ID"})
        if r.get("scan_type"):
            extra["scan_type"] = ((), r["scan_type"], {"long_name": "Scan type"})
        with warnings.catch_warnings():
            if k:
                warnings.simplefilter("ignore")  # warn once about a missing wavelength
            out.append(build_xrd(path, x, y, reader="bruker_raw", wavelength=wl,
                                 wavelength_alpha2=head.get("ka2") if wl else None,
                                 alpha2_ratio=head.get("ratio") if wl else None,
                                 wavelength_beta=head.get("kb") if wl else None,
                                 radiation=anode, counting_time=r.get("time"),
                                 metadata=meta, extra_coords=extra))
    return stack_ranges(path, out)
