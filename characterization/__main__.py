"""``python -m characterization`` is the ``characterize`` command."""

from .cli import main

raise SystemExit(main())
