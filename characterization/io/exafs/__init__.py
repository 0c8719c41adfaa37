"""Readers of X-ray absorption data, one module per format (registered on import).

``xdi`` (XAS Data Interchange 1.0 ``.xdi``), ``athena`` (Athena project ``.prj``: a DataTree of
records with their stored processing parameters mapped to our keywords), ``columns`` (μ(E)
column text: ``#%`` headers, ``energy mu``, named I0/It/If/Iref channels; format
``xas_columns``), ``chik`` (χ(k) exports), ``feffdat`` (FEFF ``feffNNNN.dat`` scattering-path
files, technique ``"feff_paths"``). Shared: ``_build`` (the one μ(E)/χ(k) Dataset builder: μ
from channels, energy units, edge coords via xraydb), ``_text`` (text tables and column roles),
``_perl`` (safe reader of Athena's Perl literals). See docs/exafs_readers.md.
"""
