"""Scienta SES text exports (``.txt``): INI-like ``[Region n]``, ``[Info n]``, ``[Data n]``.

Our own parser (pynxtools-xps maps these to NeXus; no light reader exists). Per region the
``[Region n]`` section gives the energy axis (``Dimension 1 name=Binding Energy [eV]`` or
``Kinetic Energy [eV]``, ``Dimension 1 scale=...``), ``[Info n]`` the acquisition
(``Excitation Energy``, ``Pass Energy``, ``Number of Sweeps``, ``Step Time`` in ms,
``DetectorMode``), and ``[Data n]`` rows of energy and signal (more columns for several
slices: the slices are summed, as SES does for its integrated spectrum).

The SES signal is the detector signal summed over sweeps. It is kept as variable ``signal``
(count; Poisson counts only with ``DetectorMode=Pulse Counting``, then also ``counts``), and
``intensity = signal / (step_time × sweeps)`` in count/s. Kinetic-energy axes are converted
with BE = hν − KE.
"""

from __future__ import annotations

import re

import numpy as np

from ...errors import ReadError
from .._registry import register_reader
from . import _text
from ._build import build_region, to_tree


def _sniff(head: bytes, path) -> bool:
    text = _text.head_text(head).lstrip()
    return text.startswith("[Info]") and "Number of Regions" in text[:300]


def _sections(lines):
    out, name = {}, None
    for i, line in enumerate(lines):
        s = line.strip()
        m = re.fullmatch(r"\[(.+)\]", s)
        if m:
            name = m.group(1)
            out[name] = {"_line": i}
        elif name is not None and "=" in s and not name.startswith("Data"):
            k, _, v = s.partition("=")
            out[name][k.strip()] = v.strip()
    return out


def _float(d, key, path, required=False):
    v = d.get(key)
    try:
        return float(v.replace(",", ".")) if v is not None else None
    except ValueError:
        if required:
            raise ReadError(path, f"{key}={v!r} is not a number") from None
        return None


@register_reader("scienta_txt", extensions=(".txt",), sniff=_sniff, technique="xps",
                 description="Scienta SES text export ([Region n]/[Info n]/[Data n])")
def read_scienta_txt(path):
    """Read a Scienta SES ``.txt`` export into a DataTree of regions.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        One node per region (``Region Name``), following the ``"xps"`` conventions:
        ``intensity`` (count/s = signal / (step time × sweeps)), ``signal`` (count, as
        stored), ``binding_energy`` (eV), scalar coordinates ``excitation_energy``, ``region``,
        ``pass_energy``, ``dwell_time`` (step time, s), ``scans`` (sweeps).

    Raises
    ------
    ReadError
        Missing sections, an axis that is not an energy, a data block whose length differs
        from ``Dimension 1 size`` (truncated file), no step time or sweeps.
    """
    lines = _text.lines_of(path)
    sec = _sections(lines)
    n = int(_float(sec.get("Info", {}), "Number of Regions", path, True) or 0)
    if n < 1:
        raise ReadError(path, "[Info] declares no regions")
    out = []
    for r in range(1, n + 1):
        reg, info, data = sec.get(f"Region {r}"), sec.get(f"Info {r}"), sec.get(f"Data {r}")
        if reg is None or info is None or data is None:
            raise ReadError(path, f"region {r}: missing [Region {r}], [Info {r}] or [Data {r}]")
        axis = reg.get("Dimension 1 name", "")
        kind = "binding" if "binding" in axis.lower() else (
            "kinetic" if "kinetic" in axis.lower() else None)
        if kind is None:
            raise ReadError(path, f"region {r}: axis {axis!r} is not an energy")
        size = int(_float(reg, "Dimension 1 size", path, True))
        start = data["_line"] + 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        ncols = len(lines[start].split()) if start < len(lines) else 0
        if ncols < 2:
            raise ReadError(path, f"region {r}: [Data {r}] has no rows", f"line {start + 1}")
        table, _ = _text.table(path, lines, start, ncols, None, what=f"[Data {r}]")
        if table.shape[0] != size:
            raise ReadError(path, f"region {r}: {table.shape[0]} data rows, header says "
                                  f"{size} (truncated file?)")
        signal = table[:, 1:].sum(axis=1)
        step_ms = _float(info, "Step Time", path)
        sweeps = _float(info, "Number of Sweeps", path)
        if not step_ms or not sweeps:
            raise ReadError(path, f"region {r}: no Step Time / Number of Sweeps to express "
                                  "the signal per second")
        dwell = step_ms / 1000.0
        pulse = "pulse" in info.get("DetectorMode", "").lower()
        name = info.get("Region Name") or reg.get("Region Name") or f"region {r}"
        ds = build_region(
            path, intensity=signal / (dwell * sweeps), counts=signal if pulse else None,
            energy=table[:, 0], energy_kind=kind,
            excitation_energy=_float(info, "Excitation Energy", path), region=name,
            variables={"signal": (signal, "count", "Detector signal (sum of sweeps)")},
            scalars={"dwell_time": dwell, "scans": int(sweeps),
                     "pass_energy": _float(info, "Pass Energy", path),
                     "sample": info.get("Sample")},
            original_metadata={"Info": sec.get("Info"), "Region": reg, "Info n": info},
            attrs={"intensity_conversion": "intensity = signal / (step_time * sweeps)"})
        out.append(ds)
    return to_tree(path, out)
