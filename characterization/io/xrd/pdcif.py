"""Powder CIF (pdCIF) diffraction profiles (``.cif``, ``.pdcif``, ``.rtv``).

A small CIF 1.1 tokenizer written here (data blocks, ``_tag value`` items, ``loop_`` tables,
quoted strings and ``;`` text fields) so no CIF library is needed; ``gemmi`` would do as well
but we only need the profile loop and a few items.

Profile loop columns are chosen **by name**, never by position:

* 2θ: ``_pd_meas_2theta_scan``, ``_pd_meas_angle_2theta``, ``_pd_proc_2theta_corrected``,
  ``_pd_meas_2theta_fixed``; without one, the axis is
  ``_pd_meas_2theta_range_min + i * _pd_meas_2theta_range_inc`` (i = 0 .. n-1, checked against
  ``_range_max`` and the number of rows), else the ``_pd_proc_2theta_range_*`` items.
* intensity (first present): ``_pd_meas_counts_total``, ``_pd_meas_intensity_total``,
  ``_pd_proc_intensity_total``, ``_pd_proc_intensity_net``; esds written as ``123(4)`` become
  ``intensity_uncertainty``.
* kept as separate variables when present: ``_pd_calc_intensity_total`` → ``intensity_calc``,
  ``_pd_proc_intensity_bkg_calc`` → ``background_calc``, ``_pd_proc_ls_weight`` → ``weight``.
  ``.``/``?`` (not used / unknown) become NaN.

Wavelength: ``_diffrn_radiation_wavelength`` (first value if looped); radiation ``neutron``
when ``_diffrn_radiation_probe``/``_type`` says so (a neutron file without a wavelength is an
error: no X-ray default can apply), else the anode from ``_diffrn_radiation_type``
(``Cu K\\a``) or ``_diffrn_source_target``. Time-of-flight profiles raise :class:`ReadError`.
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

EXTENSIONS = (".cif", ".pdcif", ".rtv")

X_TAGS = ("_pd_meas_2theta_scan", "_pd_meas_angle_2theta", "_pd_proc_2theta_corrected",
          "_pd_meas_2theta_fixed")
Y_TAGS = ("_pd_meas_counts_total", "_pd_meas_intensity_total", "_pd_proc_intensity_total",
          "_pd_proc_intensity_net")
EXTRA = {"_pd_calc_intensity_total": ("intensity_calc", "Calculated intensity", "count"),
         "_pd_proc_intensity_bkg_calc": ("background_calc", "Calculated background", "count"),
         "_pd_proc_ls_weight": ("weight", "Least-squares weight", "1")}
TOF_TAGS = ("_pd_meas_time_of_flight", "_pd_proc_d_spacing")


def _sniff(head: bytes, path: Path) -> bool:
    """CIF text (a ``data_`` block) holding ``_pd_`` powder items."""
    if b"\x00" in head[:4096]:
        return False
    text = head.decode("latin-1")
    return bool(re.search(r"^\s*data_", text, re.MULTILINE)) and "_pd_" in text


# --------------------------------------------------------------------------- tokenizer
_TOKEN = re.compile(r"""'(?:[^']|'(?=\S))*'(?=\s|$)|"(?:[^"]|"(?=\S))*"(?=\s|$)|\S+""")


def _tokens(text: str):
    """(token, line number, quoted) from CIF text; ``#`` comments dropped."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith(";"):
            start = i
            buf = [ln[1:]]
            i += 1
            while i < len(lines) and not lines[i].startswith(";"):
                buf.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ReadError(None, "unterminated ';' text field", f"line {start + 1}")
            yield "\n".join(buf), start + 1, True
            i += 1
            continue
        for m in _TOKEN.finditer(ln):
            tok = m.group(0)
            if tok.startswith("#"):
                break
            if tok[0] in "'\"" and len(tok) >= 2 and tok[-1] == tok[0]:
                yield tok[1:-1], i + 1, True
            else:
                yield tok, i + 1, False
        i += 1


