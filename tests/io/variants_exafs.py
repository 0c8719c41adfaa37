"""Reader variants of the shared EXAFS files, made at test time.

Each function takes one real file of ``shared/data/exafs`` and writes, into a given folder, the
same measurement as another lab's software, locale or file transfer would leave it. Every
variant carries what a reader must do with it:

* ``expect="same"``: read to the same energies, μ, channels (χ, stored parameters) as the
  original (rtol 1e-9): LF / CRLF / CR line ends, UTF-8 with BOM / UTF-16 / latin-1 text, blank
  lines before the header, extra note rows in the header, decimal commas (whitespace-delimited
  text: every number of the file, ``.8786204E+04`` included), renamed column names (``E xmu``
  for ``energy mu``), a 2-column file with its names line removed (read with
  ``format="xas_columns"``), gzip compression, and for
  the Athena project the plain (decompressed) Perl text in CRLF / BOM variants;
* ``expect="ReadError"``: the file was cut inside a numeric row (after its first field), cut in
  the middle (gzip stream or Perl text), an XDI file lost its ``Column.N`` fields, a data row was
  replaced by words, binary garbage was inserted into the data; the reader must say so with
  :class:`characterization.ReadError`, never another exception and never a shorter spectrum.
  (A text file cut exactly at a line end is indistinguishable from a shorter export and is not
  generated.)

Nothing here is written into the repository: files go to pytest's ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import gzip
import re
from pathlib import Path

#: shared file -> family ("xdi", "percent", "plain", "athena")
SOURCES = {
    "xraylarch/cu_metal_rt.xdi": "xdi",
    "XAS-Data-Interchange/zn_znse_rt.xdi": "xdi",
    "XAS-Data-Interchange/fe_metal_rt.xdi": "xdi",
    "xraylarch/cu_10k.xmu": "percent",
    "xraylarch/cu_150k.xmu": "percent",
    "xraylarch/sno2_l3.dat": "plain",
    "xraylarch/feo_xafs.dat": "plain",
    "xraylarch/Sn.prj": "athena",
}

#: options the reader needs for a source (sno2_l3.dat names no element)
OPTIONS = {"xraylarch/sno2_l3.dat": {"element": "Sn", "edge": "L3"}}

_NUM = re.compile(r"(?<![\w.,])([+-]?\d*)\.(\d+(?:[eEdD][+-]?\d+)?)(?![\w.])")


@dataclasses.dataclass
class Variant:
    """One generated file and what reading it must give."""

    source: str
    name: str
    path: Path
    expect: str                 # "same" or "ReadError"
    options: dict = dataclasses.field(default_factory=dict)   # read options it needs


def _join(lines, end="\n") -> str:
    return end.join(lines) + end


def _is_data(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _comma(line: str) -> str:
    """Decimal points as commas; ``.878E+04`` becomes ``0,878E+04`` as a comma locale writes."""
    return _NUM.sub(lambda m: f"{m.group(1) if m.group(1).strip('+-') else m.group(1) + '0'}"
                              f",{m.group(2)}", line)


def _cut_inside_row(lines) -> list[str]:
    """Cut the text inside a data row about 60 % into the file: after its first field."""
    start = int(len(lines) * 0.6)
    for i in range(start, len(lines)):
        if _is_data(lines[i]) and len(lines[i].split()) >= 2:
            first = lines[i].split()[0]
            return lines[:i] + [lines[i][:lines[i].index(first) + len(first) + 1]]
    raise AssertionError("no data row to cut")


def _names_index(lines) -> int:
    """Index of the column-names comment line right above the first data row."""
    first = next(i for i, s in enumerate(lines) if _is_data(s))
    return first - 1


def make(root: Path, out: Path) -> list[Variant]:
    """Write every variant of every source under ``out``; returns them."""
    out.mkdir(parents=True, exist_ok=True)
    variants: list[Variant] = []

    def put(src, name, data: bytes, expect="same", suffix=None, options=None):
        p = out / f"{Path(src).stem}__{name}{suffix or Path(src).suffix}"
        p.write_bytes(data)
        variants.append(Variant(src, name, p, expect, options or {}))

    for src, family in SOURCES.items():
        raw = (root / src).read_bytes()
        if family == "athena":
            text = gzip.decompress(raw).decode("latin-1")
            lines = text.split("\n")
            put(src, "plain", text.encode("latin-1"))
            put(src, "plain_crlf", text.replace("\n", "\r\n").encode("latin-1"))
            put(src, "plain_bom", b"\xef\xbb\xbf" + text.encode("utf-8"))
            put(src, "regzip", gzip.compress(text.encode("latin-1"), mtime=0))
            put(src, "cut_gzip_60", raw[: int(len(raw) * 0.6)], "ReadError")
            put(src, "cut_text_60", text[: int(len(text) * 0.6)].encode("latin-1"), "ReadError")
            put(src, "cut_before_closing", _join(lines[: lines.index("1;")]).encode(), "ReadError")
            bad = text.replace("'29000.112'", "'29000.1x2'", 1)
            put(src, "garbage_number", bad.encode("latin-1"), "ReadError")
            continue
        text = raw.decode("latin-1")
        lines = text.splitlines()
        put(src, "crlf", _join(lines, "\r\n").encode())
        put(src, "cr", _join(lines, "\r").encode())
        put(src, "utf8_bom", b"\xef\xbb\xbf" + _join(lines).encode())
        put(src, "utf16", _join(lines, "\r\n").encode("utf-16"))
        put(src, "latin1", _join(lines).encode("latin-1"))
        put(src, "blank_lines_before", _join(["", ""] + lines).encode())
        put(src, "decimal_comma", _join([_comma(s) for s in lines]).encode())
        put(src, "gzip", gzip.compress(_join(lines).encode(), mtime=0),
            suffix=Path(src).suffix + ".gz")
        if family == "xdi":
            sep = next(i for i, s in enumerate(lines) if s.startswith("# ///"))
            put(src, "extra_header_rows", _join(lines[:2] + ["# Sample.note: variant file"]
                                                + lines[2:sep + 1]
                                                + ["# an extra user comment, 1.5 mm"]
                                                + lines[sep + 1:]).encode())
            renamed = [re.sub(r"(Column\.\d+: )(\w+)", lambda m: m.group(1) + {
                "i0": "I0", "itrans": "I_trans", "mutrans": "MU.TRANS", "energy": "Energy"}
                .get(m.group(2), m.group(2)), s) for s in lines]
            put(src, "renamed_columns", _join(renamed).encode())
            put(src, "no_column_fields", _join([s for s in lines if "Column." not in s])
                .encode(), "ReadError")
        else:
            put(src, "extra_header_rows", _join(["# exported again, 2024-01-01",
                                                 "# note: nothing changed"] + lines).encode())
            k = _names_index(lines)
            renamed = lines[k].replace("energy", "E").replace(" mu", " xmu")
            put(src, "renamed_columns", _join(lines[:k] + [renamed] + lines[k + 1:]).encode())
            if family == "plain":
                # nothing left proves XAS content: read with format= (else the generic reader)
                put(src, "no_names_line", _join(lines[:k] + lines[k + 1:]).encode(),
                    options={"format": "xas_columns"})
        put(src, "cut_inside_row", _join(_cut_inside_row(lines))[:-1].encode(), "ReadError")
        rows = [i for i, s in enumerate(lines) if _is_data(s)]
        mid = rows[len(rows) // 2]
        put(src, "words_in_data", _join(lines[:mid] + ["not a number here"] + lines[mid + 1:])
            .encode(), "ReadError")
        put(src, "binary_garbage", _join(lines[:mid]).encode() + b"\x00\x01\xff\xfe" * 8
            + _join(lines[mid:]).encode(), "ReadError")
    return variants
