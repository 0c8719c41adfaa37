"""File readers.

:func:`characterization.read` picks a reader by extension, then by a content sniff; each reader
registers itself with :func:`register_reader`. Reader modules are imported lazily, the first time
:func:`read` or :func:`formats` needs the list of formats (``_registry.READER_MODULES``).

Layout: one module per format, named after it, in a folder per technique (``io/xrd/xrdml.py``,
``io/xrd/bruker_raw.py``, ``io/raman/wdf.py``, ``io/sorption/aif.py`` ...), each folder with a
private ``_build`` module that turns arrays into a validated Dataset of its technique. At the
top: the generic readers (``delimited``: any delimited text; ``netcdf``: files written by this
package or xarray) and the shared machinery: ``_registry`` (reader selection and ``read``),
``_batch`` (``read_many``), ``_source`` (opening, decompression and decoding within the byte
budget of :data:`LIMITS`), ``_safe_archive`` (zip containers and XML checked before parsing),
``_units``, ``_columns`` and ``_text_layout`` (column and header recognition for text tables).

Every read returns a validated Dataset or raises :class:`~characterization.errors.ReadError`
(never another exception, a ``MemoryError`` included); see :class:`Limits` for how much a small
file may expand.
"""

from ._batch import expand_paths, read_many
from ._registry import formats, read, register_reader, select_reader
from ._source import LIMITS, Limits

__all__ = ["read", "read_many", "register_reader", "formats", "select_reader",
           "expand_paths", "LIMITS", "Limits"]
