"""HORIBA LabSpec exports: XML ``<LSX_Data>`` (read) and the LabSpec 5/6 binary (refused).

Text maps (WiRE and LabSpec) are read by :mod:`characterization.io.raman.text_map`.

Formats
-------
``labspec_xml`` — LabSpec's XML export (``<LSX_Data>``: an ``LSX_Tree`` of typed, ID-tagged
values and an ``LSX_Matrix`` of spectra, one ``LSX_Row`` per point). Single spectra, line
scans and maps. Layout relied on (IDs as written by LabSpec 6):

* ``LSX_Tree`` > ``0x7A74D9D6`` > ``0x7B697861``: the axes, numbered ``0x0`` (the intensity:
  type ``0x6D707974`` "Intens", unit ``0x7C696E75`` e.g. "Cnt/sec"), then the spectral axis
  (type "Spectr", unit "nm", "1/cm", "1/cm abs" or "eV") and the stage axes ("X", "Y" in µm),
  each with its values in ``0x7D6CD4DB``;
* ``LSX_Tree`` > ``0x6C62D4D9``: acquisition settings, one entry per setting with name
  ``0x6D6D616E``, value ``0x7D6C61DB``, precise value ``0x8736F70`` and unit ``0x7C696E75``
  (e.g. "Laser (nm)" = "633 " / 632.817);
* ``LSX_Matrix``: rows in acquisition order, the first stage axis varying fastest, so row
  ``k`` of an ``nx × ny`` map is ``x[k % nx]``, ``y[k // nx]``.

The result is ``intensity(y, x, raman_shift)`` (or ``(x|y, raman_shift)``, or a single
spectrum). A spectral axis in nm (LabSpec's default for PL-style acquisitions) or absolute
cm⁻¹ / eV is converted **explicitly** to Raman shift, ``1e7/λ_laser − 1e7/λ``, with the
precise laser wavelength of the file (or ``laser_wavelength=``), the original axis kept as a
coordinate (``wavelength``); with no laser wavelength the reader raises ReadError. Intensities
in "Cnt/sec" stay ``count/s`` (no exposure time is multiplied in).

``labspec6`` — LabSpec 5/6 binary ``.l5s``/``.l6s``: a proprietary, undocumented layout for
which no open reader exists. Reading one raises ReadError that says so and points to the text
or XML export (naming it when a file with the same stem sits beside it).

Library choice: the XML is parsed with :mod:`xml.etree.ElementTree` (rosettasciio's
``jobinyvon`` reader, GPL-3.0, was used only to learn the ID meanings and the row order).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ...errors import ReadError
from .. import _source
from ._build import build_raman, plausible_laser, to_raman_shift
from .._registry import register_reader
from .._units import canonical_unit

_AXES, _AXIS_LIST = "0x7A74D9D6", "0x7B697861"
_TYPE, _UNIT, _VALUES = "0x6D707974", "0x7C696E75", "0x7D6CD4DB"
_SETTINGS, _TITLE, _ROTATION = "0x6C62D4D9", "0x6C7469D9", "0x6C676EC6"
_NAME, _VALUE, _VALUE2 = "0x6D6D616E", "0x7D6C61DB", "0x8736F70"
_GROUPS = {0x8716361: "experimental_setup", 0x7C73E2D2: "file_information",
           0x7CECDBD7: "date"}
_NAV_DIMS = {"x": "x", "y": "y", "time": "time", "t": "time"}


# --------------------------------------------------------------------------- XML
def _sniff_xml(head: bytes, path: Path) -> bool:
    return b"<LSX_Data" in head[:4096]


def _id(element) -> int | None:
    try:
        return int(element.attrib.get("ID", ""), 16)
    except ValueError:
        return None


def _by_id(element, ident: str):
    """First child whose ID attribute is the hexadecimal number ``ident``."""
    want = int(ident, 16)
    return next((c for c in element if _id(c) == want), None)


def _floats(path, text, what):
    try:
        return np.array((text or "").split(), dtype=np.float64)
    except ValueError as exc:
        raise ReadError(path, f"{what}: non-numeric value ({exc})") from None


def _settings(tree) -> dict:
    """Acquisition settings: {group: {name: value, name + " [precise]": value2, ...}}."""
    out = {}
    root = _by_id(tree, _SETTINGS)
    if root is None:
        return out
    for group in root:
        gname = _GROUPS.get(_id(group), group.attrib.get("ID", "?"))
        entries = {}
        for entry in group:
            name = _by_id(entry, _NAME)
            if name is None or not (name.text or "").strip():
                continue
            key = name.text.strip()
            value, precise, unit = (_by_id(entry, i) for i in (_VALUE, _VALUE2, _UNIT))
            entries[key] = (value.text or "").strip() if value is not None else None
            if precise is not None:
                entries[key + " [value]"] = (precise.text or "").strip()
            if unit is not None:
                entries[key + " [unit]"] = (unit.text or "").strip()
        out[gname] = entries
    return out


def _number(text):
    m = re.search(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text or "")
    return float(m.group()) if m else None


def _setting(settings, key):
    """Precise value of a setting if given, else the displayed one (as float or None)."""
    setup = settings.get("experimental_setup", {})
    for k in (key + " [value]", key):
        if setup.get(k) not in (None, ""):
            v = _number(setup[k])
            if v is not None:
                return v
    return None


def _intensity_units(text):
    t = (text or "").strip().lower().replace(" ", "")
    if re.fullmatch(r"(cnt|cnts|count|counts)/(s|sec|second)", t):
        return "count/s", {}
    if t in ("cnt", "cnts", "count", "counts", ""):
        return "count", {}
    return "count", {"original_units": text.strip()}


@register_reader("labspec_xml", extensions=(".xml",), sniff=_sniff_xml, technique="raman",
                 description="HORIBA LabSpec XML export (<LSX_Data>): spectra and maps")
def read_labspec_xml(path, *, laser_wavelength: float | None = None):
    """Read a HORIBA LabSpec XML export (``<LSX_Data>``).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    laser_wavelength : float, optional
        Laser wavelength (nm); default: the file's "Laser (nm)" setting (its precise value).

    Returns
    -------
    xarray.Dataset
        ``intensity`` over ``raman_shift`` (and ``y``, ``x``), ``wavelength`` along
        ``raman_shift`` when the file's axis was a wavelength, ``laser_wavelength``,
        ``exposure_time``, ``accumulations``, ``title``, ``instrument`` ...

    Raises
    ------
    ReadError
        Malformed XML, missing axes or matrix, rows of the wrong length, a count of rows that
        does not match the stage axes, an absolute axis without a laser wavelength.

    Examples
    --------
    >>> ds = read_labspec_xml("map.xml")                 # doctest: +SKIP
    >>> ds.intensity.sel(raman_shift=520, method="nearest").plot()   # doctest: +SKIP
    """
    import xml.etree.ElementTree as ET

    path = Path(os.fspath(path))
    text, _ = _source.read_text(path)
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise ReadError(path, f"malformed XML: {exc}", f"line {exc.position[0]}") from None
    if root.tag != "LSX_Data":
        raise ReadError(path, f"root element is <{root.tag}>, expected <LSX_Data>", "line 1")
    tree, matrix = root.find("LSX_Tree"), root.find("LSX_Matrix")
    if tree is None or matrix is None:
        raise ReadError(path, "no LSX_Tree or LSX_Matrix element")
    axes_root = _by_id(tree, _AXES)
    axis_list = _by_id(axes_root, _AXIS_LIST) if axes_root is not None else None
    if axis_list is None:
        raise ReadError(path, f"no axis list (LSX_Tree > {_AXES} > {_AXIS_LIST})")
    data_axis, spectral, nav = None, None, []
    for axis in axis_list:
        kind = (_by_id(axis, _TYPE).text or "").strip() if _by_id(axis, _TYPE) is not None \
            else ""
        unit = _by_id(axis, _UNIT)
        unit = (unit.text or "").strip() if unit is not None else ""
        if _id(axis) == 0:
            data_axis = (kind, unit)
            continue
        values = _by_id(axis, _VALUES)
        values = _floats(path, values.text if values is not None else "", f"axis {kind!r}")
        if kind.lower().startswith("spectr"):
            spectral = (values, unit)
        else:
            nav.append((kind, unit, values))
    if spectral is None or spectral[0].size == 0:
        raise ReadError(path, "no spectral axis ('Spectr') in the axis list")
    nch = spectral[0].size

    rows = sorted(matrix.findall("LSX_Row"), key=lambda r: int(r.attrib.get("Index", 0)))
    if not rows:
        raise ReadError(path, "LSX_Matrix holds no LSX_Row")
    data = np.empty((len(rows), nch))
    for i, row in enumerate(rows):
        values = _floats(path, row.text, f"LSX_Row {row.attrib.get('Index', i)}")
        if values.size != nch:
            raise ReadError(path, f"LSX_Row {row.attrib.get('Index', i)} has {values.size} "
                                  f"values, expected {nch} (one per spectral channel)")
        data[i] = values

    settings = _settings(tree)
    laser = (plausible_laser(laser_wavelength) if laser_wavelength is not None
             else plausible_laser(_setting(settings, "Laser (nm)")))
    shift, sattrs, original = to_raman_shift(path, spectral[0], spectral[1], laser,
                                             what="LabSpec spectral axis")
    nav = [n for n in nav if n[2].size > 1]          # a size-1 axis is a single point
    dims, coords = [], {}
    for kind, unit, values in nav:
        dim = _NAV_DIMS.get(kind.strip().lower(), "spot")
        if dim in dims:
            raise ReadError(path, f"two stage axes map to dim {dim!r}: {[n[0] for n in nav]}")
        dims.append(dim)
        canon = canonical_unit(unit) or ""
        coords[dim] = ((dim,), values, canon if canon != "a.u." else "",
                       f"Stage position {kind}" if dim in ("x", "y") else kind)
    shape = tuple(n[2].size for n in reversed(nav))        # first axis listed varies fastest
    if int(np.prod(shape, dtype=np.int64)) != len(rows):
        raise ReadError(path, f"{len(rows)} spectra in LSX_Matrix but the stage axes "
                              f"{[(n[0], n[2].size) for n in nav]} need {int(np.prod(shape))}")
    dims = tuple(reversed(dims))
    intensity = data.reshape(shape + (nch,)) if dims else data[0] if len(rows) == 1 else None
    if intensity is None:
        dims, intensity = ("spot",), data
    iunit, iattrs = _intensity_units(data_axis[1] if data_axis else "")
    setup = settings.get("experimental_setup", {})
    title = _by_id(tree, _TITLE)
    rotation = _by_id(tree, _ROTATION)
    rotation = _number(_by_id(rotation, "0x0").text) if rotation is not None and \
        _by_id(rotation, "0x0") is not None else None
    acquired = settings.get("date", {}).get("Acquired")
    scalars = {
        "laser_wavelength": laser,
        "exposure_time": _setting(settings, "Acq. time (s)"),
        "accumulations": (int(_setting(settings, "Accumulations"))
                          if _setting(settings, "Accumulations") else None),
        "title": (title.text or "").strip() if title is not None else None,
        "instrument": setup.get("Instrument") or None,
        "objective": setup.get("Objective") or None,
        "grating": setup.get("Grating") or None,
        "sample": settings.get("file_information", {}).get("Sample") or None,
        "acquisition_time": _labspec_date(acquired),
        "map_rotation": (rotation, "rad", "Map rotation angle") if rotation else None,
    }
    meta = {"settings": settings, "measurement_type": _text(_by_id(tree, _TYPE)),
            "intensity": {"type": data_axis[0] if data_axis else None,
                          "units": data_axis[1] if data_axis else None},
            "spectral_axis_units": spectral[1],
            "stage_axes": [{"name": k, "units": u, "size": int(v.size)} for k, u, v in nav]}
    return build_raman(path, intensity=intensity, raman_shift=shift, batch_dims=dims,
                       coords=coords, shift_attrs=sattrs,
                       shift_coords={original[0]: (original[1], original[2])} if original
                       else None, intensity_units=iunit, intensity_attrs=iattrs,
                       scalars=scalars, original_metadata=meta, attrs={"reader": "labspec_xml"})


def _text(element):
    return (element.text or "").strip() if element is not None else None


def _labspec_date(text):
    m = re.fullmatch(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*",
                     text or "")
    if not m:
        return None
    d, mo, y, h, mi, s = m.groups()
    try:
        return np.datetime64(f"{int(y):04d}-{int(mo):02d}-{int(d):02d}T{int(h):02d}:"
                             f"{int(mi):02d}:{int(s or 0):02d}")
    except ValueError:
        return None


# --------------------------------------------------------------------------- LabSpec 5/6 binary
def _sniff_l6s(head: bytes, path: Path) -> bool:
    return head[:8] == b"LabSpec6" or _source.logical_suffix(path) in (".l6s", ".l5s")


@register_reader("labspec6", extensions=(".l6s", ".l5s"), sniff=_sniff_l6s, technique="raman",
                 description="HORIBA LabSpec 5/6 binary (.l6s/.l5s): not supported, explains "
                             "how to export")
def read_labspec_binary(path):
    """Refuse a LabSpec 5/6 binary file with a message saying how to export it.

    Raises
    ------
    ReadError
        Always: the format is proprietary and undocumented.
    """
    path = Path(os.fspath(path))
    beside = [p.name for p in sorted(path.parent.glob(_glob_escape(path.stem) + ".*"))
              if p.suffix.lower() in (".txt", ".xml") and p.is_file()]
    hint = (f"; a text/XML export of it is beside it: {', '.join(beside)}" if beside else "")
    raise ReadError(path, "the HORIBA LabSpec 6 binary format (.l6s/.l5s) is not supported (it "
                          "is proprietary and undocumented; no open reader exists). In LabSpec, "
                          "export the data with File > Save As as text (.txt) or XML (.xml) and "
                          f"read that file instead{hint}")


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
