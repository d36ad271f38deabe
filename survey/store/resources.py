"""Where Lustro's data files are: templates, questionnaires, translations, static files.

In a checkout (and an editable install) templates/ and questionnaires/ sit at the top of
the repository; the wheel carries them inside the package as survey/templates/ and
survey/questionnaires/ (see [tool.setuptools.package-dir] in pyproject.toml). Code asks
here instead of walking up from its own file, so `survey` works installed, from any folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # survey/


def data_dir(name: str) -> Path:
    """The folder `name` (templates, questionnaires, translations, static)."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name
