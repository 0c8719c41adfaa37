"""Athena project files (``.prj``): every record (group) with its stored processing parameters.

An Athena project (Ifeffit-era Athena and Demeter) is gzip-compressed (or plain) Perl source of
literal data (parsed by :mod:`._perl`, never evaluated): per record ``$old_group`` (Athena's
internal id), ``@args`` (label, processing parameters, datatype flags), the arrays ``@x``
(energy, or k for χ records), ``@y`` (μ, or χ), optionally ``@i0``, ``@signal``, ``@stddev``,
and a ``[record]`` marker; the file closes with ``1;`` (its absence means the file was cut).

Result: an ``xarray.DataTree`` with one child per record, named as larch's ``read_athena`` names
its groups (label with spaces as ``_``; a label starting with a blank gets ``d_``: ``"Sn foil"``
-> ``Sn_foil``, ``"   Ref SnO2"`` -> ``d_Ref_SnO2``; repeated names get ``_2``, ``_3``).
``read(path, group="SnO2")`` returns one record's Dataset (matched on node name or label, case,
spaces and underscores ignored). μ records (``is_xmu``, ``is_xanes``, ``is_nor`` ...) give
``mu`` on ``energy`` (technique ``"exafs"``, measurement ``"mu"``); χ records (``is_chi``) give
``chi`` on ``k`` (technique ``"spectrum"``, see ``_build.build_chi``).

Energies: Athena stores the energies as measured and the calibration shift separately
(``bkg_eshift``); its E0 and ranges refer to the shifted energies. The shift is applied
explicitly (``energy = x + bkg_eshift``) and recorded as scalar coord ``energy_shift``. (larch's
``read_athena`` keeps the unshifted energies and only stores ``energy_shift``.)

Stored processing -> our keywords (``attrs["stored_processing"]``, JSON; see
docs/exafs_readers.md for the table): ``bkg_e0`` -> ``normalize.e0`` (and scalar coord
``stored_e0``), ``bkg_step`` -> ``stored_edge_step`` (and ``normalize.step`` only when Athena
fixed it, ``bkg_fixstep``), ``bkg_pre1/pre2`` -> ``pre_range``, ``bkg_nor1/nor2`` ->
``post_range``, ``bkg_nnorm`` (Athena's *number of terms* of the post-edge polynomial) ->
``post_degree = bkg_nnorm - 1`` (passing ``bkg_nnorm`` as larch's ``nnorm``, a degree, is the
1-4 % edge-step error larch's ``read_athena`` makes), ``bkg_rbkg`` -> ``rbkg``,
``bkg_spl1/spl2`` -> ``k_range``, ``bkg_kw`` -> ``k_weight``, ``bkg_dk`` -> ``dk``,
``bkg_kwindow``/``bkg_win`` -> ``taper``, ``bkg_clamp1/2`` -> ``clamp_lo/clamp_hi`` (Athena's
names None/Slight/Weak/Medium/Strong/Rigid = 0/3/6/12/24/96, Demeter's clamp configuration),
``fft_kmin/kmax/dk/kwindow`` and ``fft_kw`` (else the project's plot k-weight) ->
``fourier_transform``, ``bft_rmin/rmax/dr/rwindow`` -> ``back_transform``. Projects written by
larch (header "Using Larch version ...") store larch's ``nnorm`` (a degree) in ``bkg_nnorm``;
for them ``post_degree = bkg_nnorm`` (``attrs["athena_writer"]`` says which). JSON-style
projects (``"_____header"`` keys, written by Larix) are read too.
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import numpy as np
import xarray as xr

from ...errors import ReadError
from .. import _source
from .._registry import register_reader
from . import _build, _perl, _text

#: Athena's spline-clamp names -> values (Demeter ``clamp.demeter_conf`` defaults).
CLAMPS = {"none": 0.0, "slight": 3.0, "weak": 6.0, "medium": 12.0, "strong": 24.0,
          "rigid": 96.0}
#: Athena window names -> our ``taper=`` names (larch's window names).
TAPERS = {"kaiser-bessel": "kaiser", "kaiser": "kaiser", "hanning": "hanning",
          "welch": "welch", "parzen": "parzen", "sine": "sine", "gaussian": "gaussian"}
_ARRAYS = ("x", "y", "i0", "signal", "stddev")


@_text.quiet_sniff
def _sniff(head: bytes, path: Path) -> bool:
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error:
            return False
    return b"Athena project file" in _source.sniff_head(head)[:400]


def _text(path) -> str:
    raw = _source.read_bytes(path)
    if raw[:2] == b"\x1f\x8b":
        cap = _source.budget(path)
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = d.decompress(raw, cap + 1)
        except zlib.error as exc:
            raise ReadError(path, f"damaged gzip stream: {exc}") from None
        if len(data) > cap:
            raise ReadError(path, f"decompresses to more than {cap} bytes "
                                  "(characterization.io.LIMITS)")
        if not d.eof:
            raise ReadError(path, "gzip stream ends early: the file is truncated")
        raw = data
    text, _ = _source.decode(raw, path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _num(value):
    return _build.number(value)


def _flag(value) -> bool:
    v = _num(value)
    return bool(v) if v is not None else str(value or "").strip().lower() in ("yes", "true")


def _clamp(value):
    v = _num(value)
    if v is not None:
        return v
    name = str(value or "").strip().lower()
    return CLAMPS.get(name)


def _taper(value):
    return TAPERS.get(str(value or "").strip().lower())


def _pair(a, b):
    a, b = _num(a), _num(b)
    return None if a is None or b is None else [a, b]


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def stored_processing(args: dict, plot_features: dict | None = None, *,
                      nnorm_is_degree: bool = False) -> dict:
    """Athena's stored parameters of one record mapped to our keyword names (module docstring).

    ``nnorm_is_degree``: the project was written by larch (its header says "Using Larch
    version"), whose writer stores larch's ``nnorm`` (a degree) as ``bkg_nnorm``; then
    ``post_degree = bkg_nnorm``. Athena itself stores the number of terms (degree + 1).

    Returns ``{"normalize": {...}, "subtract_background": {...}, "fourier_transform": {...},
    "back_transform": {...}}``; parameters the record does not store are left out.
    """
    a = {k.lower(): v for k, v in args.items()}
    nnorm = _num(a.get("bkg_nnorm"))
    normalize = _drop_none({
        "e0": _num(a.get("bkg_e0")),
        "step": _num(a.get("bkg_step")) if _flag(a.get("bkg_fixstep")) else None,
        "pre_range": _pair(a.get("bkg_pre1"), a.get("bkg_pre2")),
        "post_range": _pair(a.get("bkg_nor1"), a.get("bkg_nor2")),
        "post_degree": (int(nnorm) - (0 if nnorm_is_degree else 1)
                        if nnorm is not None and (0 if nnorm_is_degree else 1) <= nnorm <= 4
                        else None),
        "victoreen": _num(a.get("bkg_nvict")),
    })
    if "victoreen" in normalize:
        normalize["victoreen"] = int(normalize["victoreen"])
    bkw = _num(a.get("bkg_kw"))
    if bkw is not None and float(bkw).is_integer():
        bkw = int(bkw)
    background = _drop_none({
        "model": "autobk",
        "rbkg": _num(a.get("bkg_rbkg")),
        "k_range": _pair(a.get("bkg_spl1"), a.get("bkg_spl2")),
        "k_weight": bkw,
        "dk": _num(a.get("bkg_dk")),
        "taper": _taper(a.get("bkg_kwindow") or a.get("bkg_win")),
        "clamp_lo": _clamp(a.get("bkg_clamp1")),
        "clamp_hi": _clamp(a.get("bkg_clamp2")),
    })
    kw = _num(a.get("fft_kw"))
    if kw is None and plot_features:
        kw = _num(plot_features.get("kw"))
    if kw is not None and float(kw).is_integer():
        kw = int(kw)
    ft = _drop_none({
        "k_range": _pair(a.get("fft_kmin"), a.get("fft_kmax")),
        "k_weight": kw,
        "dk": _num(a.get("fft_dk")),
        "taper": _taper(a.get("fft_kwindow") or a.get("fft_win")),
    })
    bft = _drop_none({
        "r_range": _pair(a.get("bft_rmin"), a.get("bft_rmax")),
        "dr": _num(a.get("bft_dr")),
        "taper": _taper(a.get("bft_rwindow") or a.get("bft_win")),
    })
    return {"normalize": normalize, "subtract_background": background,
            "fourier_transform": ft, "back_transform": bft}


def node_name(label: str) -> str:
    """larch ``read_athena``'s group name for a record label (``"   Ref SnO2"`` ->
    ``d_Ref_SnO2``)."""
    label = str(label)
    if label.startswith(" "):
        label = "d_" + label.strip()
    name = re.sub(r"[^0-9A-Za-z_]", "_", label)
    if not name or name[0] not in "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        name = "_" + name
    while "__" in name:
        name = name.replace("__", "_")
    name = name.rstrip("_") or "group"
    return "d" + name if name.startswith("_") else name


def _records(path, text):
    """Records (dicts of ``old_group``, ``args`` dict, arrays) and the project globals."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if "Athena project file" not in first and "____header" not in text[:500]:
        raise ReadError(path, "first line is not '# Athena project file -- ...'", "line 1")
    if "____header" in text[:500]:
        return _json_records(path, text)
    records, current, glob, closed = [], {}, {}, False
    for sigil, name, value, line in _perl.statements(path, text):
        if sigil == "[record]":
            if "x" not in current or "y" not in current:
                raise ReadError(path, "record marker without @x and @y arrays", line)
            records.append(current)
            current = {}
        elif sigil == "1;":
            closed = True
        elif sigil == "$" and name == "old_group":
            current["old_group"] = str(value)
            current["line"] = line
        elif sigil == "@" and name == "args":
            if not isinstance(value, list) or len(value) % 2:
                raise ReadError(path, "@args is not a list of key, value pairs", line)
            current["args"] = {str(value[i]): value[i + 1] for i in range(0, len(value), 2)}
        elif sigil == "@" and name in _ARRAYS:
            try:
                arr = np.array([float(v) for v in value], dtype=float)
            except (TypeError, ValueError):
                raise ReadError(path, f"@{name} holds a value that is not a number",
                                line) from None
            current[name] = arr
        elif sigil == "%" and name == "plot_features" and isinstance(value, list):
            glob["plot_features"] = {str(value[i]): value[i + 1]
                                     for i in range(0, len(value) - 1, 2)}
        elif sigil == "@" and name == "journal":
            glob["journal"] = value
    if not closed:
        raise ReadError(path, "the project does not end with '1;': the file is truncated")
    if current.get("x") is not None:
        raise ReadError(path, "the last record has no '[record]' marker: the file is truncated")
    if not records:
        raise ReadError(path, "the project holds no records")
    glob["header"] = [s[1:].strip() for s in text.split("\n", 8)[:8] if s.startswith("#")]
    return records, glob


