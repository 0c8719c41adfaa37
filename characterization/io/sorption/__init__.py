"""Readers of gas-sorption formats, one module per format (registered on import)."""
