"""Readers of nanoindentation exports, one module per format family (registered on import).

``nanosuite`` (KLA/Agilent/MTS NanoSuite ``.xls`` and KLA InView ``.xlsx`` workbooks),
``hysitron`` (Bruker Hysitron TriboScan ``.txt`` curve exports and ``.hld`` files, with the
NI-USI ``.tdm`` metadata companion), ``micromaterials`` (NanoTest text, single files or a zip
of them), ``hdf5_v2`` (the micromechanics HDF5 "version 2.0" layout of FischerScope and
Micromaterials conversions) and ``fischerscope`` (FischerScope text, decimal comma); plain
CSV of load and displacement is read by the generic ``delimited`` reader. Every reader returns the Dataset described in ``_build`` (technique
``"nanoindent"``): one test along ``point``, or several stacked along ``indent``. See
``docs/nanoindent_readers.md``.
"""