def _json_records(path, text):
    """Records of a JSON-style project (``{"_____header1": ..., "_____order": [...], id:
    {"args": {...}, "x": [...], "y": [...]}}``, written by Larix)."""
    import json as _json
    try:
        js = _json.loads(text)
    except ValueError as exc:
        raise ReadError(path, f"JSON Athena project is damaged or truncated: {exc}") from None
    if not isinstance(js, dict):
        raise ReadError(path, "JSON Athena project is not an object")
    header = [str(v) for k, v in js.items() if str(k).startswith("_____head")]
    order = next((v for k, v in js.items() if str(k).startswith("_____order")), None)
    if not isinstance(order, list) or not order:
        raise ReadError(path, "JSON Athena project without a '_____order' list of groups")
    records = []
    for name in order:
        dat = js.get(name)
        if not isinstance(dat, dict) or "x" not in dat or "y" not in dat:
            raise ReadError(path, f"JSON Athena group {name!r} has no x and y arrays")
        rec = {"old_group": str(name), "line": f"group {name!r}",
               "args": dict(dat.get("args") or {})}
        for key in _ARRAYS:
            if key in dat:
                try:
                    rec[key] = np.asarray(dat[key], dtype=float).reshape(-1)
                except (TypeError, ValueError):
                    raise ReadError(path, f"JSON Athena group {name!r}: {key} is not a list of "
                                          "numbers") from None
        records.append(rec)
    return records, {"header": header}


