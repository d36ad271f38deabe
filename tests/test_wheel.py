"""The wheel, built as a new user would build it: from a clean copy of the last commit
without `make` (so no compiled catalogues lie around to be picked up), then installed into
a fresh venv with its real dependencies from the package registry, held to
constraints.txt. Installed, Lustro speaks Polish to a Polish browser and `survey demo
--no-serve` works from an empty folder.

It builds from the commit, not the working tree: commit a packaging change before trusting
this test with it. Most of its time is pip's (a warm cache makes it about a minute).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
DATA = ("templates/", "questionnaires/", "survey/static/", "survey/translations/")
POLISH_LEAD = "Anonimowa ankieta o tym, jak dwa działy widzą siebie nawzajem."
ENGLISH_LEAD = "An anonymous survey of how two departments see themselves and each other."


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """The files of HEAD, as a fresh clone has them (nothing ignored, nothing built)."""
    target = tmp_path_factory.mktemp("src")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    assert not list(target.glob("survey/translations/*/*/*.mo"))
    return target


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([*PIP, "wheel", "--no-deps", ".", "-w", str(dist)], cwd=source, check=True)
    (built,) = dist.glob("lustro-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh(wheel, source, tmp_path_factory) -> Path:
    """A venv holding the wheel and the dependencies it declares, and nothing else."""
    path = tmp_path_factory.mktemp("venv")
    venv.create(path, with_pip=False)
    constraints = source / "constraints.txt"
    # --no-compile: numpy's and scipy's bytecode alone would double the time.
    install = [*PIP, "--python", str(path / "bin" / "python"), "install", "--no-compile"]
    install += ["-c", str(constraints)]
    subprocess.run([*install, str(wheel)], check=True)
    return path


def _in_wheel(name: str) -> str:
    """Where the wheel carries a data file of the checkout: templates/ and questionnaires/
    go inside the package, a catalogue goes compiled too."""
    if name.startswith(("templates/", "questionnaires/")):
        name = f"survey/{name}"
    return name.removesuffix(".po") + ".mo" if name.endswith(".po") else name


def _run(fresh: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A program of the fresh venv, with none of this session's SURVEY_ or PYTHON settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SURVEY_", "PYTHON"))}
    program = str(fresh / "bin" / args[0])
    return subprocess.run(
        [program, *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_wheel_carries_every_data_file_the_compiled_catalogues_and_the_licence(wheel, source):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "HEAD", "--", *DATA],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked
    assert not {_in_wheel(name) for name in tracked} - names
    info = f"lustro-{VERSION}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    assert "License-Expression: MIT" in zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()


def test_the_installed_app_speaks_polish_to_a_polish_browser(fresh, tmp_path):
    version = _run(fresh, "survey", "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout == f"survey, version {VERSION}\n"
    init = _run(fresh, "survey", "init", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "instance" / "survey.db").is_file()

    page = (
        "import sys\n"
        "from survey import create_app\n"
        "client = create_app().test_client()\n"
        "page = client.get('/', headers={'Accept-Language': sys.argv[1]})\n"
        "print(page.status_code, page.get_data(as_text=True))\n"
    )
    polish = _run(fresh, "python", "-c", page, "pl", cwd=tmp_path)
    english = _run(fresh, "python", "-c", page, "en", cwd=tmp_path)
    assert polish.stdout.startswith("200 ") and english.stdout.startswith("200 "), polish.stderr
    assert POLISH_LEAD in polish.stdout and ENGLISH_LEAD not in polish.stdout
    assert ENGLISH_LEAD in english.stdout


def test_the_installed_wheel_runs_the_demo_from_an_empty_folder(fresh, tmp_path):
    where = _run(
        fresh,
        "python",
        "-c",
        "import survey, reports, flask; print(survey.__file__, reports.__file__, flask.__file__)",
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.count(str(fresh)) == 3, where.stdout  # all from the fresh venv

    demo = _run(fresh, "survey", "demo", "--no-serve", cwd=tmp_path)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "hr@lustro.demo" in demo.stdout
    assert (tmp_path / "instance" / "demo.db").is_file()  # the demo has a database of its own
    assert (tmp_path / "instance" / "demo-report-pl.pdf").is_file()
