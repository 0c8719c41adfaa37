"""Reading the files of a run: full reads, and rows of files sharing a header.

Exports of one instrument and method differ only in their numbers: the text up to the
numeric block (metadata, column headers, units) is the same in every file. A
:class:`FolderReader` reads the first such file in full (:func:`characterization.read`, with
its sniffing, layout detection and Dataset building) and keeps it as a
:class:`~characterization.io.delimited.SharedHeader`; the next files with that header are
parsed block-only into :class:`Row` objects (the column values), which
:func:`._batching.stack_rows` stacks straight into the batch. A file that does not fit a
template (another header, a NaN, an odd token) is read in full, exactly as before, so the
batch is identical to the one stacked from per-file reads (``tests/cli/test_fastread.py``).
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

from ..errors import ReadError
from ..io import read
from ..io.delimited import SharedHeader
from . import _batching

#: Headers remembered per chunk (a folder mixing methods keeps a few templates).
MAX_TEMPLATES = 4


@dataclasses.dataclass
class Row:
    """One file read through ``template``: ``values`` of its column-copy variables."""

    template: SharedHeader
    values: dict
    signature: str


def _read(path: Path, options: dict):
    """(Dataset, read warnings, None) or (None, None, error message)."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = read(path, **options)
    except ReadError as exc:
        return None, None, str(exc)
    except Exception as exc:  # noqa: BLE001 - never let one file stop the batch
        return None, None, f"{type(exc).__name__}: {exc}"
    return ds, "; ".join(sorted({str(w.message) for w in caught})), None


class FolderReader:
    """Reads the files of a chunk, through the templates of the headers seen so far."""

    def __init__(self, options: dict, *, resample: bool = False):
        self.options = dict(options)
        self.resample = resample
        self.templates: list[tuple[SharedHeader, str, str]] = []   # template, warn, signature

    def read(self, path: Path):
        """``(data, warnings, signature, message)``: data a :class:`Row` or a Dataset (None
        with the error ``message`` when the file cannot be read); signature None for data
        that cannot be stacked (:func:`._batching.signature`)."""
        for template, warn, sig in self.templates:
            try:
                values = template.read_row(path)
            except Exception:  # noqa: BLE001 - the full read reports it
                break
            if values is not None:     # the template's warnings, naming this file
                warn = warn.replace(str(template.path), str(path)) if warn else warn
                return Row(template, values, sig), warn, sig, None
        ds, warn, msg = _read(path, self.options)
        if ds is None:
            return None, None, None, msg
        sig = _batching.signature(ds, resample=self.resample)
        if sig is not None and len(self.templates) < MAX_TEMPLATES:
            template = SharedHeader(path, ds, self.options)
            if template.ok:
                self.templates.append((template, warn, sig))
                values = {name: ds[name].values for name in template.columns}
                return Row(template, values, sig), warn, sig, None
        return ds, warn, sig, None


def materialize(data, file):
    """The Dataset of ``data`` (a :class:`Row` becomes what a full read gives)."""
    if isinstance(data, Row):
        return data.template.dataset(data.values, file)
    return data


def one_template(datas) -> SharedHeader | None:
    """The template when every one of ``datas`` is a :class:`Row` of the same one, else None."""
    template = None
    for d in datas:
        if not isinstance(d, Row) or (template is not None and d.template is not template):
            return None
        template = d.template
    return template
