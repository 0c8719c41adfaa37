"""Readers of XPS instrument formats, one module per format (registered on import)."""