def parse_cif(text: str, path=None) -> list[dict]:
    """Blocks as ``{"name", "items": {tag: value}, "loops": [{"tags", "rows", "line"}]}``."""
    blocks: list[dict] = []
    block = None
    toks = list(_tokens(text))
    k = 0

    def is_reserved(t, q):
        return not q and (t.lower().startswith(("data_", "loop_", "save_", "global_"))
                          or t.startswith("_"))

    while k < len(toks):
        tok, line, q = toks[k]
        low = tok.lower()
        if not q and low.startswith("data_"):
            block = {"name": tok[5:], "items": {}, "loops": []}
            blocks.append(block)
            k += 1
        elif block is None:
            k += 1
        elif not q and low == "loop_":
            tags = []
            k += 1
            while k < len(toks) and not toks[k][2] and toks[k][0].startswith("_"):
                tags.append(toks[k][0].lower())
                k += 1
            values = []
            while k < len(toks) and not is_reserved(toks[k][0], toks[k][2]):
                values.append(toks[k][0])
                k += 1
            if not tags:
                raise ReadError(path, "loop_ without tags", f"line {line}")
            if len(values) % len(tags):
                raise ReadError(path, f"loop of {len(tags)} columns ({tags[0]} ...) holds "
                                      f"{len(values)} values, not a multiple of {len(tags)} "
                                      "(truncated loop?)", f"line {line}")
            block["loops"].append({"tags": tags, "line": line,
                                   "rows": [values[j:j + len(tags)]
                                            for j in range(0, len(values), len(tags))]})
        elif not q and tok.startswith("_"):
            if k + 1 >= len(toks) or is_reserved(toks[k + 1][0], toks[k + 1][2]):
                raise ReadError(path, f"item {tok} has no value", f"line {line}")
            block["items"][low] = toks[k + 1][0]
            k += 2
        else:
            k += 1
    return blocks


_ESD = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\((\d+)\))?$")


def _value_esd(tok: str):
    """``"1.234(5)"`` → (1.234, 0.005); ``"."``/``"?"`` → (nan, nan)."""
    if tok in (".", "?"):
        return np.nan, np.nan
    m = _ESD.match(tok)
    if not m:
        raise ValueError(tok)
    num, esd = m.group(1), m.group(2)
    v = float(num)
    if esd is None:
        return v, np.nan
    mant = num.split("e")[0].split("E")[0]
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    exp = int(re.split("[eE]", num)[1]) if re.search("[eE]", num) else 0
    return v, int(esd) * 10.0 ** (exp - decimals)


def _column(path, loop, tag):
    j = loop["tags"].index(tag)
    vals, esds = [], []
    for r, row in enumerate(loop["rows"]):
        try:
            v, e = _value_esd(row[j])
        except ValueError:
            raise ReadError(path, f"{tag}: expected a number, found {row[j]!r}",
                            f"row {r + 1} of the loop at line {loop['line']}") from None
        vals.append(v)
        esds.append(e)
    return np.array(vals), np.array(esds)


def _float(items, tag):
    v = items.get(tag)
    if v is None:
        return None
    try:
        x = _value_esd(v)[0]
    except ValueError:
        return None
    return None if np.isnan(x) else x


def _axis_from_range(path, items, n, prefix):
    lo, hi, inc = (_float(items, f"{prefix}_2theta_range_{s}") for s in ("min", "max", "inc"))
    if lo is None or inc is None or inc == 0:
        return None
    x = lo + np.arange(n) * inc
    if hi is not None and abs(x[-1] - hi) > abs(inc) * 0.5:
        raise ReadError(path, f"{prefix}_2theta_range: min {lo} + ({n}-1) × inc {inc} = "
                              f"{x[-1]:g}, but max is {hi} (rows and range disagree)")
    return x


def _radiation(items):
    probe = " ".join(items.get(t, "") for t in ("_diffrn_radiation_probe",
                                                "_diffrn_radiation_type")).lower()
    if "neutron" in probe:
        return "neutron"
    for t in ("_diffrn_source_target", "_diffrn_radiation_type", "_diffrn_source"):
        m = re.match(r"\s*([A-Z][a-z]?)\b", items.get(t, ""))
        if m and m.group(1) in ANODES:
            return m.group(1)
    if "synchrotron" in probe or "synchrotron" in items.get("_diffrn_source", "").lower():
        return "synchrotron"
    return None


