"""`flask --app survey …` offers the same commands as `survey …`: they reach Flask through the
"flask.commands" entry points in pyproject.toml, since the app itself never imports the CLI."""

from __future__ import annotations

import stat
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


def test_f2_files_written_through_flask_are_private(run_cli, db_path, tmp_path):
    """F2: `flask --app survey invites -o` wrote 0644 files (only `survey` set umask 077)."""
    assert run_cli("init").exit_code == 0
    run_cli("round", "create", "R", "--questionnaire", "pulse", "--side-a", "S", "--side-b", "P")
    flask = Path(sys.executable).with_name("flask")
    env = {
        "SURVEY_DB": str(db_path),
        "SURVEY_INSTANCE": str(tmp_path / "instance"),
        "SURVEY_PUBLIC_URL": "https://ankieta.example.pl",  # the links on the files
    }
    for name in ("codes.csv", "slips.pdf"):
        output = tmp_path / name
        result = subprocess.run(
            [str(flask), "--app", "survey", "invites", "1", "--side", "a", "--count", "2"]
            + ["-o", str(output)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env | {"PATH": "/usr/bin:/bin"},
            umask=0o022,  # a shell's usual umask, whatever this test process has set
        )
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(output.stat().st_mode) == 0o600, name
