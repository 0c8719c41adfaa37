"""netCDF reader for Datasets written by this package, and the helper that makes them writable.

What it handles
---------------
* Reading: netCDF-4/HDF5 files (``\\x89HDF`` magic, through h5netcdf) and classic netCDF-3
  files (``CDF\\x01``/``CDF\\x02``, through scipy), also ``.gz``/``.bz2``/``.xz`` compressed.
  The file is loaded fully into memory and closed before returning; no handle is kept open.
  The declared size of every variable is checked against the byte budget
  (:data:`characterization.io.LIMITS`) before anything is loaded.
  Attributes that :func:`to_netcdf_dataset` encoded as ``"json:..."`` strings are decoded back
  (dicts, lists, booleans, None), and string variables come back as fixed-width ``str`` arrays.
* Writing: :func:`to_netcdf_dataset` returns a copy of a Dataset that netCDF can store (dict,
  list, tuple, bool and None attributes as ``"json:"`` strings; object arrays of strings as fixed
  ``str`` dtype) without writing anything; the CLI writes it with
  ``ds2.to_netcdf(path, engine="h5netcdf")``. Write + read round-trips values, coordinates
  (also scalar ones such as ``source_file``/``wavelength``) and attributes including units.

Limits
------
Only files carrying ``attrs["technique"]`` are accepted: this is not a general netCDF or HDF5
reader (vendor HDF5 formats need their own readers). Groups (DataTree) are not read. Tuples in
attributes come back as lists. Encodings (compression, chunking) are not carried over by
:func:`to_netcdf_dataset`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from ..errors import ReadError
from . import _source
from ._registry import register_reader

#: Prefix marking an attribute value stored as JSON.
JSON_PREFIX = "json:"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_CDF_MAGIC = (b"CDF\x01", b"CDF\x02")


# --------------------------------------------------------------------------- attribute coding
def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _encode_value(key: str, value):
    if isinstance(value, str):
        return JSON_PREFIX + json.dumps(value) if value.startswith(JSON_PREFIX) else value
    if isinstance(value, (bool, np.bool_)) or value is None:
        return JSON_PREFIX + json.dumps(None if value is None else bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return value
    if isinstance(value, (dict, list, tuple, np.ndarray)):
        try:
            return JSON_PREFIX + json.dumps(value, default=_json_default, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"attribute {key!r} cannot be stored in netCDF: {exc}") from None
    raise ValueError(f"attribute {key!r} of type {type(value).__name__} cannot be stored in "
                     "netCDF (use str, numbers, bool, None, lists or dicts)")


def _encode_attrs(attrs: dict) -> dict:
    return {str(k): _encode_value(str(k), v) for k, v in attrs.items()}


def _decode_attrs(attrs: dict) -> dict:
    out = {}
    for key, value in attrs.items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str) and value.startswith(JSON_PREFIX):
            try:
                value = json.loads(value[len(JSON_PREFIX):])
            except ValueError:
                pass                    # not written by to_netcdf_dataset: keep the text
        out[key] = value
    return out


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and np.isnan(value))


def _str_data(name: str, data: np.ndarray) -> np.ndarray:
    """Object array of str as fixed-width str; other object arrays are rejected.

    Missing entries (NaN or None, as ``Dataset.pad`` leaves in string coordinates such as
    ``branch`` of NaN-padded isotherms) become ``""``.
    """
    if data.dtype.kind != "O":
        return data
    flat = data.ravel()
    if any(isinstance(v, (str, np.str_)) for v in flat) and all(
            isinstance(v, (str, np.str_)) or _is_missing(v) for v in flat):
        text = np.array(["" if _is_missing(v) else str(v) for v in flat], dtype=str)
        return text.reshape(data.shape)
    if not flat.size:
        return data.astype("U1")
    if all(isinstance(v, bytes) for v in flat):
        return np.array([v.decode("utf-8") for v in flat], dtype=str).reshape(data.shape)
    kinds = sorted({type(v).__name__ for v in flat})
    raise ValueError(f"variable {name!r} holds Python objects of type(s) {kinds}; netCDF can "
                     "store numbers and strings only")


# --------------------------------------------------------------------------- writer helper
def to_netcdf_dataset(ds):
    """Return a copy of ``ds`` that ``to_netcdf(engine="h5netcdf")`` can store; writes nothing.

    Parameters
    ----------
    ds : xarray.Dataset
        Any Dataset of this package; not modified.

    Returns
    -------
    xarray.Dataset
        Same values and coordinates; attributes that netCDF cannot hold (dict, list, tuple,
        bool, None) as ``"json:<JSON>"`` strings (a string attribute that itself starts with
        ``"json:"`` is escaped the same way), object arrays of strings as fixed ``str`` dtype
        (missing entries, NaN or None, as ``""``).
        Encodings are dropped; dask-backed variables stay lazy.

    Raises
    ------
    ValueError
        A variable name containing ``/`` (not allowed in netCDF-4), or an attribute or
        variable holding something netCDF cannot store.

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset(attrs={"technique": "xrd", "fitted": True, "meta": {"a": 1}})
    >>> to_netcdf_dataset(ds).attrs
    {'technique': 'xrd', 'fitted': 'json:true', 'meta': 'json:{"a": 1}'}
    """
    import xarray as xr

    def clean(name, var):
        if "/" in str(name):
            raise ValueError(f"variable name {name!r} contains '/', which netCDF-4 forbids")
        data = _str_data(str(name), var.values) if var.dtype.kind == "O" else var.data
        return xr.Variable(var.dims, data, _encode_attrs(var.attrs))   # dask stays lazy

    coords = {name: clean(name, ds[name].variable) for name in ds.coords}
    data_vars = {name: clean(name, ds[name].variable) for name in ds.data_vars}
    return xr.Dataset(data_vars, coords, attrs=_encode_attrs(ds.attrs))


# --------------------------------------------------------------------------- reader
def _sniff(head: bytes, path: Path) -> bool:
    """netCDF-3 (``CDF\\x01``/``CDF\\x02``) or HDF5 (netCDF-4) magic bytes."""
    return head.startswith(_CDF_MAGIC) or head.startswith(_HDF5_MAGIC)


def _open(path: Path):
    import xarray as xr

    head = _source.head(path, 8)
    engine = "scipy" if head.startswith(_CDF_MAGIC) else "h5netcdf"
    if _source.compression_suffix(path):
        source = io.BytesIO(_source.read_bytes(path))
    else:
        source = path
    with xr.open_dataset(source, engine=engine) as opened:
        declared = sum(v.size * v.dtype.itemsize for v in opened.variables.values())
        cap = _source.budget(path)
        if declared > cap:
            sizes = ", ".join(f"{k}={v}" for k, v in opened.sizes.items())
            raise ReadError(path, f"the file declares {declared} bytes of data ({sizes}), more "
                                  f"than the {cap}-byte budget for a {path.stat().st_size}-byte "
                                  "file (characterization.io.LIMITS)")
        return opened.load()


def _restore(ds):
    ds.attrs = _decode_attrs(ds.attrs)
    for var in ds.variables.values():
        var.attrs = _decode_attrs(var.attrs)
    strings = {name: var for name, var in ds.variables.items() if var.dtype.kind == "O"}
    for name, var in strings.items():
        data = _str_data(str(name), var.values)
        if name in ds.dims or name in ds.coords:
            ds = ds.assign_coords({name: (var.dims, data, var.attrs)})
        else:
            ds[name] = (var.dims, data, var.attrs)
    return ds


@register_reader("netcdf", extensions=(".nc", ".h5", ".nc4"), generic=True, sniff=_sniff,
                 description="netCDF/HDF5 files written by characterization")
def read_netcdf(path, *, technique: str | None = None):
    """Read a Dataset this package wrote (``to_netcdf_dataset(ds).to_netcdf(path)``).

    Parameters
    ----------
    path : str or os.PathLike
        A netCDF-4/HDF5 or netCDF-3 file, optionally ``.gz``/``.bz2``/``.xz`` compressed.
    technique : str, optional
        Accepted for the registry; the technique stored in the file is returned and
        :func:`characterization.read` checks that it matches.

    Returns
    -------
    xarray.Dataset
        Fully loaded (the file is closed), with JSON attributes decoded.

    Raises
    ------
    ReadError
        Not a readable netCDF file, a netCDF file not written by this package (no
        ``attrs["technique"]``, or one that is not a string), or one declaring more data than
        the byte budget of :data:`characterization.io.LIMITS` (absurd dimensions).

    Examples
    --------
    >>> ds2 = to_netcdf_dataset(ds)                       # doctest: +SKIP
    >>> ds2.to_netcdf("result.nc", engine="h5netcdf")     # doctest: +SKIP
    >>> read_netcdf("result.nc").identical(ds)            # doctest: +SKIP
    True
    """
    path = Path(path)
    try:
        ds = _open(path)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(path, "the file declares more data than this machine can hold") from None
    except Exception as exc:  # noqa: BLE001 - h5py/scipy raise many types on damaged files
        raise ReadError(path, f"not a readable netCDF/HDF5 file: {type(exc).__name__}: "
                              f"{exc}") from exc
    if "technique" not in ds.attrs and "result_of" not in ds.attrs:
        raise ReadError(path, "netCDF file was not written by characterization: it has no "
                              "global attribute 'technique' or 'result_of' (found attributes: "
                              f"{sorted(ds.attrs)[:10]}); other netCDF/HDF5 layouts need their "
                              "own reader")
    ds = _restore(ds)
    for key in ("technique", "result_of"):
        value = ds.attrs.get(key)
        if value is not None and not isinstance(value, str):
            raise ReadError(path, f"global attribute {key!r} is {type(value).__name__} "
                                  f"{value!r}; expected a name such as 'xrd' (a file not "
                                  "written by characterization, or damaged)")
    ds.encoding = {}
    return ds
