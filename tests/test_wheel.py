"""The built wheel carries everything Lustro needs: installed into a fresh venv (only its
dependencies borrowed from the project's venv), `survey demo --no-serve` works from an
empty folder."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _source_copy(target: Path) -> None:
    """The files a release is built from (the source, not ignored, and the compiled
    catalogues), copied away from the checkout so the build leaves nothing in it."""
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    compiled = [str(p.relative_to(ROOT)) for p in ROOT.glob("survey/translations/*/*/*.mo")]
    assert compiled, "run `make translations` first"
    for name in [*tracked, *compiled]:
        if name.startswith("tests/") or not (ROOT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)


def test_the_installed_wheel_runs_the_demo_from_an_empty_folder(tmp_path):
    source, dist, fresh, empty = (tmp_path / n for n in ("src", "dist", "venv", "empty"))
    for folder in (source, dist, empty):
        folder.mkdir()
    _source_copy(source)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", ".", "-w", str(dist)], cwd=source, check=True)
    (wheel,) = dist.glob("lustro-*.whl")

    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True)
    # Dependencies come from the project's venv; a path in a .pth file is not a site
    # directory, so the editable install's own .pth hook there is never run.
    fresh_site = Path(
        subprocess.run(
            [python, "-c", "import site; print(site.getsitepackages()[0])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (fresh_site / "project-deps.pth").write_text(site.getsitepackages()[0] + "\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SURVEY_", "PYTHON"))}
    where = subprocess.run(
        [python, "-c", "import survey, reports; print(survey.__file__, reports.__file__)"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.count(str(fresh_site)) == 2, where  # lustro itself only from the wheel

    demo = subprocess.run(
        [fresh / "bin" / "survey", "demo", "--no-serve"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "hr@lustro.demo" in demo.stdout
    assert (empty / "instance" / "demo.db").is_file()  # the demo keeps its own database
