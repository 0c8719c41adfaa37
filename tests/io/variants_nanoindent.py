"""Reader variants of the shared nanoindentation files, made at test time.

Each function takes a real file of ``shared/data/nanoindent`` and writes, into a given folder,
the same test as another lab's software, locale or file transfer would leave it:

* ``expect="same"``: must read to the same load, displacement, time, segments (and vendor
  values for workbooks): LF / CRLF / CR line ends, latin-1 / UTF-8 / UTF-8 with BOM / UTF-16
  text, decimal commas in tab-separated data rows, an extra note row in the header, workbook
  sheets renamed ("Test 001" -> "test 1"), note rows above each sheet's header, text stored as
  UTF-16 in the workbook, numbers stored as decimal-comma text;
* ``expect="ReadError"``: the file was cut (inside a row, at a line end of a block that
  declares its length, inside a workbook or a zip): the reader must raise
  :class:`characterization.ReadError`, never another exception and never a shorter curve.

Nothing is written into the repository: files go to pytest's ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import xls_writer

#: shared file -> family
SOURCES = {
    "micromechanics/examples/Hysitron/RobinSteel0000LC.txt": "triboscan",
    "merrypopins/datasets/6microntip_slowloading/grain1_6um_indent01_HL_QS_LC.txt": "triboscan",
    "micromechanics/examples/Hysitron/Exp-50mN_0000.hld": "hld",
    "nanodent/tests/data/experiment_a.hld": "hld",
    "micromechanics/examples/Micromaterials/multipleIndentations.zip": "zip",
    "micromechanics/examples/Agilent/Popin.xls": "xls",
    "indentationGUI/micromechanics_indentationGUI/Examples/Example2/Tungsten_FrameStiffness.xlsx":
        "xlsx",
}


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


def _is_data(line: str) -> bool:
    return re.fullmatch(r"[-+0-9.eE\t ]+", line.strip() or "x") is not None


def _text_variants(src: Path, family: str, out: Path):
    text = _text(src.read_bytes())
    lines = re.split(r"\r\n|\r|\n", text)
    while lines and not lines[-1]:
        lines.pop()
    stem = src.stem
    made = []

    def write(name, data: bytes, expect="same"):
        p = out / f"{stem}_{name}{src.suffix}"
        p.write_bytes(data)
        made.append((name, p, expect))

    lf = "\n".join(lines) + "\n"
    write("lf", lf.encode("latin-1"))
    write("crlf", lf.replace("\n", "\r\n").encode("latin-1"))
    write("cr", lf.replace("\n", "\r").encode("latin-1"))
    write("latin1", lf.encode("latin-1"))
    write("utf8", lf.encode("utf-8"))
    write("utf8_bom", b"\xef\xbb\xbf" + lf.encode("utf-8"))
    write("utf16", lf.encode("utf-16"))
    comma = "\n".join(line.replace(".", ",") if _is_data(line) else line for line in lines)
    write("decimal_comma", (comma + "\n").encode("latin-1"))
    if family == "triboscan":
        noted = [lines[0], "Operator note: reference sample, second session"] + lines[1:]
    else:
        noted = [lines[0], "Operator Note: reference sample"] + lines[1:]
    write("note_row", ("\n".join(noted) + "\n").encode("latin-1"))
    # cut inside the last data row, and cut at a line end (fewer rows than declared)
    # (a cut inside the last *number* leaves a shorter, valid number: indistinguishable from
    # a real file, so the cut is placed in the middle of the last row, between its fields)
    body = lf.rstrip("\n")
    start = body.rfind("\n") + 1
    row = body[start:]
    cut = row.find("\t", len(row) // 3) + 2
    write("cut_inside_row", body[:start + cut].encode("latin-1"), "ReadError")
    keep = int(len(lines) * 0.8)
    write("cut_at_line_end", ("\n".join(lines[:keep]) + "\n").encode("latin-1"), "ReadError")
    return made


def _zip_variants(src: Path, out: Path):
    made = []
    with zipfile.ZipFile(src) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data.replace(b"\r\n", b"\n"))
    p = out / "lf_members.zip"
    p.write_bytes(buf.getvalue())
    made.append(("lf_members", p, "same"))
    raw = src.read_bytes()
    p = out / "cut_60.zip"
    p.write_bytes(raw[:int(len(raw) * 0.6)])
    made.append(("cut_60", p, "ReadError"))
    return made


def _grid_rename(grid):
    out = []
    for name, rows in grid:
        m = re.fullmatch(r"Test (\d+)", name)
        out.append((f"test {int(m.group(1))}" if m else name, rows))
    return out


def _grid_notes(grid):
    return [(name, [["Exported for the round robin"], []] + rows if rows else rows)
            for name, rows in grid]


def _grid_comma_text(grid):
    out = []
    for name, rows in grid:
        if rows and rows[0] and str(rows[0][0]).strip() in ("Segment", "Markers"):
            rows = [rows[0], rows[1]] + [
                [repr(c).replace(".", ",") if isinstance(c, float) else c for c in r]
                for r in rows[2:]]
        out.append((name, rows))
    return out


def _xls_variants(src: Path, out: Path):
    grid = xls_writer.read_grid(src)
    made = []
    for name, transform, utf16 in (("renamed_sheets", _grid_rename, False),
                                   ("note_rows", _grid_notes, False),
                                   ("utf16_text", lambda g: g, True),
                                   ("decimal_comma_text", _grid_comma_text, False)):
        p = out / f"{name}.xls"
        xls_writer.write_xls(p, transform(grid), utf16=utf16)
        made.append((name, p, "same"))
    raw = src.read_bytes()
    p = out / "cut_50.xls"
    p.write_bytes(raw[:len(raw) // 2])
    made.append(("cut_50", p, "ReadError"))
    return made


def _xlsx_variants(src: Path, out: Path):
    made = []
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb'name="Test (\d+)"', rb'name="test_\1"', data)
            zout.writestr(info, data)
    p = out / "renamed_sheets.xlsx"
    p.write_bytes(buf.getvalue())
    made.append(("renamed_sheets", p, "same"))
    raw = src.read_bytes()
    p = out / "cut_70.xlsx"
    p.write_bytes(raw[:int(len(raw) * 0.7)])
    made.append(("cut_70", p, "ReadError"))
    return made


def make(data: Path, out: Path) -> list[Variant]:
    """Every variant of every source, written under ``out``."""
    variants = []
    for source, family in SOURCES.items():
        src = data / source
        folder = out / re.sub(r"\W+", "_", source)
        folder.mkdir(parents=True, exist_ok=True)
        if family in ("triboscan", "hld"):
            made = _text_variants(src, family, folder)
        elif family == "zip":
            made = _zip_variants(src, folder)
        elif family == "xls":
            made = _xls_variants(src, folder)
        else:
            made = _xlsx_variants(src, folder)
        variants += [Variant(source, name, path, expect) for name, path, expect in made]
    return variants
