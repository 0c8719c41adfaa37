"""Provenance attrs for analysis results: method, every parameter used, package version."""

from __future__ import annotations

import json

import numpy as np

from ._version import __version__


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def provenance(method: str, **parameters) -> dict:
    """Result attrs recording how a result was made.

    Returns ``{"method": ..., "parameters": <JSON string>, "characterization_version": ...}``;
    all values are strings, so the attrs stay netCDF-serialisable.
    """
    return {
        "method": method,
        "parameters": json.dumps(parameters, default=_plain, sort_keys=True),
        "characterization_version": __version__,
    }
