"""`flask --app survey …` offers the same commands as `survey …`: they reach Flask through the
"flask.commands" entry points in pyproject.toml, since the app itself never imports the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from survey.cli import cli


def test_flask_lists_every_survey_command(tmp_path):
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [str(flask), "--app", "survey", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"SURVEY_INSTANCE": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert set(cli.commands) <= listed, sorted(set(cli.commands) - listed)
