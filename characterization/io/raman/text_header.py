"""What the header of a Raman text export says: vendor, laser wavelength, acquisition settings.

Used by the generic delimited reader (:mod:`characterization.io.delimited`) so that a plain
two-column text export is read as Raman, without ``technique=``, when its header says so:

* **WiRE** (Renishaw) single-spectrum text: the column header ``#Wave  #Intensity`` (tab or
  spaces between). WiRE writes the axis in the unit shown on screen, by default the Raman shift
  (cm⁻¹), and does not state it; the shift is assumed, as for WiRE text maps.
* **LabSpec** (HORIBA) text: ``#key=value`` lines (``#Acq. time (s)=10``, ``#Accumulations=2``,
  ``#Instrument=LabRAM HR Evol``, ``#Laser=532nm_Edge``, ``#Range (cm-¹)=100...3000`` ...)
  above the two columns. The ``Range`` key names the axis unit: cm⁻¹ (Raman shift), nm
  (absolute wavelength: converted with the laser wavelength; without one it is not a Raman
  spectrum) or eV.
* Any export with a **laser** line whose value is a plausible excitation wavelength
  (``Laser: 532 nm``, ``laser_wavelength;532,02``, ``#Laser=532nm_Edge``, ``Excitation
  wavelength = 785``) is Raman evidence too.

:func:`laser_wavelength` parses the laser line into nm; :func:`acquisition_scalars` turns the
LabSpec settings into the scalar coordinates of the Raman conventions (``exposure_time`` s,
``accumulations``, ``instrument``, ``objective``, ``grating``, ``title``, ``sample``,
``acquisition_time``).
"""

from __future__ import annotations

import re

import numpy as np

from ._build import plausible_laser

#: LabSpec acquisition keys (as written after ``#`` and before ``=``); two of them identify a
#: LabSpec export even when no instrument name is given.
LABSPEC_KEYS = frozenset(k.lower() for k in (
    "Acq. time (s)", "Accumulations", "Range (cm-¹)", "Range (cm-1)", "Range (nm)", "Windows",
    "Auto scanning", "Autofocus", "AutoExposure", "Spike filter", "Delay time (s)", "Binning",
    "Readout mode", "DeNoise", "ICS correction", "Dark correction", "Inst. Process",
    "Detector temperature (°C)", "Instrument", "Detector", "Objective", "Grating", "ND Filter",
    "Laser", "Laser (nm)", "Hole", "Acquired", "Full time(mm:ss)"))

#: Instrument names of HORIBA Raman spectrometers (LabSpec's ``Instrument`` key).
_HORIBA = re.compile(r"labram|xplora|t64000|hr800|hr\s*evol|aramis|labspec|horiba|lab\s*ram",
                     re.I)
_LASER_KEY = re.compile(r"^\s*(laser|excitation)\b|laser[\s_]*wave|excitation[\s_]*wave", re.I)
_NUMBER = r"(\d+(?:[.,]\d+)?)"


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if str(v).strip()), "")
    return str(value).strip()


def laser_wavelength(meta: dict) -> float | None:
    """Excitation wavelength (nm) from a header's laser line, else None.

    Values with an explicit number of nm (``785 nm``, ``532nm_Edge``) or under a key stating
    nm (``Laser (nm)=532.12``, ``laser_wavelength;532,02``) are taken first, the most precise
    (most digits) winning; a bare number under a ``Laser`` key is used when nothing better is
    there. Values outside 150–2500 nm are ignored (laser *power* lines, ``Laser=off``).
    """
    best: tuple[int, float] | None = None
    for key, value in (meta or {}).items():
        key = str(key)
        if not _LASER_KEY.search(key):
            continue
        text = _text(value)
        in_text = re.search(_NUMBER + r"\s*nm(?![a-z])", text, re.I) or re.search(
            _NUMBER + r"\s*nm", text, re.I)
        bare = re.fullmatch(r"\s*" + _NUMBER + r"\s*", text)
        key_says_nm = bool(re.search(r"\(nm\)|wave\s*-?length|_wavelength", key, re.I))
        match = in_text or bare
        if not match:
            continue
        v = plausible_laser(match.group(1).replace(",", "."))
        if v is None:
            continue
        rank = (2 if (in_text or key_says_nm) else 1, len(match.group(1)))
        if best is None or rank > best[0]:
            best = (rank, v)
    return best[1] if best else None


def vendor(meta: dict, header_line: str | None) -> str | None:
    """``"wire"``, ``"labspec"`` or ``"laser"`` when the header identifies a Raman export."""
    if header_line is not None and re.fullmatch(r"\s*#\s*Wave\s+#\s*Intensity\s*", header_line,
                                                re.I):
        return "wire"
    keys = {str(k).strip().lower() for k in (meta or {})}
    instrument = _text((meta or {}).get("Instrument", ""))
    if len(keys & LABSPEC_KEYS) >= 2 or (instrument and _HORIBA.search(instrument)):
        return "labspec"
    if laser_wavelength(meta) is not None:
        return "laser"
    return None


def axis_unit(meta: dict) -> str | None:
    """Unit of the spectral axis from LabSpec's ``Range (<unit>)`` key: ``"1/cm"``, ``"nm"``,
    ``"eV"``, or None when the header does not say."""
    for key in (meta or {}):
        m = re.fullmatch(r"\s*range\s*\((.+)\)\s*", str(key), re.I)
        if not m:
            continue
        unit = m.group(1).strip().lower()
        if unit.startswith("nm"):
            return "nm"
        if unit.startswith("ev"):
            return "eV"
        if unit.startswith("cm"):
            return "1/cm"
    return None


def _float(meta, key):
    m = re.search(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?", _text(meta.get(key, "")))
    return float(m.group().replace(",", ".")) if m else None


def _date(text):
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


#: LabSpec key -> (coordinate, units, long name, kind).
_SCALARS = {
    "Acq. time (s)": ("exposure_time", "s", "Exposure time", "float"),
    "Accumulations": ("accumulations", "1", "Accumulations", "int"),
    "Instrument": ("instrument", "", "Instrument", "str"),
    "Objective": ("objective", "", "Objective", "str"),
    "Grating": ("grating", "", "Grating", "str"),
    "Title": ("title", "", "Title", "str"),
    "Sample": ("sample", "", "Sample", "str"),
}


def acquisition_scalars(meta: dict) -> dict:
    """Scalar coordinates ``name -> ((), value, attrs)`` from LabSpec acquisition settings."""
    out = {}
    for key, (name, units, long_name, kind) in _SCALARS.items():
        if key not in (meta or {}):
            continue
        if kind == "str":
            value = _text(meta[key])
            if not value:
                continue
        else:
            value = _float(meta, key)
            if value is None or not np.isfinite(value):
                continue
            value = int(round(value)) if kind == "int" else value
        out[name] = ((), value, {"units": units, "long_name": long_name})
    acquired = _date(_text(meta.get("Acquired", ""))) if meta else None
    if acquired is not None:
        out["acquisition_time"] = ((), acquired, {"long_name": "Acquisition start"})
    return out
