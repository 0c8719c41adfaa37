"""Reader registry: ``read(path)`` (batch reading, ``read_many``, is in :mod:`._batch`).

A reader is a pure function ``reader(path, **options) -> xarray.Dataset`` registered with
:func:`register_reader`, which records its format name, the file extensions it claims, an
optional content sniff and whether it is a *generic* fallback (such as delimited text).

Selection (:func:`select_reader`):

1. ``format=`` given: that reader.
2. Specific readers claiming the extension (compression suffixes ``.gz/.bz2/.xz`` are looked
   through) whose sniff accepts the first bytes of the file. Exactly one: it is used. Several:
   :class:`~characterization.errors.ReadError` listing the candidates and asking for ``format=``.
3. Otherwise specific readers of other extensions whose sniff accepts the content (a file with a
   wrong or missing extension), then the generic readers claiming the extension or accepting
   the content.

Every reader result is validated against the conventions of its technique and stamped with
``attrs["reader"]``, ``attrs["conventions"]`` and a ``source_file`` scalar coordinate. Any
exception escaping a reader (a ``MemoryError`` included) is re-raised as ReadError naming the
file and the reader, so users never see a bare IndexError from deep inside a parser: a read
returns a Dataset or raises ReadError. A zip container (``.xlsx``, ``.rasx``, ``.brml``) is
checked against the byte budget of :data:`characterization.io.LIMITS` before any sniff or
reader opens it.
"""

from __future__ import annotations

import dataclasses
import os
from importlib import import_module
from pathlib import Path
from typing import Callable

import xarray as xr

from .. import conventions
from ..errors import CharacterizationError, ReadError
from . import _safe_archive, _source

#: Modules that register readers; imported on first use of the registry.
READER_MODULES: tuple[str, ...] = (
    "delimited", "netcdf",
    "sorption.aif", "sorption.micromeritics", "sorption.bel", "sorption.quantachrome",
    "sorption.pygaps_json", "sorption.threep", "sorption.sorption_csv",
    "sorption.psd_kernel",
    "raman.wdf", "raman.spc", "raman.labspec", "raman.text_map",
    "xrd.gsas", "xrd.pdcif", "xrd.eva_xy",
    "xrd.xrdml", "xrd.rigaku",
    "xrd.bruker_raw", "xrd.uxd", "xrd.brml", "xrd.image",
    "xps.vamas", "xps.phi", "xps.avantage", "xps.casa_text", "xps.specs_xy", "xps.specs_xml",
    "xps.scienta", "xps.igor_ibw",
    "nanoindent.nanosuite", "nanoindent.hysitron", "nanoindent.micromaterials",
    "nanoindent.hdf5_v2", "nanoindent.fischerscope",
    "exafs.feffdat", "exafs.xdi", "exafs.athena", "exafs.columns", "exafs.chik",
)


@dataclasses.dataclass(frozen=True)
class ReaderInfo:
    """A registered reader."""

    name: str
    func: Callable[..., xr.Dataset]
    extensions: tuple[str, ...]
    sniff: Callable[[bytes, Path], bool] | None
    technique: str | None
    generic: bool
    description: str


_READERS: dict[str, ReaderInfo] = {}
_LOADED = False


def register_reader(name: str, *, extensions=(), sniff=None, technique=None, generic=False,
                    description: str = ""):
    """Decorator registering a reader function under format ``name``.

    Parameters
    ----------
    name : str
        Format name users pass as ``read(path, format=name)``.
    extensions : sequence of str
        Extensions with leading dot, lower case (``".xrdml"``).
    sniff : callable, optional
        ``sniff(head: bytes, path: Path) -> bool``: True when the first bytes look like this
        format. Must not raise.
    technique : str, optional
        Technique the reader produces (``None`` for readers serving several).
    generic : bool
        A fallback reader (delimited text, netCDF) used only when no specific reader matches.
    """

    def decorate(func):
        _READERS[name] = ReaderInfo(name, func, tuple(e.lower() for e in extensions), sniff,
                                    technique, generic, description or (func.__doc__ or "")
                                    .strip().split("\n")[0])
        return func

    return decorate


