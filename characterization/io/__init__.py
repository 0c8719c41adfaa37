"""File readers.

:func:`characterization.read` picks a reader by extension, then by a content sniff; each
reader lives in its own module and registers itself with
:func:`characterization.io._registry.register_reader`. Reader modules are imported lazily, the
first time :func:`read` needs the list of formats (see ``_registry.READER_MODULES``).
"""

from ._registry import formats, read, read_many, register_reader

__all__ = ["read", "read_many", "register_reader", "formats"]
