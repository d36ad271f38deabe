import json
import re

import click
import pytest

from survey.cli import cli
from survey.cli.base import SurveyCommand, SurveyGroup


def _all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


COMMANDS = list(_all_commands(cli))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_option_has_help_text(path, command):
    assert command.help, f"survey {' '.join(path)} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"survey {' '.join(path)} {param.opts[0]} has no help text"


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_a_survey_command_whose_files_are_private(path, command):
    """SurveyCommand sets umask 077 and turns domain errors into one line, also when
    `flask --app survey` runs the command without the `survey` group around it."""
    assert isinstance(command, SurveyGroup | SurveyCommand), " ".join(path)


def test_the_commands_the_issue_names_exist():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {
        "init",
        "questionnaire list",
        "questionnaire check",
        "questionnaire columns",
        "round create",
        "round list",
        "round open",
        "round close",
        "import",
        "export",
        "demo",
        "serve",
    } <= names


def test_init_is_idempotent_and_creates_secrets(run_cli, tmp_path):
    first = run_cli("init")
    second = run_cli("init")
    assert first.exit_code == 0 and second.exit_code == 0
    assert "up to date" in second.output
    config = (tmp_path / "instance" / "config.toml").read_text()
    assert "SECRET_KEY" in config and "INVITE_KEY" in config


def test_round_lifecycle_from_the_command_line(run_cli):
    created = run_cli(
        "round",
        "create",
        "Jesień 2026",
        "--questionnaire",
        "sales-production",
        "--side-a",
        "Sprzedaż",
        "--side-b",
        "Produkcja",
        "--headcount-a",
        "20",
    )
    assert created.exit_code == 0
    round_id = created.output.strip()
    assert round_id.isdigit()
    assert run_cli("round", "open", round_id).exit_code == 0
    assert "open" in run_cli("round", "list").output
    assert run_cli("round", "close", round_id).exit_code == 0
    reopened = run_cli("round", "open", round_id)
    assert reopened.exit_code == 1
    assert "closing is final" in reopened.output


def test_errors_are_one_line_without_a_traceback(run_cli):
    result = run_cli("round", "open", "42")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: Round 42 does not exist."


