"""GSAS standard powder data files (``.gsas``, ``.gsa``, ``.raw``, ``.xra``, ``.fxye``).

Written here (not via xylib or xrdtools): xylib misreads these files and xrdtools gives a wrong
2θ axis. The format (GSAS manual, A.C. Larson & R.B. Von Dreele, LAUR 86-748, "Powder data
file"):

* line 1: a title (80 characters); optional comment lines (``#``) and an
  ``Instrument parameter file: NAME`` line may follow;
* one ``BANK ibank nchan nrec BINTYP bcoef1 bcoef2 bcoef3 bcoef4 [TYPE]`` record per bank,
  followed by its ``nrec`` data records.

Only constant-wavelength data (``BINTYP`` = ``CONST``/``CONS``) are XRD patterns; time-of-flight
banks (``RALF``, ``SLOG``, ``TIME_MAP`` ...) raise :class:`ReadError`. For ``CONST``,
``bcoef1`` is the first 2θ and ``bcoef2`` the step, both in **centidegrees**::

    two_theta[i] = (bcoef1 + i * bcoef2) / 100      (degrees),  i = 0 .. nchan-1

(``BANK 1 8378 838 CONST 1500.66 1.31303`` → 15.0066°, step 0.0131303°, 8378 points).

Data layouts (``TYPE``):

* ``STD`` (default): 10 fields of 8 characters per record, each ``I2`` (number of counters,
  blank = 1) + ``F6`` (intensity). No esd stored (GSAS takes σ = √(I / ncounters)).
* ``ESD``: 5 pairs (intensity, esd) of ``F8`` per record → ``intensity_uncertainty``.
* ``ALT``: 4 triplets (2θ in centidegrees ``F8``, intensity ``F7``, esd ``F5``) per record.
* ``FXYE``: free format lines ``2θ(centidegrees) intensity esd``.

Several banks are stacked on a ``range`` dim with :func:`._build.stack_ranges`.

Wavelength: from the GSAS instrument parameter file (``.prm``/``.PRM``/``.inst``/``.ins``)
named in the file or, failing that, the only one in the same folder
(``INS  n ICONS  λ1  λ2  zero  ...  pola  ipola  ratio``; λ2 = 0 means monochromatic). Without
one, :func:`._xrd.build_xrd`'s documented Cu default is used with a warning; pass
``wavelength=`` (and optionally ``prm=``) to override.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from ...xray_lines import ANODES
from ._build import build_xrd, stack_ranges

EXTENSIONS = (".gsas", ".gsa", ".gs2", ".raw", ".xra", ".fxye", ".gda")

_BANK = re.compile(r"^BANK\s", re.IGNORECASE)
_PRM_EXT = (".prm", ".inst", ".ins", ".iparm")


def _sniff(head: bytes, path: Path) -> bool:
    """Text (no NUL bytes) with a ``BANK n`` record among its first few lines."""
    if b"\x00" in head[:4096]:
        return False
    try:
        text = head.decode("latin-1")
    except Exception:  # pragma: no cover
        return False
    lines = text.splitlines()[:12]
    return any(re.match(r"^BANK\s+\d+\s+\d+\s+\d+\s+\S+", ln.strip()) for ln in lines)


def _fields(line: str, width: int, n: int) -> list[str]:
    line = line.ljust(width * n)
    return [line[k * width:(k + 1) * width] for k in range(n)]


def _num(tok: str, path, lineno: int) -> float:
    try:
        return float(tok)
    except ValueError:
        raise ReadError(path, f"expected a number, found {tok.strip()!r}",
                        f"line {lineno}") from None


def _parse_bank(path, lines, start, header, lineno):
    """Parse one bank; ``lines[start:]`` are the records after the BANK line."""
    tok = header.split()
    if len(tok) < 5:
        raise ReadError(path, f"BANK record too short: {header.strip()!r}", f"line {lineno}")
    try:
        bank, nchan, nrec = int(tok[1]), int(tok[2]), int(tok[3])
    except ValueError:
        raise ReadError(path, f"BANK record: expected 'BANK ibank nchan nrec BINTYP ...', "
                              f"found {header.strip()!r}", f"line {lineno}") from None
    bintyp = tok[4].upper()
    if bintyp not in ("CONST", "CONS"):
        raise ReadError(path, f"bank {bank}: BINTYP {bintyp!r} is not constant-wavelength "
                              "(time-of-flight GSAS data are not XRD 2θ patterns)",
                        f"line {lineno}")
    coefs = []
    for t in tok[5:]:
        try:
            coefs.append(float(t))
        except ValueError:
            break
    layout = next((t.upper() for t in tok[5:] if t.upper() in ("STD", "ESD", "ALT", "FXYE",
                                                                "FXY")), "STD")
    if len(coefs) < 2 and layout not in ("ALT", "FXYE", "FXY"):
        raise ReadError(path, f"bank {bank}: CONST needs start and step (centidegrees)",
                        f"line {lineno}")
    # records of this bank: up to the next BANK line
    end = start
    while end < len(lines) and not _BANK.match(lines[end]):
        end += 1
    recs = [(start + k, ln) for k, ln in enumerate(lines[start:end])
            if ln.strip() and not ln.lstrip().startswith("#")]
    x = y = e = None
    if layout == "STD":
        vals = []
        for k, ln in recs:
            for f in _fields(ln, 8, 10):
                if not f.strip():
                    continue
                ctr = f[:2].strip()
                if ctr and ctr.isdigit() and f[2] == " ":   # I2 counters + F6 intensity
                    vals.append(_num(f[2:], path, k + 1))
                else:                                      # blank counters, or a wide number
                    vals.append(_num(f, path, k + 1))
            if len(vals) >= nchan:
                break
        y = np.array(vals[:nchan], float)
    elif layout == "ESD":
        vals = []
        for k, ln in recs:
            vals.extend(_num(f, path, k + 1) for f in _fields(ln, 8, 10) if f.strip())
            if len(vals) >= 2 * nchan:
                break
        arr = np.array(vals[:2 * nchan - (len(vals[:2 * nchan]) % 2)], float).reshape(-1, 2)
        y, e = arr[:, 0], arr[:, 1]
    elif layout == "ALT":
        rows = []
        for k, ln in recs:
            for f in _fields(ln, 20, 4):
                if f.strip():
                    rows.append((_num(f[:8], path, k + 1), _num(f[8:15], path, k + 1),
                                 _num(f[15:20] or "0", path, k + 1)))
            if len(rows) >= nchan:
                break
        arr = np.array(rows[:nchan], float).reshape(-1, 3)
        x, y, e = arr[:, 0] / 100.0, arr[:, 1], arr[:, 2]
    else:  # FXYE: free format x (centidegrees) y esd
        rows = []
        for k, ln in recs:
            parts = ln.split()
            if len(parts) < 2:
                raise ReadError(path, "FXYE record: expected '2θ intensity [esd]'", f"line {k + 1}")
            rows.append([_num(p, path, k + 1) for p in parts[:3]] + [np.nan] * (3 - len(parts[:3])))
            if len(rows) >= nchan:
                break
        arr = np.array(rows, float).reshape(-1, 3)
        x, y, e = arr[:, 0] / 100.0, arr[:, 1], arr[:, 2]
        if np.all(np.isnan(e)):
            e = None
    if y.size < nchan:
        raise ReadError(path, f"bank {bank} declares {nchan} points ({layout}) but only "
                              f"{y.size} are present", f"line {lineno}")
    if x is None:
        start_cd, step_cd = coefs[0], coefs[1]
        x = (start_cd + np.arange(nchan) * step_cd) / 100.0   # centidegrees -> degrees
    info = {"bank": bank, "nchan": nchan, "nrec": nrec, "bintyp": bintyp, "type": layout,
            "bcoef": coefs}
    return x, y, e, info, end


def _find_prm(path: Path, text_lines, prm):
    if prm is not None:
        return Path(prm)
    folder = path.parent
    for ln in text_lines[:6]:
        m = re.match(r"\s*Instrument parameter file:\s*(\S.*?)\s*$", ln, re.IGNORECASE)
        if m:
            cand = folder / Path(m.group(1)).name
            if cand.is_file():
                return cand
    cands = sorted(q for q in folder.iterdir()
                   if q.is_file() and q.suffix.lower() in _PRM_EXT) if folder.is_dir() else []
    return cands[0] if len(cands) == 1 else None


def _read_prm(prm: Path, bank: int):
    """(λ1, λ2 or None, ratio or None) from the ``ICONS`` record of ``bank`` (or the first)."""
    try:
        text, _ = _source.read_text(prm)
    except ReadError:
        return None
    found = {}
    for ln in text.splitlines():
        m = re.match(r"^INS\s*(\d+)\s*ICONS\s+(.*)$", ln)
        if m:
            found.setdefault(int(m.group(1)), m.group(2).split())
    vals = found.get(bank) or (next(iter(found.values())) if found else None)
    if not vals:
        return None
    try:
        lam1 = float(vals[0])
        lam2 = float(vals[1]) if len(vals) > 1 else 0.0
        ratio = float(vals[6]) if len(vals) > 6 else None
    except ValueError:
        return None
    if lam2 <= 0:
        return lam1, None, None
    return lam1, lam2, (ratio if ratio and ratio > 0 else 0.5)


def _anode(lam1):
    for name, lines in ANODES.items():
        if abs(lines[0] - lam1) < 0.002:
            return name
    return None


@register_reader("gsas", extensions=EXTENSIONS, sniff=_sniff, technique="xrd",
                 description="GSAS standard powder data (BANK records, CONST 2θ in centidegrees)")
def read_gsas(path, *, wavelength: float | None = None, prm=None):
    """Read a GSAS standard powder data file (constant wavelength) into an XRD Dataset.

    Parameters
    ----------
    wavelength : float, optional
        Kα1 (or monochromatic) wavelength in Å, overriding the instrument parameter file.
    prm : path, optional
        The GSAS instrument parameter file; default: the one named in the file, else the only
        ``.prm`` in the same folder.
    """
    p = Path(path)
    text, _ = _source.read_text(p)
    lines = [ln.rstrip("\r\n") for ln in text.splitlines()]
    title = lines[0].strip() if lines else ""
    idx = [i for i, ln in enumerate(lines) if _BANK.match(ln)]
    if not idx:
        raise ReadError(p, "no 'BANK' record found (expected a GSAS powder data file)")
    header_lines = lines[:idx[0]]
    prm_path = _find_prm(p, header_lines, prm)
    ranges = []
    for i in idx:
        x, y, e, info, _ = _parse_bank(p, lines, i + 1, lines[i], i + 1)
        lam2 = ratio = None
        radiation = None
        meta = {"title": title, "header": header_lines, **info}
        lam = wavelength
        if lam is None and prm_path is not None:
            got = _read_prm(prm_path, info["bank"])
            if got is not None:
                lam, lam2, ratio = got
                meta["instrument_parameter_file"] = prm_path.name
        if lam is not None:
            radiation = _anode(lam) or "unknown"
        extra = {}
        if e is not None:
            extra["intensity_uncertainty"] = ("two_theta", e, {"units": "count",
                                                               "long_name": "Intensity esd"})
        ds = build_xrd(p, x, y, reader="gsas", wavelength=lam, wavelength_alpha2=lam2,
                       alpha2_ratio=ratio, radiation=radiation, metadata=meta,
                       extra_vars=extra, extra_coords={"bank": ((), info["bank"],
                                                                {"units": "1",
                                                                 "long_name": "GSAS bank"})})
        ranges.append(ds)
    return stack_ranges(p, ranges)
