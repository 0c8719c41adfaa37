"""Reader variants of the shared XPS files, made at test time.

Each function takes one real file of ``shared/data/xps`` and writes, into a given folder, the
same measurement as another lab's software, locale or file transfer would leave it. Every
variant carries what a reader must do with it:

* ``expect="same"``: read to the same regions, energies, intensities and counts as the
  original: decimal commas (text formats whose delimiter is not a comma: VAMAS, CasaXPS tab
  text, SPECS ``.xy``, Scienta ``.txt``; Avantage CSV re-delimited with ``;``), latin-1 /
  UTF-8 with BOM / UTF-16 text, LF / CRLF / CR line ends, extra blank lines before the data,
  an extra header row;
* ``expect="ReadError"``: the file was cut (inside a numeric row for text tables, in the data
  section for binary files, anywhere in XML); the reader must say so with
  :class:`characterization.ReadError`, never another exception and never a shorter spectrum.
  (``"ReadError or NaN"`` for the 2-column CSV read by the generic delimited reader, which
  marks a missing last field NaN instead.) A text file cut exactly at a line end of a table
  that declares no length is indistinguishable from a shorter export and is not generated.

Nothing here is written into the repository: files go to pytest's ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

#: shared file -> family ("vamas", "tab", "ws", "csv", "binary", "xml")
SOURCES = {
    "pynxtools-xps/FeO_analyzed.vms": "vamas",
    "LG4X/0-150W.vms": "vamas",
    "LG4X/Mutlipak_vms.npl": "vamas",
    "cheminfo-vamas/survey.vms": "vamas",
    "pynxtools-xps/irregular.vms": "vamas",
    "pynxtools-xps/vms_txt_export.txt": "tab",
    "pynxtools-xps/MgFe2O4_small.xy": "ws",
    "pynxtools-xps/Ag_0001.txt": "ws",
    "theoechem-MAHE2024/20240220_Au_MPPipTFSI4AMSIol3_C_1s.csv": "csv",
    "LG4X/C1s_sample.csv": "csv",
    "pynxtools-xps/SnO2_10nm_1.pro": "binary",
    "yadg/test0.spe": "binary",
    "pynxtools-xps/Ag_0001Ag__001.ibw": "binary",
    "pynxtools-xps/In-situ_PBTTT_XPS_SPECS.xml": "xml",
}

#: sources read by the generic delimited reader, not an XPS reader
GENERIC = {"LG4X/C1s_sample.csv"}

_NUM = re.compile(r"(?<![\w.])([+-]?\d+)\.(\d+(?:[eE][+-]?\d+)?)(?![\w.])")


@dataclasses.dataclass
class Variant:
    """One generated file and what reading it must give."""

    source: str
    name: str
    path: Path
    expect: str                 # "same" or "ReadError"


def _text(raw: bytes) -> str:
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("undecodable")


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _join(lines, end="\n") -> str:
    return end.join(lines) + end


def _comma_line(line: str, family: str) -> str:
    """Decimal points of the numbers of a data or header line as commas."""
    if family == "vamas":
        s = line.strip()
        return s.replace(".", ",", 1) if re.fullmatch(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?", s) \
            else line
    return _NUM.sub(r"\1,\2", line)


def _cut_inside_row(lines, family: str) -> list[str]:
    """Cut the text inside a numeric row about 60 % into the file: after its first field."""
    start = int(len(lines) * 0.6)
    delim = {"tab": "\t", "csv": ",", "ws": None}[family]
    for i in range(start, len(lines)):
        parts = lines[i].split(delim) if delim else lines[i].split()
        if len(parts) >= 2 and all(re.fullmatch(r"[-+.\deE]+", p.strip() or "0")
                                   for p in parts if p.strip()):
            cut = lines[i].index(delim) + 1 if delim else lines[i].index(parts[0]) + \
                len(parts[0]) + 1
            return lines[:i] + [lines[i][:cut]]
    raise AssertionError("no numeric row to cut")


def make(root: Path, out: Path) -> list[Variant]:
    """Write every variant of every source under ``out``; returns them."""
    out.mkdir(parents=True, exist_ok=True)
    variants: list[Variant] = []

    def put(src, name, data: bytes, expect="same"):
        p = out / f"{Path(src).stem}__{name}{Path(src).suffix}"
        p.write_bytes(data)
        variants.append(Variant(src, name, p, expect))

    for src, family in SOURCES.items():
        raw = (root / src).read_bytes()
        if family == "binary":
            put(src, "cut_80", raw[: int(len(raw) * 0.8)], "ReadError")
            put(src, "cut_header", raw[: min(len(raw) - 1, 700)], "ReadError")
            continue
        if family == "xml":
            put(src, "cut_60", raw[: int(len(raw) * 0.6)], "ReadError")
            put(src, "crlf", raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            continue
        text = _text(raw)
        lines = _lines(text)
        put(src, "lf", _join(lines).encode("utf-8"))
        put(src, "crlf", _join(lines, "\r\n").encode("utf-8"))
        put(src, "cr", _join(lines, "\r").encode("utf-8"))
        put(src, "utf8_bom", b"\xef\xbb\xbf" + _join(lines).encode("utf-8"))
        put(src, "utf16", _join(lines, "\r\n").encode("utf-16"))
        put(src, "latin1", _join(lines).encode("latin-1", errors="replace"))
        put(src, "blank_lines_before", _join(["", "", ""] + lines).encode("utf-8")
            if family == "vamas" or family == "csv" and "BE_" not in text
            else _join(["", ""] + lines).encode("utf-8"))
        if family in ("vamas", "tab", "ws"):
            put(src, "decimal_comma", _join([_comma_line(s, family) for s in lines])
                .encode("utf-8"))
        if family == "csv" and "Characteristic Energy" in text:
            semi = [_NUM.sub(r"\1,\2", s.replace(",", ";")) for s in lines]
            put(src, "semicolon_decimal_comma", _join(semi).encode("utf-8"))
            put(src, "extra_header_row", _join(["Sample,Au_MPPip", *lines]).encode("utf-8"))
        if family == "vamas":
            put(src, "cut_60", _join(lines[: int(len(lines) * 0.6)]).encode("utf-8"),
                "ReadError")
        else:
            # the generic delimited reader (C1s_sample.csv) marks a missing last field NaN
            put(src, "cut_inside_row", _join(_cut_inside_row(lines, family))[:-1]
                .encode("utf-8"), "ReadError or NaN" if src in GENERIC else "ReadError")
    return variants
