"""Readers of Raman instrument formats, one module per format (registered on import)."""