def _record_dataset(path, rec, glob):
    args = rec.get("args", {})
    label = str(args.get("label", rec.get("old_group", "")))
    x, y = rec["x"], rec["y"]
    where = f"record {label.strip()!r} ({rec.get('line', '?')})"
    if x.size != y.size:
        raise ReadError(path, f"@x has {x.size} values, @y {y.size}", where)
    for k in ("i0", "signal", "stddev"):
        if k in rec and rec[k].size != x.size:
            raise ReadError(path, f"@{k} has {rec[k].size} values, @x {x.size}", where)
    flags = {k: _flag(v) for k, v in args.items() if k.startswith("is_")}
    datatype = next((k[3:] for k in ("is_chi", "is_xanes", "is_nor", "is_bkg", "is_diff",
                                     "is_xmudat", "is_xmu") if flags.get(k)), "xmu")
    larch_writer = any("larch version" in str(h).lower() for h in glob.get("header") or ())
    processing = stored_processing(args, glob.get("plot_features"), nnorm_is_degree=larch_writer)
    element = args.get("bkg_z")
    element = element if isinstance(element, str) and element.isalpha() else None
    edge = args.get("fft_edge")
    edge = edge if isinstance(edge, str) and edge.strip() else None
    metadata = {"athena_header": glob.get("header"), "old_group": rec.get("old_group"),
                "args": args}
    attrs = {"stored_processing": json.dumps(processing), "athena_datatype": datatype,
             "athena_writer": "larch" if larch_writer else "athena"}
    try:
        if datatype == "chi":
            return _build.build_chi(path, k=x, chi=y, element=element, edge=edge,
                                    scalars={"label": label.strip()},
                                    original_metadata=metadata, attrs=attrs)
        shift = _num(args.get("bkg_eshift")) or 0.0
        scalars = {"stored_e0": _num(args.get("bkg_e0")),
                   "stored_edge_step": _num(args.get("bkg_step")),
                   "energy_shift": shift, "label": label.strip()}
        mu_attrs = {"athena_formula": args.get("mu_str")} if args.get("mu_str") else {}
        extra = ({"signal": (rec["signal"], "1", "Athena numerator signal")}
                 if "signal" in rec else None)
        return _build.build_mu(
            path, energy=x + shift, mu=y, channels={"i0": rec.get("i0")}, measurement="mu",
            element=element, edge=edge, stddev=rec.get("stddev"), variables=extra,
            scalars=scalars, original_metadata=metadata, attrs=attrs, mu_attrs=mu_attrs)
    except ReadError as exc:
        raise ReadError(path, f"{exc.reason} (the other records read with group=)",
                        where) from None


