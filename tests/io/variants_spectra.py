"""Reader-variant corpus for Raman and XRD exports, generated from the shared real files.

Real instruments and their export settings produce the same data in many textual guises: a
German or French locale writes decimal commas, Windows tools write UTF-16 or latin-1 and CRLF
(old Mac tools CR) line ends, users add notes above the data or delete a header line,
spreadsheets leave trailing empty columns, archives are gzipped. Each :class:`Variant` is one
such transformation of one shared file, with what reading it must give:

* ``"same"`` — the same numbers (signal axis and main variable, exactly: these are lossless
  text transformations) and the same technique;
* ``"same_values"`` — the same numbers when read with the original's technique (the
  transformation removed what named the technique, e.g. the column header);
* ``"readerror"`` — :class:`characterization.ReadError` (a truncated binary file), never
  another exception.

Nothing here writes into the repository: :func:`write` puts the bytes in a given folder
(``tmp_path``). Sources are read from ``shared/data`` beside the repository.
"""

from __future__ import annotations

import bz2
import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

#: (technique folder, path inside it, data delimiter, column-header line index or None).
TEXT_SOURCES = {
    "wire_datalab": ("raman", "datalab/raman_example.txt", "\t", 0),
    "wire_ncal": ("raman", "ramanchada2/experimental/Renishaw/"
                           "nCal_Qontor785_z005H12_100_1x3s.txt", "\t", 0),
    "raman_headerless": ("raman", "raman-fitting/Si_spectrum01.txt", "\t", None),
    "bwtek_semicolon": ("raman", "ramanchada2/datasets2/FMNT-M_BW532/"
                                 "Sil10_iR532_Probe_100_60000msx2.txt", ";", "Pixel;"),
    "labspec_pst10": ("raman", "ramanchada2/experimental/Horiba/PST10_iR785_OP01_8000msx8.txt",
                      "\t", None),
    "eva_xy": ("xrd", "datalab/pydatalab/example_data/XRD/example_evadiffract.xy", " ", None),
    "ocx_csv": ("xrd", "datalab/pydatalab/example_data/XRD/example_ocx.xy", ",", 0),
    "dioptas_xy": ("xrd", "Dioptas/dioptas/tests/data/CeO2_Pilatus1M.xy", "  ", "# 2th_deg"),
    "fityk_dat": ("xrd", "fityk/samples/nacl01.dat", "\t", None),
    "xye_bz2": ("xrd", "xrayutilities/examples/data/LaB6_d500_si_psd.xye.bz2", "\t", None),
    "uxd": ("xrd", "xylib/samples/BT86_.UXD", "\t", None),
}

#: Sources in a keyword format with its own syntax take only the transformations that keep it
#: valid (free-text notes are not UXD syntax); its comment prefix for the latin-1 note.
ONLY = {"uxd": {"crlf", "cr", "lf", "utf8_bom", "utf16le", "utf16be", "latin1", "decimal_comma",
                "trailing_blank_columns", "gzip"}}
COMMENT = {"uxd": ";"}

#: Known reader gaps outside the Raman/XRD text readers (reported, not fixed here): the UXD
#: sniff looks for its keys in raw bytes split on LF, so CR-only and UTF-16 files are not
#: recognised (read as a generic spectrum instead).
KNOWN_GAPS: set = set()   # UXD with CR or UTF-16 reads since the registry sniffs normalised heads

#: Text maps generated from the StreamLineHR line map ``ex2.wdf`` (its first spectra), in the
#: two text layouts WiRE and LabSpec export maps in (no such export is in the shared data).
MAP_SOURCES = {"wire_long_map": "wire", "labspec_wide_map": "wide"}
MAP_SPECTRA = 6

#: Technique each source reads as without ``technique=`` (default: its folder's). The
#: raman-fitting export is two bare columns: nothing in it says Raman.
EXPECTED_TECHNIQUE = {"raman_headerless": "spectrum"}

#: Binary files: truncated copies must raise ReadError.
BINARY_SOURCES = {
    "wdf": ("raman", "datalab/raman_example.wdf"),
    "spc": ("raman", "ramanchada2/experimental/Renishaw/nCal_Qontor785_z005H12_100_1x3s.spc"),
    "labspec_xml": ("raman", "rosettasciio/jobinyvon/jobinyvon_test_map_x3-y2.xml"),
    "bruker_raw": ("xrd", "xylib/samples/BT86.raw"),
    "xrdml": ("xrd", "xylib/samples/empyrean.xrdml"),
    "brml": ("xrd", "datalab/pydatalab/example_data/XRD/TiOF.brml"),
}

#: A LabSpec 6 header (cp1252 ``cm-¹``) put above the PST10 two-column export, which is the
#: text export of a LabSpec measurement whose header was not kept in the shared copy.
LABSPEC_HEADER = ("#Acq. time (s)=\t8\n#Accumulations=\t8\n#Range (cm-¹)=\t168...3282\n"
                  "#Spike filter=\tMultiple accum.\n#Instrument=\tLabRAM HR Evol\n"
                  "#Laser=\t785nm_Edge\n#Title=\tPST10\n")

