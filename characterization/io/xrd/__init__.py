"""Readers of XRD instrument formats, one module per format (registered on import)."""
