"""Bruker DIFFRAC-AT / DIFFRAC plus ``.uxd`` text reader (every range).

Layout: ``;`` comment lines, ``_KEY=value`` header lines (string values in single quotes), and
per range a data block introduced by a keyword line:

* ``_COUNTS`` / ``_CPS``: intensities only (one or several per line); the axis is
  ``_START + _STEPSIZE * i`` of that range;
* ``_2THETACOUNTS`` / ``_2THETACPS`` (and other ``_<DRIVE>COUNTS``): ``angle intensity`` pairs;
  the axis is the file's first column, unless the range's ``_START``/``_STEPSIZE`` reproduce
  it point for point to within half a step: then ``_START + _STEPSIZE * i`` is used, because
  converters print the column with 4 significant figures (``35.38`` for 35.385°) while the
  header keeps 6 decimals.

Keys seen before the first range (``_WL1``, ``_WL2``, ``_WL3``, ``_WLRATIO``, ``_ANODE``,
``_SAMPLE`` ...) apply to the file; keys after a data block (``_STEPTIME``, ``_START``,
``_STEPSIZE``, ``_RANGE_WL`` ...) belong to the next range. ``*CPS`` blocks are stored as
``count/s`` (no conversion); ``_STEPTIME`` is kept as ``counting_time`` (s per step).
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ._build import build_xrd, stack_ranges

_KEY = re.compile(r"^_([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$")
#: A number written with a decimal comma ("3,016"), or a plain number, as one whitespace token.
_DECIMAL_COMMA = re.compile(r"[-+]?\d+(?:,\d+)?(?:[eE][-+]?\d+)?")
_BLOCK = re.compile(r"^_([A-Za-z0-9]*)(COUNTS|CPS)\s*$", re.I)


def _sniff(head: bytes, path) -> bool:
    text = head[:4096].decode("latin-1", "replace")
    return bool(re.search(r"^_FILEVERSION\s*=", text, re.M)) and bool(
        re.search(r"^_(WL1|START|STEPSIZE|DRIVE|SAMPLE)\s*=", text, re.M))


def _value(raw: str):
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].strip()
    try:
        return float(raw)
    except ValueError:
        return raw


def _num(meta: dict, key: str, path):
    v = meta.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, str):
        raise ReadError(path, f"_{key}={v!r} is not a number")
    return float(v) if np.isfinite(v) else None


@register_reader("uxd", extensions=(".uxd",), sniff=_sniff, technique="xrd")
def read_uxd(path, **options):
    """Bruker DIFFRAC-AT ``.uxd`` text export (all ranges)."""
    text, _enc = _source.read_text(path)
    file_meta: dict = {}
    ranges: list[dict] = []
    cur_meta: dict = {}
    block = None  # dict(kind=, paired=, rows=[], line=)
    in_range = False

    def close():
        nonlocal block, cur_meta
        if block is not None:
            ranges.append(dict(meta=cur_meta, **block))
            block, cur_meta = None, {}

    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        if s.startswith(";"):
            if "range" in s.lower():
                close()
                in_range = True
            continue
        m = _BLOCK.match(s)
        if m:
            close()
            drive = m.group(1).upper()
            block = dict(kind=m.group(2).upper(), paired=bool(drive), drive=drive or None,
                         rows=[], line=lineno)
            continue
        m = _KEY.match(s)
        if m:
            close()
            key, val = m.group(1).upper(), _value(m.group(2))
            if key in ("DRIVE", "STEPTIME", "STEPSIZE", "START"):
                in_range = True
            (cur_meta if in_range else file_meta)[key] = val
            continue
        if block is None:
            raise ReadError(path, f"unexpected line {s[:40]!r}; expected a _KEY=value or a "
                            "data block (_COUNTS, _2THETACOUNTS ...)", position=f"line {lineno}")
        tokens = s.split()
        if (len(tokens) > 1 and any("," in t for t in tokens)
                and all(_DECIMAL_COMMA.fullmatch(t) for t in tokens)):
            s = s.replace(",", ".")         # "3,000<TAB>187": a decimal-comma locale
        try:
            vals = [float(t) for t in s.replace(",", " ").split()]
        except ValueError:
            raise ReadError(path, f"expected numbers, found {s[:40]!r}",
                            position=f"line {lineno}") from None
        if block["paired"] and len(vals) < 2:
            raise ReadError(path, "expected 'angle intensity' pairs",
                            position=f"line {lineno}")
        block["rows"].append(vals[:2] if block["paired"] else vals)
    close()
    if not ranges:
        raise ReadError(path, "no data block (_COUNTS, _CPS, _2THETACOUNTS ...) found")

    wl1 = _num(file_meta, "WL1", path)
    anode = file_meta.get("ANODE") or None
    out = []
    for k, r in enumerate(ranges):
        meta = r["meta"]
        if r["paired"]:
            arr = np.asarray(r["rows"], dtype=float).reshape(-1, 2)
            x, y = arr[:, 0], arr[:, 1]
            start, step = _num(meta, "START", path), _num(meta, "STEPSIZE", path)
            if start is not None and step and x.size:
                regular = start + step * np.arange(x.size)
                # the angle column is often printed to 4 significant figures (35.38 for
                # 35.385); the header's start/step are more precise, so use them when the
                # column agrees point for point to within half a step
                if np.all(np.abs(regular - x) < 0.5 * abs(step)):
                    x = regular
        else:
            y = np.asarray([v for row in r["rows"] for v in row], dtype=float)
            start, step = _num(meta, "START", path), _num(meta, "STEPSIZE", path)
            if start is None or step is None:
                raise ReadError(path, f"range {k}: _COUNTS block without _START/_STEPSIZE",
                                position=f"line {r['line']}")
            x = start + step * np.arange(y.size)
        wl = wl1 if wl1 is not None else _num(meta, "RANGE_WL", path)
        extra = {}
        if file_meta.get("SAMPLE"):
            extra["sample"] = ((), str(file_meta["SAMPLE"]), {"long_name": "Sample ID"})
        with warnings.catch_warnings():
            if k:
                warnings.simplefilter("ignore")
            out.append(build_xrd(
                path, x, y, reader="uxd", wavelength=wl,
                wavelength_alpha2=_num(file_meta, "WL2", path) if wl else None,
                alpha2_ratio=_num(file_meta, "WLRATIO", path) if wl else None,
                wavelength_beta=_num(file_meta, "WL3", path) if wl else None,
                radiation=anode, intensity_units="count/s" if r["kind"] == "CPS" else "count",
                counting_time=_num(meta, "STEPTIME", path),
                metadata={"file": file_meta, "ranges": [q["meta"] for q in ranges]},
                extra_coords=extra))
    return stack_ranges(path, out)