_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass
class Source:
    """A shared file as text: its lines (no line ends) and how its data rows are written."""

    name: str
    technique: str
    suffix: str
    lines: list[str]
    delimiter: str
    header: int | None       # index of the column-header line

    def is_data(self, line: str) -> bool:
        fields = [f for f in re.split(r"[;\t, ]+", line.strip()) if f]
        if self.delimiter == ";":
            fields = [f.replace(",", ".") for f in line.strip().split(";") if f.strip()]
        return len(fields) >= 2 and all(_NUMBER.match(f) for f in fields)


@dataclass
class Variant:
    """One transformed file: its name, suffix, bytes and the expected outcome."""

    source: str
    kind: str
    suffix: str
    data: bytes
    expect: str              # "same", "same_values" or "readerror"

    @property
    def id(self) -> str:
        return f"{self.source}-{self.kind}"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _map_lines(root: Path, layout: str) -> list[str]:
    """A text map of the first :data:`MAP_SPECTRA` spectra of ``ex2.wdf``."""
    import warnings

    import characterization as ch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = ch.read(root / "raman" / "py-wdf-reader" / "ex2.wdf")
    ds = ds.isel(spot=slice(0, MAP_SPECTRA))
    shift = ds.raman_shift.values
    xs, ys = ds.x.values, ds.y.values
    spectra = ds.intensity.values
    if layout == "wire":
        lines = ["#X\t#Y\t#Wave\t#Intensity"]
        for x, y, row in zip(xs, ys, spectra):
            lines += [f"{x:.6f}\t{y:.6f}\t{w:.6f}\t{v:.6f}" for w, v in zip(shift, row)]
        return lines
    lines = ["#Acq. time (s)=\t1", "#Accumulations=\t3", "#Laser=\t532nm_Edge",
             "\t\t" + "\t".join(f"{w:.6f}" for w in shift)]
    lines += [f"{x:.6f}\t{y:.6f}\t" + "\t".join(f"{v:.6f}" for v in row)
              for x, y, row in zip(xs, ys, spectra)]
    return lines


def load_source(root: Path, name: str) -> Source:
    """The shared file ``name`` of :data:`TEXT_SOURCES` (or a generated map of
    :data:`MAP_SOURCES`) as a :class:`Source`."""
    if name in MAP_SOURCES:
        layout = MAP_SOURCES[name]
        return Source(name, "raman", ".txt", _map_lines(root, layout), "\t",
                      0 if layout == "wire" else None)
    folder, rel, delimiter, header = TEXT_SOURCES[name]
    path = root / folder / rel
    raw = path.read_bytes()
    suffix = "".join(path.suffixes[-1:])
    if path.suffix == ".bz2":
        raw = bz2.decompress(raw)
        suffix = Path(path.stem).suffix
    text = _decode(raw)
    if name == "labspec_pst10":
        text = LABSPEC_HEADER + text
    lines = text.splitlines()
    if isinstance(header, str):
        header = next(i for i, line in enumerate(lines) if line.startswith(header))
    return Source(name, folder, suffix, lines, delimiter, header)


# --------------------------------------------------------------------------- transformations
def _join(lines, end="\n") -> str:
    return end.join(lines) + end


def _decimal_comma(src: Source) -> list[str] | None:
    if src.delimiter == ";":
        return None                                  # already written with decimal commas
    out = []
    for line in src.lines:
        if src.is_data(line):
            if src.delimiter == ",":
                line = line.replace(",", ";")
            line = line.replace(".", ",")
        out.append(line)
    return out


def _trailing_blank_columns(src: Source) -> list[str]:
    sep = src.delimiter if src.delimiter in (";", ",", "\t") else "\t"
    return [line + sep + sep if (src.is_data(line) or i == src.header) else line
            for i, line in enumerate(src.lines)]


def _notes(src: Source) -> list[str]:
    notes = ["Note: Manually entered data", "Operator: J. Doe", ""]
    if src.name == "eva_xy":                          # EVA's own header line stays first
        return src.lines[:1] + ["Note: Manually entered data"] + src.lines[1:]
    return notes + src.lines


def _comment_notes(src: Source) -> list[str]:
    return ["# sample A, second measurement", "# exported 2024-01-01"] + src.lines


def _blank_lines(src: Source) -> list[str]:
    first = next(i for i, line in enumerate(src.lines) if src.is_data(line))
    return src.lines[:first] + [""] + src.lines[first:] + ["", ""]


def _extra_title_row(src: Source) -> list[str]:
    if src.name == "eva_xy":
        return src.lines[:1] + ["Coupled TwoTheta/Theta scan of sample A"] + src.lines[1:]
    return ["Sample A (second measurement)"] + src.lines