def _key(label) -> str:
    return "".join(ch for ch in str(label).lower() if ch.isalnum())


@register_reader("athena", extensions=(".prj",), sniff=_sniff, technique="exafs",
                 description="Athena project file (.prj): every record with stored parameters")
def read_athena(path, *, group: str | None = None):
    """Read an Athena project into a DataTree with one Dataset per record.

    Parameters
    ----------
    path : str or os.PathLike
        The project (gzip-compressed or plain).
    group : str, optional
        Return only this record's Dataset: a node name (``"d_Ref_SnO2"``) or record label
        (``"Ref SnO2"``); case, spaces and underscores are ignored.

    Returns
    -------
    xarray.DataTree or xarray.Dataset
        One child per record (module docstring for names); each μ record holds ``mu`` (and
        ``i0``, ``stddev``, ``signal`` when stored) on ``energy`` (eV, shifted by
        ``bkg_eshift``), scalar coords ``edge``, ``absorber``, ``edge_energy``,
        ``measurement``, ``stored_e0``, ``stored_edge_step``, ``energy_shift``, ``label``, and
        ``attrs["stored_processing"]`` (JSON of our keyword names per step).

    Raises
    ------
    ReadError
        Not an Athena project, a damaged or truncated file (no closing ``1;``), a record whose
        arrays disagree, an unknown ``group`` (the message lists the records).

    Examples
    --------
    >>> tree = ch.read("Sn.prj")                                         # doctest: +SKIP
    >>> list(tree.children)                                              # doctest: +SKIP
    ['Sn_foil', 'SnO2', 'd_Ref_SnO2', 'Sn_chloride', 'd_Ref_Sn_chloride']
    >>> sno2 = ch.read("Sn.prj", group="SnO2")                           # doctest: +SKIP
    >>> pars = json.loads(sno2.attrs["stored_processing"])["normalize"]  # doctest: +SKIP
    """
    text = _text(path)
    records, glob = _records(path, text)
    names, nodes = [], {}
    for rec in records:
        label = str(rec.get("args", {}).get("label", rec.get("old_group", "group")))
        name = node_name(label)
        base, n = name, 2
        while name in nodes:
            name, n = f"{base}_{n}", n + 1
        names.append((name, label.strip()))
        if group is not None and _key(group) not in (_key(name), _key(label)):
            nodes[name] = None
            continue
        ds = _record_dataset(path, rec, glob)
        if group is not None:
            return ds
        nodes[name] = ds
    if group is not None:
        listing = ", ".join(f"{n} ({lab!r})" for n, lab in names)
        raise ReadError(path, f"group {group!r} not in the project; groups: {listing}")
    tree = xr.DataTree.from_dict({f"/{k}": v for k, v in nodes.items()})
    tree.attrs["technique"] = "exafs"
    return tree
