"""Readers of X-ray absorption data, one module per format (registered on import).

``feffdat`` (FEFF ``feffNNNN.dat`` scattering-path files, technique ``"feff_paths"``).
"""