def test_questionnaire_check_passes_shipped_files_and_names_the_field_of_a_broken_one(
    run_cli, tmp_path
):
    from survey.store.questionnaire import QUESTIONNAIRE_DIR

    good = run_cli("questionnaire", "check", *map(str, QUESTIONNAIRE_DIR.glob("*.toml")))
    assert good.exit_code == 0, good.output
    broken = tmp_path / "broken.toml"
    text = (QUESTIONNAIRE_DIR / "pulse.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace('en = "Cooperation pulse"', ""), encoding="utf-8")
    result = run_cli("questionnaire", "check", str(broken))
    assert result.exit_code == 1
    assert f"{broken}: title.en: missing translation" in result.output


def test_columns_prints_one_header_line(run_cli):
    result = run_cli("questionnaire", "columns", "pulse")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("side,information.timely.self,")


def test_import_and_export_from_the_command_line(run_cli, tmp_path):
    round_id = run_cli(
        "round",
        "create",
        "R",
        "--questionnaire",
        "pulse",
        "--side-a",
        "Sala",
        "--side-b",
        "Kuchnia",
        "--comment-threshold",
        "5",
    ).output.strip()
    run_cli("round", "open", round_id)
    header = run_cli("questionnaire", "columns", "pulse").output.strip()
    columns = header.split(",")
    rows = [
        ",".join(
            side if c == "side" else ("Dobrze" if c.startswith("open.") else "4") for c in columns
        )
        for side in "ab" * 5
    ]
    source = tmp_path / "in.csv"
    source.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    imported = run_cli("import", round_id, str(source))
    assert imported.exit_code == 0 and "Imported 10 responses" in imported.output
    run_cli("round", "close", round_id)
    exported = run_cli("export", round_id, "--format", "json")
    data = json.loads(exported.output)
    assert len(data) == 10 and all(row["open.change"] == "Dobrze" for row in data)


def test_a_bad_csv_row_is_reported_and_nothing_stored(run_cli, tmp_path):
    round_id = run_cli(
        "round", "create", "R", "--questionnaire", "pulse", "--side-a", "A", "--side-b", "B"
    ).output.strip()
    run_cli("round", "open", round_id)
    source = tmp_path / "bad.csv"
    source.write_text("side,information.timely.self\na,4\nb,9\n", encoding="utf-8")
    result = run_cli("import", round_id, str(source))
    assert result.exit_code == 1
    assert "Row 3, column information.timely.self: '9' is not 1–5" in result.output
    run_cli("round", "close", round_id)
    assert "<5 / <5" in run_cli("round", "list").output.replace("responses ", "")


def test_demo_without_serving_creates_closed_rounds_and_is_idempotent(run_cli, db_path):
    first = run_cli("demo", "--no-serve", "--no-report", "--respondents", "8")
    second = run_cli("demo", "--no-serve", "--no-report", "--respondents", "8")
    assert first.exit_code == 0, first.output

    def without_codes(output):
        return re.sub(r"/r/[A-Z0-9-]{14}", "/r/CODE", output)

    assert without_codes(first.output) == without_codes(second.output)
    listing = run_cli("--db", str(db_path.with_name("demo.db")), "round", "list").output
    assert listing.count("closed") == 2 and listing.count("\topen\t") == 1
    assert "responses 8 / 8" in listing


def test_demo_prints_working_links_to_try_the_survey(run_cli, db_path):
    from survey.app import create_app

    result = run_cli("demo", "--no-serve", "--no-report", "--respondents", "5")
    codes = re.findall(r"/r/([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", result.output)
    assert len(codes) == 6 == len(set(codes))  # three tries per side
    app = create_app({"DATABASE": str(db_path.with_name("demo.db"))})  # `survey init`'s keys
    for code in codes:
        assert app.test_client().get(f"/r/{code}").status_code == 302


def test_demo_writes_the_latest_rounds_gap_report_in_both_languages(run_cli, tmp_path):
    from pypdf import PdfReader

    result = run_cli("demo", "--no-serve", "--respondents", "10")
    assert result.exit_code == 0, result.output
    for lang, heading in (("pl", "Przewodnik dla osoby prowadzącej"), ("en", "Facilitator")):
        path = tmp_path / "instance" / f"demo-report-{lang}.pdf"
        assert str(path) in result.output
        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
        assert "Demo: jesień 2026" in text and heading in text


def test_demo_data_never_goes_into_the_served_database_and_prod_refuses_demo_accounts(
    run_cli, db_path
):
    """Attack A7: `survey demo` wrote hr@lustro.demo (password in the README) into the
    database `make serve` serves."""
    from survey.store.connection import open_db

    run_cli("init")
    assert run_cli("demo", "--no-serve", "--no-report", "--respondents", "5").exit_code == 0
    served = open_db(db_path)
    assert served.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    assert served.execute("SELECT count(*) FROM rounds").fetchone()[0] == 0
    served.conn.close()
    refused = run_cli("--db", str(db_path.with_name("demo.db")), "serve", "--prod")
    assert refused.exit_code != 0 and "demo accounts" in refused.output


def test_round_create_takes_a_team_size_and_round_edit_changes_it_until_close(tmp_path):
    """Issue 19 item 1: "people here work in teams of about m" (default 8; 1 = alone)."""
    from click.testing import CliRunner

    from survey.cli import cli

    runner = CliRunner()
    db = str(tmp_path / "t.db")
    base = ["--db", db]
    assert runner.invoke(cli, [*base, "init"]).exit_code == 0
    made = runner.invoke(
        cli,
        [
            *base,
            "round",
            "create",
            "R",
            "--questionnaire",
            "sales-production",
            "--side-a",
            "A",
            "--side-b",
            "B",
        ],
    )
    alone = runner.invoke(
        cli,
        [*base, "round", "create", "S", "--questionnaire", "sales-production", "--side-a", "A", "--side-b", "B", "--team-size", "1"],
    )  # fmt: skip
    assert made.exit_code == 0 and alone.exit_code == 0
    from survey.store.connection import open_db
    from survey.store.rounds import get_round

    database = open_db(db)
    assert get_round(database, made.output.strip()).team_size == 8
    assert get_round(database, alone.output.strip()).team_size == 1
    round_id = made.output.strip()
    assert runner.invoke(cli, [*base, "round", "open", round_id]).exit_code == 0
    edited = runner.invoke(cli, [*base, "round", "edit", round_id, "--team-size", "4"])
    assert edited.exit_code == 0 and "teams of about 4" in edited.output
    assert get_round(database, round_id).team_size == 4
    wrong = runner.invoke(cli, [*base, "round", "edit", round_id, "--team-size", "0"])
    assert wrong.exit_code != 0 and get_round(database, round_id).team_size == 4
    assert runner.invoke(cli, [*base, "round", "close", round_id]).exit_code == 0
    closed = runner.invoke(cli, [*base, "round", "edit", round_id, "--team-size", "2"])
    assert closed.exit_code == 1 and "closing is final" in closed.output
    assert get_round(database, round_id).team_size == 4
