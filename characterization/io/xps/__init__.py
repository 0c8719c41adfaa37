"""Readers of XPS instrument formats, one module per format (registered on import).

``vamas`` (.vms, PHI .npl), ``phi`` (.spe, .pro depth profiles), ``specs_xy``, ``specs_xml``,
``scienta`` (SES .txt), ``igor_ibw`` (SES .ibw), ``avantage`` (Thermo Avantage CSV) and
``casa_text`` (CasaXPS text export). Each returns an ``xarray.DataTree`` with one
conventions-valid Dataset per region (built by ``_build``); ``characterization.read(path,
region=...)`` returns one region's Dataset. See ``docs/xps_readers.md``.
"""
