"""The two build steps pyproject.toml cannot declare (everything else is there).

- The packages are found by rule, plus templates/ and questionnaires/, which stay at the
  top of the repository and are carried as survey.templates and survey.questionnaires
  (see [tool.setuptools.package-dir]); their files come by recursive globs, so a new
  folder of templates is carried without naming it.
- The message catalogues are compiled while building: the .mo files are git-ignored (made
  by `make translations` in a checkout), so a wheel built from a fresh clone would
  otherwise show English to a Polish browser.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

CATALOGUES = "survey/translations/*/LC_MESSAGES/*.po"


class BuildWithCatalogues(build_py):
    """build_py, then a .mo beside every .po it copied (as `pybabel compile` makes them)."""

    def build_package_data(self) -> None:
        super().build_package_data()
        for po in Path(self.build_lib).glob(CATALOGUES):
            locale = po.parent.parent.name
            with po.open("rb") as source:
                catalogue = read_po(source, locale=locale, domain=po.stem)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue)


setup(
    packages=[
        *find_packages(include=["survey", "survey.*", "reports", "reports.*"]),
        "survey.templates",
        "survey.questionnaires",
    ],
    cmdclass={"build_py": BuildWithCatalogues},
)
