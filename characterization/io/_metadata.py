"""Vendor metadata as JSON text: the one serialiser every reader uses for
``attrs["original_metadata"]`` (netCDF attrs hold strings, so structured headers travel as JSON).

Conversions: non-finite floats (numpy or Python) -> null, numpy scalars/arrays -> numbers/lists,
datetimes -> ISO text, enums -> their name, tuples/sets -> lists, keys -> str; bytes are decoded
as latin-1 text when short and printable (vendor labels stored as byte strings), otherwise
summarised as ``"<n bytes>"``; anything else -> ``str``. Non-ASCII text is kept.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import math

import numpy as np

__all__ = ["to_json"]


def _bytes(obj) -> str:
    text = bytes(obj).rstrip(b"\0").decode("latin-1")
    if len(text) <= 256 and text.isprintable():
        return text
    return f"<{len(obj)} bytes>"


def _default(obj):
    if isinstance(obj, (_dt.datetime, _dt.date)):
        return obj.isoformat()
    if isinstance(obj, np.datetime64):
        return str(obj)
    if isinstance(obj, enum.Enum):
        return obj.name
    if isinstance(obj, (bytes, bytearray)):
        return _bytes(obj)
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, set):
        return _clean(sorted(obj, key=str))
    return str(obj)


def _clean(obj):
    """Non-finite floats to None and numpy scalars to Python, recursively."""
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def to_json(metadata) -> str:
    """``metadata`` (a dict of vendor header entries) as a JSON string.

    >>> to_json({"laser": 532.0, "gain": float("nan"), "label": b"C 1s"})
    '{"laser": 532.0, "gain": null, "label": "C 1s"}'
    """
    return json.dumps(_clean(metadata), default=_default, ensure_ascii=False)
