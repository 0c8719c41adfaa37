"""XPS analysis (namespace ``xps``): survey quantification."""

from .quantify import quantify

__all__ = ["quantify"]
