"""`survey user …`: console accounts from the command line (HR and facilitators)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..store.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    add_user,
    list_users,
    normalise_email,
    remove_user,
    set_password,
)
from .base import SurveyGroup, current_db

password_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)


def read_password(password_stdin: bool) -> str:
    """The password from standard input's first line, or typed twice at a hidden prompt."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )


@click.group("user", cls=SurveyGroup)
def user_group() -> None:
    """Add, list and remove console accounts (HR and facilitators), reset a password."""


@user_group.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="hr: everything; facilitator: read rounds, moderate comments, download reports.",
)
@password_stdin_option
@with_appcontext
def user_add(email: str, role: str, password_stdin: bool) -> None:
    """Create a console account for EMAIL (asks for the password twice)."""
    user = add_user(current_db(), email, role, read_password(password_stdin))
    click.echo(f"Account {user.email} ({user.role}) created. Log in at /console/login.")


@user_group.command("password")
@click.argument("email")
@password_stdin_option
@with_appcontext
def user_password(email: str, password_stdin: bool) -> None:
    """Give the account EMAIL a new password (asks twice) and end its console sessions."""
    set_password(current_db(), email, read_password(password_stdin))
    click.echo(f"Password of {normalise_email(email)} changed; its console sessions have ended.")


@user_group.command("list")
@with_appcontext
def user_list() -> None:
    """List console accounts: email, role, creation date."""
    users = list_users(current_db())
    if not users:
        click.echo("No accounts yet. Create one with `survey user add EMAIL --role hr`.")
    for user in users:
        click.echo(f"{user.email}\t{user.role}\t{user.created_on}")


@user_group.command("remove")
@click.argument("email")
@with_appcontext
def user_remove(email: str) -> None:
    """Delete the console account EMAIL (the audit log keeps its past actions)."""
    remove_user(current_db(), email)
    click.echo(f"Account {email.strip().lower()} removed.")
