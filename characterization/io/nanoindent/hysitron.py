"""Bruker Hysitron nanoindentation exports: TriboScan ``.txt`` curves and ``.hld`` files.

TriboScan "export curves" text (TI 950/990, HighLoad)::

    Mon Apr 29 10:41:06 2019
    <blank>
    Number of Points = 5304
    Depth (nm)<TAB>Load (µN)<TAB>Time (s)[<TAB>Depth (V)<TAB>Load (V)]
    0.814723<TAB>1.836146<TAB>0.000000 ...

Line ends may be CR only (old-Mac style, as the TI 990 writes the data rows), LF or CRLF, mixed
within one file; µ is the Latin-1 byte 0xB5 (UTF-8 and UTF-16 files are read too). Load is
converted explicitly from the unit in its header (µN -> mN ÷ 1000), recorded in
``attrs["original_units"]``. A file holding fewer rows
than its "Number of Points" is truncated: ReadError. A sibling ``.tdm`` (NI-USI metadata written
by TriboScan beside the text) is summarised into ``original_metadata["tdm"]``.

``.hld`` (TriboScan HLD text): ``Key: value unit`` header lines (optionally starting with
``File Version: Hysitron ...``; newer files start with ``Test Type:``), the load-function
segments (``Segment Begin/End Time``, ``Segment Begin/End Demand``), then data blocks each
introduced by ``<Name> Data Points: N`` and a tab-separated header (``Sample Approach``,
``Drift Measurement``, ``Test``). The ``Test`` block gives the curve (``Time_s``, ``Disp_nm``,
``Force_µN``/``Force_uN`` ...); segments are labelled from the load function: rising demand
``loading``, falling ``unloading``, constant non-zero ``hold``, constant zero ``""``.
The area function ``Tip C0..C5`` (A = C0 h² + C1 h + C2 h^(1/2) + C3 h^(1/4) + C4 h^(1/8) +
C5 h^(1/16), h in nm, A in nm²) goes to ``attrs["area_coefficients"]``; ``Machine Comp``
(nm/µN) to the scalar ``frame_compliance`` in nm/mN and ``Drift Rate`` to ``drift_rate``
(nm/s), both as recorded (not applied to the data).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _safe_archive, _source
from .._registry import register_reader
from . import _build

_KNOWN_UNITS = {"nm", "V", "µN", "uN", "mN", "s", "mm", "µm", "um"}
_LINES = re.compile(r"\r\n|\r|\n")
_COLUMN = re.compile(r"^\s*(.*?)\s*\(([^)]*)\)\s*$")


def _unit(u: str) -> str:
    return (u.replace("\u00b5", "µ").replace("\u03bc", "µ").replace("Âµ", "µ")
            .replace("\ufffd", "µ").strip())


def _floats(lines, ncol, start, path, what):
    """Rows of ``ncol`` numbers (tab or blank separated, decimal comma tolerated)."""
    rows = []
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        fields = line.replace(",", ".").split() if "\t" not in line else [
            f.strip().replace(",", ".") for f in line.split("\t") if f.strip()]
        try:
            values = [float(f) for f in fields]
        except ValueError:
            raise ReadError(path, f"{what}: expected {ncol} numbers, got {line[:60]!r}",
                            f"line {start + k + 1}") from None
        if len(values) != ncol:
            raise ReadError(path, f"{what}: expected {ncol} numbers, got {len(values)} "
                                  "(a truncated or damaged row)", f"line {start + k + 1}")
        rows.append(values)
    return np.array(rows, dtype=float).reshape(-1, ncol)


# -------------------------------------------------------------------------------------------
# TriboScan text
# -------------------------------------------------------------------------------------------

def _sniff_txt(head, path):
    text = head.decode("latin-1")
    return ("Number of Points" in text and re.search(r"Depth \(nm\)", text) is not None
            and re.search(r"Load \(", text) is not None)


@register_reader("triboscan_txt", extensions=(".txt",), sniff=_sniff_txt,
                 technique="nanoindent",
                 description="Bruker Hysitron TriboScan load-displacement text export")
def read_triboscan_txt(path):
    """Read a Bruker Hysitron TriboScan load–displacement text export (one test).

    Parameters
    ----------
    path : str or os.PathLike
        The ``.txt`` file (see the module docstring for the layout).

    Returns
    -------
    xarray.Dataset
        Technique ``"nanoindent"`` along ``point``: ``load`` (mN, from the µN column ÷ 1000),
        ``displacement`` (nm), coordinate ``time`` (s), ``segment`` all ``""`` (the export
        has no markers), raw voltage channels ``depth_v``/``load_v`` (V) when
        present; ``attrs["start_time"]`` from the date line.

    Raises
    ------
    ReadError
        No "Depth (nm) / Load / Time" header, an unknown unit, a row that is not numbers, or
        fewer rows than "Number of Points" (a truncated file).

    Notes
    -----
    No drift correction, zero-point or frame-compliance correction is applied: the values are
    those of the file. TriboScan exports often start with load at negative depth before contact.
    """
    text, encoding = _source.read_text(path)
    lines = _LINES.split(text)
    declared, header_at, date = None, None, None
    for i, line in enumerate(lines[:50]):
        s = line.strip()
        m = re.match(r"number of points\s*=\s*(\d+)", s, re.IGNORECASE)
        if m:
            declared = int(m.group(1))
        elif s and date is None and header_at is None and declared is None:
            date = s
        if re.search(r"depth\s*\(", s, re.IGNORECASE) and re.search(r"load\s*\(", s,
                                                                      re.IGNORECASE):
            header_at = i
            break
    if header_at is None:
        raise ReadError(path, "no column header 'Depth (nm)  Load (µN)  Time (s)' in the first "
                              "50 lines; not a TriboScan curve export")
    labels = [c for c in re.split(r"\t|\s{2,}", lines[header_at].strip()) if c]
    cols = []
    for lab in labels:
        m = _COLUMN.match(lab)
        if not m:
            raise ReadError(path, f"column {lab!r} has no unit in parentheses",
                            f"line {header_at + 1}")
        cols.append((m.group(1).strip().lower(), _unit(m.group(2))))
    data = _floats(lines[header_at + 1:], len(cols), header_at + 1, path, "data row")
    if declared is not None and data.shape[0] < declared:
        raise ReadError(path, f"the file declares {declared} points but holds {data.shape[0]}: "
                              "truncated")
    if data.shape[0] == 0:
        raise ReadError(path, "no data rows after the column header")
    found, extra, units = {}, {}, {}
    for j, (name, unit) in enumerate(cols):
        if name in ("depth", "load", "time") and unit.lower() != "v" and name not in found:
            found[name] = data[:, j] * _build.factor(
                "displacement" if name == "depth" else name, unit, path)
            units["displacement" if name == "depth" else name] = unit
        else:
            extra[_build.snake(f"{name} {unit}")] = (data[:, j], unit)
    missing = [n for n in ("depth", "load", "time") if n not in found]
    if missing:
        raise ReadError(path, f"columns {missing} missing (header: {labels})")
    meta = {"date": date, "number_of_points": declared, "columns": labels,
            "encoding": encoding}
    tdm = Path(path).with_suffix(".tdm")
    if tdm.is_file():
        try:
            meta["tdm"] = tdm_metadata(tdm)
        except ReadError as exc:
            meta["tdm"] = {"error": str(exc)}
    return _build.test_dataset(found["load"], found["depth"], found["time"], extra=extra,
                               original_units=units, attrs={"start_time": date or "",
                                      "original_metadata": _build.to_json(meta)}, path=path)


# -------------------------------------------------------------------------------------------
# HLD
# -------------------------------------------------------------------------------------------

def _sniff_hld(head, path):
    text = head.decode("latin-1")
    return (text.startswith(("File Version: Hysitron", "Test Type:"))
            or ("Data Points:" in text and "Time_s" in text))


def _header_value(value: str):
    """(number or text, unit) of a header value ``"0.03648 nm/s"``."""
    m = re.match(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$", value)
    if m:
        return float(m.group(1)), _unit(m.group(2))
    return value.strip(), ""


def _hld_segments(segments, time):
    labels = np.array([""] * time.size, dtype=object)
    for s in segments:
        try:
            t0, t1 = s["Segment Begin Time"][0], s["Segment End Time"][0]
            d0, d1 = s["Segment Begin Demand"][0], s["Segment End Demand"][0]
        except (KeyError, IndexError, TypeError):
            continue
        if not all(isinstance(v, float) for v in (t0, t1, d0, d1)):
            continue
        lab = ("loading" if d1 > d0 else "unloading" if d1 < d0
               else "hold" if d0 != 0 else "")
        labels[(time >= t0) & (time < t1)] = lab
        if s is segments[-1]:
            labels[time >= t1] = lab if lab == "unloading" else labels[time >= t1]
    return labels.astype(str)


@register_reader("hysitron_hld", extensions=(".hld",), sniff=_sniff_hld, technique="nanoindent",
                 description="Bruker Hysitron TriboScan .hld test file")
def read_hld(path):
    """Read a Bruker Hysitron ``.hld`` file (one test; both header styles).

    Parameters
    ----------
    path : str or os.PathLike
        The ``.hld`` file (CRLF text; µ as Latin-1 0xB5 or written ``u``).

    Returns
    -------
    xarray.Dataset
        Technique ``"nanoindent"`` along ``point`` from the ``Test`` data block: ``load`` (mN,
        ``Force_µN`` ÷ 1000), ``displacement`` (nm, ``Disp_nm``), ``time`` (s), ``segment``
        from the load function (module docstring), every other channel under its snake-case
        name with the unit of its column suffix (``loadcell`` nm, ``disp_v`` V ...); the
        drift-measurement block (when present) as ``drift_time``/``drift_displacement`` on dim
        ``drift_point``; scalar coordinates ``tip`` (``Tip ID``), ``frame_compliance`` (nm/mN,
        from ``Machine Comp``), ``drift_rate`` (nm/s), ``x``/``y`` (µm, from ``Stage X/Y`` mm);
        ``attrs["area_coefficients"]`` (``Tip C0..C5``) and the whole header in
        ``original_metadata``.

    Raises
    ------
    ReadError
        No ``Test Data Points`` block, a block shorter than declared (truncated file), a row
        that is not numbers, an unknown force/displacement unit.

    Notes
    -----
    The recorded ``Machine Comp`` and ``Drift Rate`` are not applied; whether ``Disp_nm`` is
    already corrected depends on the TriboScan export settings, which the file does not state.
    """
    text, encoding = _source.read_text(path)
    lines = _LINES.split(text)
    header, segments, blocks = {}, [], {}
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^\s*(.+?) Data Points:\s*(\d+)\s*$", line)
        if m:
            name, n = m.group(1).strip(), int(m.group(2))
            if i + 1 >= len(lines):
                raise ReadError(path, f"{name} block has no column header", f"line {i + 1}")
            labels = [c.strip() for c in lines[i + 1].split("\t") if c.strip()]
            body = lines[i + 2:i + 2 + n]
            data = _floats(body, len(labels), i + 2, path, f"{name} data")
            if data.shape[0] < n:
                raise ReadError(path, f"{name} block declares {n} points but holds "
                                      f"{data.shape[0]}: truncated")
            blocks[name] = (labels, data)
            i += 2 + n
            continue
        if ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            parsed = _header_value(value)
            if key == "Segment Time" or (key.startswith("Segment ") and not segments):
                segments.append({})
            if key.startswith("Segment ") and key != "Segment Time" or key == "Segment Time":
                segments[-1][key] = parsed
            else:
                header[key] = parsed
        i += 1
    if "Test" not in blocks:
        raise ReadError(path, "no 'Test Data Points: N' block; not a Hysitron .hld test file "
                              f"(blocks found: {sorted(blocks) or 'none'})")
    labels, data = blocks["Test"]
    found, extra, units = {}, {}, {}
    for j, lab in enumerate(labels):
        base, _, unit = lab.rpartition("_")
        base, unit = (base or lab), _unit(unit)
        key = base.lower()
        if key == "time" and "time" not in found:
            found["time"] = data[:, j] * _build.factor("time", unit, path)
            units["time"] = unit
        elif key == "disp" and unit.lower() != "v" and "displacement" not in found:
            found["displacement"] = data[:, j] * _build.factor("displacement", unit, path)
            units["displacement"] = unit
        elif key == "force" and unit.lower() != "v" and "load" not in found:
            found["load"] = data[:, j] * _build.factor("load", unit, path)
            units["load"] = unit
        elif unit in _KNOWN_UNITS:
            name = _build.snake(base) + ("_v" if unit == "V" else "")
            extra[name] = (data[:, j], unit)
        else:                                   # e.g. Piezo_LowV: unit not stated plainly
            extra[_build.snake(lab)] = (data[:, j], "")
    missing = [k for k in ("time", "displacement", "load") if k not in found]
    if missing:
        raise ReadError(path, f"Test block lacks {missing} (columns: {labels})")
    scalars = {}
    if isinstance(header.get("Tip ID", ("",))[0], str) and header.get("Tip ID", ("",))[0]:
        scalars["tip"] = header["Tip ID"][0]
    comp = header.get("Machine Comp")
    if comp and isinstance(comp[0], float):
        scalars["frame_compliance"] = (comp[0] / _build.factor("load", comp[1].split("/")[-1],
                                                               path), "nm/mN")
    drift = header.get("Drift Rate")
    if drift and isinstance(drift[0], float):
        scalars["drift_rate"] = (drift[0], drift[1] or "nm/s")
    for axis in ("X", "Y"):
        v = header.get(f"Stage {axis}")
        if v and isinstance(v[0], float) and v[1] in ("mm", "µm", "um"):
            scalars[axis.lower()] = (v[0] * (1000.0 if v[1] == "mm" else 1.0), "µm")
    coeff = [header[f"Tip C{k}"][0] for k in range(10)
             if f"Tip C{k}" in header and isinstance(header[f"Tip C{k}"][0], float)]
    attrs = {"original_metadata": _build.to_json({"header": header, "segments": segments,
                                                  "blocks": {k: v[0] for k, v in
                                                             blocks.items()},
                                                  "encoding": encoding})}
    if "Time Stamp" in header:
        attrs["start_time"] = str(header["Time Stamp"][0])
    if coeff:
        attrs["area_coefficients"] = coeff
        attrs["area_function"] = ("A = C0 h^2 + C1 h + C2 h^(1/2) + C3 h^(1/4) + C4 h^(1/8) + "
                                  "C5 h^(1/16), h in nm, A in nm^2 (Hysitron convention)")
    ds = _build.test_dataset(found["load"], found["displacement"], found["time"],
                             segment=_hld_segments(segments, found["time"]), extra=extra,
                             original_units=units, scalars=scalars, attrs=attrs, path=path)
    if "Drift Measurement" in blocks:
        dl, dd = blocks["Drift Measurement"]
        names = [c.lower() for c in dl]
        if "time_s" in names and "disp_nm" in names:
            ds["drift_displacement"] = ("drift_point", dd[:, names.index("disp_nm")],
                                        {"units": "nm"})
            ds = ds.assign_coords(drift_time=("drift_point", dd[:, names.index("time_s")],
                                              {"units": "s"}))
    return ds


# -------------------------------------------------------------------------------------------
# TDM (NI-USI) metadata
# -------------------------------------------------------------------------------------------

def _local(tag):
    return tag.rsplit("}", 1)[-1]


def tdm_metadata(path) -> dict:
    """Summary of an NI-USI ``.tdm`` file: root and group names/descriptions and attributes,
    and per channel its group, name, unit, data type and row count. The numeric values live in
    the ``.tdx`` companion named in the file; whether it is present is reported."""
    p = Path(path)
    root = _safe_archive.parse_xml_safe(_source.read_bytes(p), p, "TDM XML")
    out = {"tdx": None, "tdx_present": False, "root": {}, "groups": {}, "channels": []}
    for el in root.iter():
        if _local(el.tag) == "file" and el.get("url"):
            out["tdx"] = el.get("url")
            out["tdx_present"] = (p.parent / el.get("url")).is_file()

    def fields(el):
        d = {}
        for c in el:
            tag = _local(c.tag)
            if tag == "instance_attributes":
                for a in c:
                    vals = [x.text for x in a.iter() if x.text and x is not a] or [a.text]
                    d[a.get("name")] = vals[0] if len(vals) == 1 else vals
            elif tag in ("name", "description", "title", "author", "unit_string", "datatype",
                         "number_of_rows"):
                d[tag] = c.text
        return d

    for el in root.iter():
        tag = _local(el.tag)
        if tag == "tdm_root":
            out["root"] = fields(el)
        elif tag == "tdm_channelgroup":
            out["groups"][el.get("id")] = fields(el)
        elif tag == "tdm_channel":
            f = fields(el)
            g = re.search(r'id\("([^"]+)"\)', (el.findtext("group") or ""))
            f["group"] = out["groups"].get(g.group(1), {}).get("name") if g else None
            out["channels"].append(f)
    out["groups"] = list(out["groups"].values())
    return out


def _sniff_tdm(head, path):
    return b"<usi:tdm" in head or b"usi/tdm" in head.lower()


@register_reader("tdm", extensions=(".tdm",), sniff=_sniff_tdm, technique="nanoindent",
                 description="NI-USI .tdm metadata of a TriboScan test (values in .tdx)")
def read_tdm(path):
    """Refuse a ``.tdm`` clearly: it holds the metadata only, the curve is elsewhere.

    Parameters
    ----------
    path : str or os.PathLike
        An NI-USI ``.tdm`` XML file.

    Raises
    ------
    ReadError
        Always: reading the binary ``.tdx`` values is not implemented; the message says
        whether the ``.tdx`` is present and names the channels and the TriboScan text export
        to read instead (whose reader attaches this metadata, see :func:`tdm_metadata`).
    """
    meta = tdm_metadata(path)
    chans = sorted({c.get("name") or "?" for c in meta["channels"]})
    txt = Path(path).with_suffix(".txt")
    raise ReadError(path, f"a .tdm holds metadata only ({len(chans)} channels: "
                          f"{', '.join(chans[:8])}{'...' if len(chans) > 8 else ''}); its values "
                          f"are in {meta['tdx']!r} ("
                          f"{'present' if meta['tdx_present'] else 'missing'}), whose reading "
                          "is not implemented; read the TriboScan text export"
                          + (f" {txt.name} (it carries this metadata)" if txt.is_file()
                             else ""))