def _load():
    global _LOADED
    if not _LOADED:
        for mod in READER_MODULES:
            try:
                import_module(f"{__package__}.{mod}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{__package__}.{mod}":
                    raise
        _LOADED = True


def formats() -> dict[str, ReaderInfo]:
    """All registered readers by format name.

    Imports the reader modules on first call (``READER_MODULES``).

    Returns
    -------
    dict of str to ReaderInfo
        A copy: each entry's ``name`` (the ``format=`` value), ``extensions``, ``technique``
        (None for readers serving several), ``generic`` (fallback readers), ``description``
        and the reader function ``func``.

    Examples
    --------
    >>> import characterization as ch
    >>> ch.io.formats()["xrdml"].technique
    'xrd'
    """
    _load()
    return dict(_READERS)


def _sniffs(info: ReaderInfo, head: bytes, path: Path) -> bool:
    if info.sniff is None:
        return True
    try:
        return bool(info.sniff(head, path))
    except Exception:  # a sniff must never break selection
        return False


def select_reader(path, format: str | None = None, technique: str | None = None) -> ReaderInfo:
    """The reader :func:`read` would use for ``path``, without reading the file.

    Rules (module docstring): ``format=`` wins; else the specific readers claiming the
    extension whose content sniff accepts the first 8 kB; else specific readers of other
    extensions whose sniff accepts it; else the generic readers.

    Parameters
    ----------
    path : str or os.PathLike
        The file (its first 8 kB, decompressed, are sniffed).
    format : str, optional
        A format name of :func:`formats`.
    technique : str, optional
        Only readers of this technique (or serving several) are candidates.

    Returns
    -------
    ReaderInfo
        The chosen reader (see :func:`formats`).

    Raises
    ------
    ReadError
        Missing, empty or unreadable file, an unknown ``format``, no reader recognising the
        file, or several readers accepting it (the message lists them; pass ``format=``).
    """
    _load()
    p = _source.check_file(path)
    head = _source.head(p)
    if head[:4] == _safe_archive.ZIP_MAGIC:
        _safe_archive.check_zip(p)     # zip bombs never reach a sniff, a reader or a library
    if format is not None:
        try:
            return _READERS[format]
        except KeyError:
            raise ReadError(p, f"unknown format {format!r}; known formats: "
                               f"{', '.join(sorted(_READERS))}") from None
    head = _source.sniff_head(head)
    ext = _source.logical_suffix(p)
    readers = list(_READERS.values())
    if technique is not None:
        readers = [r for r in readers if r.technique in (None, technique)]

    def pick(candidates):
        if len(candidates) > 1:
            names = ", ".join(c.name for c in candidates)
            raise ReadError(p, f"ambiguous format: several readers accept this file ({names}); "
                               f"pass format= one of them")
        return candidates[0] if candidates else None

    specific = [r for r in readers if not r.generic]
    generic = [r for r in readers if r.generic]
    chosen = (pick([r for r in specific if ext in r.extensions and _sniffs(r, head, p)])
              or pick([r for r in specific if r.sniff is not None and ext not in r.extensions
                       and _sniffs(r, head, p)])
              or pick([r for r in generic if ext in r.extensions and _sniffs(r, head, p)])
              or pick([r for r in generic if r.sniff is not None and _sniffs(r, head, p)]))
    if chosen is None:
        claim = [r.name for r in readers if ext in r.extensions]
        why = (f"readers for {ext!r} ({', '.join(claim)}) did not recognise its content" if claim
               else f"no reader for extension {ext!r}")
        raise ReadError(p, f"unrecognised file format: {why}; known formats: "
                           f"{', '.join(sorted(_READERS))}")
    return chosen


def read(path, format: str | None = None, technique: str | None = None, *,
         region: str | None = None, **options):
    """Read one instrument export into a validated Dataset (or DataTree of regions).

    Parameters
    ----------
    path : str or os.PathLike
        The file. ``.gz``, ``.bz2`` and ``.xz`` compressed text files are read transparently.
    format : str, optional
        Force a reader (see :func:`characterization.io.formats`); default: by extension, then
        by content.
    technique : str, optional
        Technique of the data (``"xrd"``, ``"raman"``, ...); generic readers use it to name
        the columns (``two_theta``/``intensity`` ...), and it restricts the reader choice.
    region : str, optional
        For formats holding several regions with different axes (XPS): return only this
        region's Dataset. Matched against the node name and the ``region`` coordinate
        (case, spaces and underscores ignored); a missing region is a ReadError listing those
        present.
    **options
        Passed to the reader.

    Returns
    -------
    xarray.Dataset or xarray.DataTree
        Following :mod:`characterization.conventions`, with ``source_file`` as a scalar
        coordinate and ``attrs["reader"]`` naming the format. Formats holding several regions
        with different energy axes (XPS VAMAS, PHI, SPECS ...) give an ``xarray.DataTree``
        with one conventions-valid Dataset per node (one node per region), unless
        ``region=`` picks one.

    Raises
    ------
    ReadError
        Missing, empty, unreadable or unrecognised file, a file expanding past the byte budget
        (:data:`characterization.io.LIMITS`), or any failure of the reader; the message names
        the file, the position when known, and what was expected. No other exception escapes.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ReadError(None, f"expected a file path (str or os.PathLike), got "
                              f"{type(path).__name__}")
    p = Path(os.fspath(path))
    try:
        out = _read(p, format, technique, options)
        return out if region is None else _pick_region(p, out, region)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(p, "ran out of memory: the file declares or expands to more data than "
                           "this machine can hold (see characterization.io.LIMITS)") from None
    except Exception as exc:  # noqa: BLE001 - boundary: every failure of a read is a ReadError
        raise ReadError(p, f"cannot be read: {type(exc).__name__}: {exc}") from exc


def _read(p, format, technique, options) -> xr.Dataset:
    info = select_reader(p, format, technique)
    kwargs = dict(options)
    if technique is not None and info.technique is None:
        # only readers serving several techniques take it; a specific reader knows its own
        kwargs["technique"] = technique
    try:
        ds = info.func(p, **kwargs)
    except CharacterizationError as exc:
        if isinstance(exc, ReadError):
            raise
        raise ReadError(p, f"{info.name} reader: {exc}") from exc
    except TypeError as exc:
        if "unexpected keyword" in str(exc):
            raise ReadError(p, f"{info.name} reader does not take option(s) "
                               f"{sorted(kwargs)}: {exc}") from exc
        raise ReadError(p, f"{info.name} reader failed: TypeError: {exc}") from exc
    except MemoryError:
        raise ReadError(p, f"{info.name} reader ran out of memory: the file declares more data "
                           "than this machine can hold") from None
    except Exception as exc:  # noqa: BLE001 - boundary: every parser failure becomes ReadError
        raise ReadError(p, f"{info.name} reader failed: {type(exc).__name__}: {exc}") from exc
    if isinstance(ds, xr.DataTree):
        return _finish_tree(p, info, ds, technique)
    if not isinstance(ds, xr.Dataset):
        raise ReadError(p, f"{info.name} reader returned {type(ds).__name__}, not a Dataset")
    return _finish(p, info, ds, technique)


def _finish(p, info, ds, technique) -> xr.Dataset:
    """Check the technique, stamp reader/conventions/source_file and validate one Dataset."""
    found = ds.attrs.get("technique")
    if found is not None and not isinstance(found, str):
        raise ReadError(p, f"{info.name} reader: the file's technique is "
                           f"{type(found).__name__} {found!r}, not a name such as 'xrd'")
    if technique is not None and found not in (technique, None):
        raise ReadError(p, f"file holds {found!r} data, not {technique!r}")
    ds.attrs.setdefault("reader", info.name)
    ds.attrs["conventions"] = conventions.CONVENTIONS_VERSION
    if "source_file" not in ds.coords:
        ds = ds.assign_coords(source_file=str(p))
    try:
        conventions.validate(ds)
    except CharacterizationError as exc:
        raise ReadError(p, f"{info.name} reader produced invalid data: {exc}") from exc
    return ds


def _finish_tree(p, info, tree, technique):
    """Every data-holding node of a reader's DataTree finished and validated like a Dataset."""
    nodes = {}
    for node in tree.subtree:
        if not node.has_data:
            continue
        ds = node.to_dataset()
        ds.attrs = {**tree.attrs, **ds.attrs}
        nodes[node.path] = _finish(p, info, ds, technique)
    if not nodes:
        raise ReadError(p, f"{info.name} reader found no data")
    out = xr.DataTree.from_dict(nodes)
    out.attrs = {**tree.attrs, "reader": info.name,
                 "conventions": conventions.CONVENTIONS_VERSION}
    return out


def _key(label) -> str:
    return "".join(ch for ch in str(label).lower() if ch.isalnum())


def _pick_region(p, out, region):
    """The Dataset of ``region`` from a read result (a DataTree of regions or one Dataset)."""
    want = _key(region)
    if isinstance(out, xr.Dataset):
        found = out.coords["region"].item() if "region" in out.coords else None
        if found is not None and _key(found) == want:
            return out
        raise ReadError(p, f"region {region!r} not in file (it holds region {found!r})")
    labels = []
    for node in out.subtree:
        if not node.has_data:
            continue
        ds = node.to_dataset()
        label = ds.coords["region"].item() if "region" in ds.coords else node.name
        labels.append(f"{node.name} ({label})")
        if want in (_key(node.name), _key(label)):
            return ds
    raise ReadError(p, f"region {region!r} not in file; regions: {', '.join(labels)}")
