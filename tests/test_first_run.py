"""A new user's first commands: the version, `python -m survey`, a command run before
`survey init`, and `survey init` on a config.toml written by hand."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
from click.testing import CliRunner

from survey.cli import cli


@pytest.fixture
def fresh_folder(tmp_path, monkeypatch):
    """An empty folder to run `survey` in, as after installing it: no instance, no database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SURVEY_DB", raising=False)
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_version_names_the_installed_release():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"survey, version {version('lustro')}\n"


def test_python_dash_m_survey_is_the_survey_command(fresh_folder):
    result = subprocess.run(
        [sys.executable, "-m", "survey", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"survey, version {version('lustro')}\n"


@pytest.mark.parametrize(
    "command",
    [
        ["round", "list"],
        ["round", "open", "1"],
        ["report", "1"],
        ["export", "1"],
        ["invites", "1", "--side", "a", "--count", "1"],
        ["user", "list"],
        ["backup", "copy.db"],
        ["serve"],
        ["serve", "--prod"],
    ],
    ids=" ".join,
)
def test_a_command_before_init_says_to_run_init_and_creates_nothing(fresh_folder, command):
    result = run(*command)
    assert result.exit_code == 1
    database = fresh_folder / "instance" / "survey.db"
    assert result.output == f"Error: There is no database at {database}: run survey init first.\n"
    assert list(fresh_folder.iterdir()) == []


def test_an_empty_database_file_counts_as_none(fresh_folder):
    """Earlier releases left a 0-byte survey.db behind; it has no tables to read."""
    (fresh_folder / "instance").mkdir()
    (fresh_folder / "instance" / "survey.db").touch()
    result = run("round", "list")
    assert result.exit_code == 1 and "run survey init first" in result.output
    assert run("init").exit_code == 0
    assert run("round", "list").exit_code == 0


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["round", "--help"],
        ["questionnaire", "list"],
        ["questionnaire", "columns", "pulse"],
    ],
    ids=" ".join,
)
def test_commands_that_need_no_database_work_before_init(fresh_folder, command):
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert list(fresh_folder.iterdir()) == []


def test_init_keeps_a_hand_written_config_and_adds_only_the_missing_key(fresh_folder):
    config = fresh_folder / "instance" / "config.toml"
    config.parent.mkdir()
    written = '# my own settings\nSECRET_KEY="x"   # chosen by hand\nPUBLIC_URL = "https://survey.example"\n'
    config.write_text(written, encoding="utf-8")

    assert run("init").exit_code == 0
    text = config.read_text(encoding="utf-8")
    assert text.startswith(written)
    added = text.removeprefix(written).splitlines()
    assert len(added) == 1 and added[0].startswith('INVITE_KEY = "')

    again = run("init")  # every later command still reads the file
    assert again.exit_code == 0 and "up to date" in again.output
    assert config.read_text(encoding="utf-8") == text
    assert run("round", "list").exit_code == 0


def test_init_puts_a_new_key_above_the_files_tables(fresh_folder):
    """A key written below a [table] would belong to that table, not to Lustro's settings."""
    config = fresh_folder / "instance" / "config.toml"
    config.parent.mkdir()
    config.write_text('SECRET_KEY = "x"\n\n[RATELIMIT]\nnote = "mine"\n', encoding="utf-8")
    assert run("init").exit_code == 0
    head, table = config.read_text(encoding="utf-8").split("[RATELIMIT]")
    assert "INVITE_KEY" in head and table == '\nnote = "mine"\n'


def test_a_config_that_is_not_toml_is_refused_in_one_line_and_left_alone(fresh_folder):
    config = fresh_folder / "instance" / "config.toml"
    config.parent.mkdir()
    broken = 'SECRET_KEY = "x"\nINVITE_KEY = \n'
    config.write_text(broken, encoding="utf-8")

    for command in (["init"], ["round", "list"]):
        result = run(*command)
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: {config} is not valid TOML (")
        assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert config.read_text(encoding="utf-8") == broken
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]