def _missing_header(src: Source) -> list[str] | None:
    """Without its column-header line (only for two-column files: with more columns the header
    is what tells the signal and intensity columns apart)."""
    if src.header is None:
        return None
    first = next(line for line in src.lines if src.is_data(line))
    if len([f for f in re.split(r"[;\t, ]+", first.strip()) if f]) > 2:
        return None
    return src.lines[:src.header] + src.lines[src.header + 1:]


def _latin1_note(src: Source) -> str:
    prefix = COMMENT.get(src.name, "#")
    return _join([f"{prefix} Température 25 °C, µ-Raman / Diffraktometer Größe"] + src.lines,
                 "\r\n")


#: kind -> (function of the Source giving bytes or None when not applicable, expectation).
TRANSFORMS: dict[str, tuple[Callable[[Source], bytes | None], str]] = {
    "crlf": (lambda s: _join(s.lines, "\r\n").encode("utf-8"), "same"),
    "cr": (lambda s: _join(s.lines, "\r").encode("utf-8"), "same"),
    "lf": (lambda s: _join(s.lines, "\n").encode("utf-8"), "same"),
    "utf8_bom": (lambda s: b"\xef\xbb\xbf" + _join(s.lines).encode("utf-8"), "same"),
    "utf16le": (lambda s: _join(s.lines, "\r\n").encode("utf-16"), "same"),
    "utf16be": (lambda s: ("\ufeff" + _join(s.lines)).encode("utf-16-be"), "same"),
    "latin1": (lambda s: _latin1_note(s).encode("latin-1"), "same"),
    "decimal_comma": (lambda s: (lambda ls: _join(ls).encode("utf-8") if ls else None)(
        _decimal_comma(s)), "same"),
    "trailing_blank_columns": (lambda s: _join(_trailing_blank_columns(s)).encode("utf-8"),
                               "same"),
    "notes": (lambda s: _join(_notes(s)).encode("utf-8"), "same"),
    "comment_notes": (lambda s: _join(_comment_notes(s)).encode("utf-8"), "same"),
    "blank_lines": (lambda s: _join(_blank_lines(s)).encode("utf-8"), "same"),
    "extra_title_row": (lambda s: _join(_extra_title_row(s)).encode("utf-8"), "same"),
    "missing_header": (lambda s: (lambda ls: _join(ls).encode("utf-8") if ls else None)(
        _missing_header(s)), "same_values"),
    "gzip": (lambda s: gzip.compress(_join(s.lines).encode("utf-8"), mtime=0), "same"),
}


#: Sources whose column header is needed to tell the columns apart (more than two columns).
MULTI_COLUMN = {"bwtek_semicolon", "wire_long_map"}


def kinds(name: str) -> list[str]:
    """The transformations that apply to source ``name``, decided from the source tables
    alone (no file is read, so test collection stays cheap)."""
    if name in MAP_SOURCES:
        delimiter, header = "\t", 0 if MAP_SOURCES[name] == "wire" else None
    else:
        _, _, delimiter, header = TEXT_SOURCES[name]
    out = []
    for kind in TRANSFORMS:
        if name in ONLY and kind not in ONLY[name]:
            continue
        if kind == "decimal_comma" and delimiter == ";":
            continue                       # already written with decimal commas
        if kind == "missing_header" and (header is None or name in MULTI_COLUMN):
            continue
        out.append(kind)
    return out


def make(root: Path, name: str, kind: str) -> Variant:
    """The variant ``kind`` of source ``name`` (bytes generated now)."""
    src = load_source(root, name)
    build, expect = TRANSFORMS[kind]
    data = build(src)
    if data is None:
        raise ValueError(f"transformation {kind!r} does not apply to {name!r}")
    suffix = src.suffix + (".gz" if kind == "gzip" else "")
    return Variant(name, kind, suffix, data, expect)


def text_variants(root: Path, name: str) -> list[Variant]:
    """Every applicable transformation of the text source ``name``."""
    return [make(root, name, kind) for kind in kinds(name)]


def original(root: Path, name: str) -> Variant:
    """The source itself as plain UTF-8 with LF line ends (the reference of the variants)."""
    src = load_source(root, name)
    return Variant(name, "original", src.suffix, _join(src.lines).encode("utf-8"), "same")


def binary_variants(root: Path, name: str) -> list[Variant]:
    """Truncated copies of a binary (or XML) file: at 60 %, at 10 % and after 16 bytes."""
    folder, rel = BINARY_SOURCES[name]
    path = root / folder / rel
    raw = path.read_bytes()
    return [Variant(name, f"truncated_{label}", path.suffix, raw[:cut], "readerror")
            for label, cut in (("60pct", int(len(raw) * 0.6)), ("10pct", len(raw) // 10),
                               ("16bytes", 16))]


def write(variant: Variant, folder: Path) -> Path:
    """Write ``variant`` into ``folder`` (a temporary directory) and return its path."""
    path = folder / f"{variant.id}{variant.suffix}"
    path.write_bytes(variant.data)
    return path