@register_reader("pdcif", extensions=EXTENSIONS, sniff=_sniff, technique="xrd",
                 description="Powder CIF (pdCIF) diffraction profile")
def read_pdcif(path, *, wavelength: float | None = None):
    """Read the powder profile(s) of a pdCIF file into an XRD Dataset.

    Several profile blocks (histograms) are stacked on a ``range`` dim.
    """
    p = Path(path)
    text, _ = _source.read_text(p)
    try:
        blocks = parse_cif(text, p)
    except ReadError as exc:
        if exc.path is None:
            raise ReadError(p, exc.reason, exc.position) from None
        raise
    shared = {}
    for b in blocks:
        for t, v in b["items"].items():
            shared.setdefault(t, v)
    ranges = []
    for b in blocks:
        items = {**shared, **b["items"]}
        for loop in b["loops"]:
            ytag = next((t for t in Y_TAGS if t in loop["tags"]), None)
            if ytag is None:
                if any(t in loop["tags"] for t in TOF_TAGS):
                    raise ReadError(p, "time-of-flight / d-spacing profile, not a 2θ pattern",
                                    f"line {loop['line']}")
                continue
            n = len(loop["rows"])
            if n < 2:
                raise ReadError(p, f"profile loop has {n} row(s)", f"line {loop['line']}")
            y, ye = _column(p, loop, ytag)
            xtag = next((t for t in X_TAGS if t in loop["tags"]), None)
            if xtag is not None:
                x = _column(p, loop, xtag)[0]
                xsrc = xtag
            else:
                x, xsrc = None, None
                for prefix in ("_pd_meas", "_pd_proc"):
                    x = _axis_from_range(p, items, n, prefix)
                    if x is not None:
                        xsrc = f"{prefix}_2theta_range_min/inc"
                        break
                if x is None:
                    if any(t in loop["tags"] for t in TOF_TAGS):
                        raise ReadError(p, "time-of-flight profile, not a 2θ pattern",
                                        f"line {loop['line']}")
                    raise ReadError(p, "profile loop has no 2θ column and no "
                                       "_pd_meas_2theta_range_min/_inc items",
                                    f"line {loop['line']}")
            radiation = _radiation(items)
            lam = wavelength if wavelength is not None else _float(
                items, "_diffrn_radiation_wavelength")
            if lam is None:
                for lp in b["loops"]:
                    if "_diffrn_radiation_wavelength" in lp["tags"] and lp["rows"]:
                        lam = _value_esd(lp["rows"][0][lp["tags"].index(
                            "_diffrn_radiation_wavelength")])[0]
            if lam is None and radiation not in (None, *ANODES):
                raise ReadError(p, f"{radiation} data without _diffrn_radiation_wavelength; "
                                   "pass wavelength=")
            extra = {}
            if np.isfinite(ye).any():
                extra["intensity_uncertainty"] = ("two_theta", ye, {
                    "units": "count", "long_name": "Intensity esd"})
            for tag, (name, long_name, units) in EXTRA.items():
                if tag in loop["tags"]:
                    extra[name] = ("two_theta", _column(p, loop, tag)[0],
                                   {"units": units, "long_name": long_name, "cif_tag": tag})
            meta = {"block": b["name"], "intensity_tag": ytag, "two_theta_source": xsrc,
                    **{t: v for t, v in items.items()
                       if t.startswith(("_pd_meas", "_pd_proc_2theta", "_diffrn",
                                        "_pd_proc_ls_prof", "_pd_spec", "_pd_block"))}}
            ranges.append(build_xrd(p, x, y, reader="pdcif", wavelength=lam,
                                    radiation=radiation, metadata=meta, extra_vars=extra))
    if not ranges:
        raise ReadError(p, "no powder profile loop (_pd_meas_counts_total, "
                           "_pd_meas_intensity_total, _pd_proc_intensity_total) found")
    return stack_ranges(p, ranges)
