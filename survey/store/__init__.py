"""Lustro's storage and domain core: the database, its schema, and the rules of rounds,
invite codes, responses and comments. Nothing here imports Flask: the web areas, the CLI,
the documents and the reports all build on this package, never the other way round.
"""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """sqlite-utils imports numpy and pandas when installed (scipy brings numpy) only to
    map their types to column types, which Lustro never stores through it. Hiding them
    while it loads keeps numpy out of every server worker; the report still imports
    numpy itself when it runs."""
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    if "sqlite_utils" in sys.modules or not hidden:
        return
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_sqlite_utils_without_numpy()
