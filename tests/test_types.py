"""mypy, with the settings in pyproject.toml ([tool.mypy]), finds no error in survey/ and
reports/. Its cache sits in .cache/mypy, so a run after the first takes a few seconds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mypy() -> subprocess.CompletedProcess[str]:
    """One mypy run over what pyproject names (survey and reports), as `make lint` runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_mypy_finds_no_type_errors(mypy: subprocess.CompletedProcess[str]) -> None:
    errors = [line for line in mypy.stdout.splitlines() if ": error:" in line]
    assert mypy.returncode == 0 and not errors, (
        f"mypy found {len(errors)} errors:\n{mypy.stdout}{mypy.stderr}"
    )


def test_mypy_checks_every_module_of_survey_and_reports(
    mypy: subprocess.CompletedProcess[str],
) -> None:
    modules = [p for top in ("survey", "reports") for p in (ROOT / top).rglob("*.py")]
    checked = re.search(r"(\d+) source files", mypy.stdout)
    assert checked is not None, mypy.stdout + mypy.stderr
    assert int(checked.group(1)) == len(modules)
