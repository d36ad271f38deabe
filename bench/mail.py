"""Mailed invitations at scale (issue 22): 5,000 invitations to a local SMTP server (goal:
under 60 s), then a reminder to the 4,000 whose code is still unspent, then reading 500
delivery reports back (`survey mail bounces`).

    nice -n 5 .venv/bin/python bench/mail.py [--count 5000] [--answered 1000] [--runs 3]

Each run is a fresh process with its own database; the SMTP server (aiosmtpd's Sink, which
accepts and drops every message) runs in a process of its own, so the figures are Lustro's:
seconds to make and seal the codes, to send the invitations and to send the reminders (the
same functions `survey mail invite` and `survey mail remind` call), and the peak resident
memory of Lustro's process (ru_maxrss: imports included). The invitations carry their own
envelope sender (MAIL_BOUNCE_ADDRESS set); the reports, one a file in a maildir, come back to
the envelope senders of people who answered (so the reminder's count stays the same)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_URL = "https://ankieta.example.pl"  # the links in the mails
BOUNCES = 500  # delivery reports read back
# One delivery status notification (RFC 3464) as a receiving server writes it.
REPORT = """From: MAILER-DAEMON@mx.odbiorca.example
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

The mail could not be delivered.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.odbiorca.example

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
--b--
"""

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the SMTP server did not start")


def one_run(count: int, answered: int) -> dict:
    """Invite `count` addresses, spend `answered` codes, remind the rest; figures as a dict."""
    sys.path.insert(0, str(ROOT))
    from survey.app import create_app
    from survey.mail import bounces, delivery
    from survey.store import invites, mail_invites, mailing
    from survey.store.connection import open_db, write_transaction
    from survey.store.migrations import migrate
    from survey.store.rounds import create_round, get_round, open_round

    folder = Path(tempfile.mkdtemp(prefix="lustro-mail-"))
    os.environ["SURVEY_INSTANCE"] = str(folder / "instance")
    port = free_port()
    server = smtp_server(port)
    try:
        db = open_db(folder / "bench.db")
        migrate(db)
        round_id = create_round(
            db,
            "Badanie 2026",
            "sales-production",
            "Sprzedaż",
            "Produkcja",
            headcount_a=count,
            closes_on="2026-12-15",
        )
        open_round(db, round_id)
        app = create_app(
            {
                "DATABASE": str(folder / "bench.db"),
                "SECRET_KEY": "bench",
                "INVITE_KEY": "bench",
                "PUBLIC_URL": BASE_URL,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": port,
                "MAIL_DEFAULT_SENDER": "ankieta@firma.example",
                "MAIL_BOUNCE_ADDRESS": "zwroty@firma.example",
            }
        )
        addresses = [f"osoba{n:05d}@firma.example" for n in range(count)]
        with app.app_context():
            round_ = get_round(db, round_id)
            mail = delivery.settings()
            start = time.perf_counter()
            mail_invites.invite(
                db,
                round_id,
                "a",
                [mailing.Listed(a) for a in addresses],
                "bench",
                delivery.sealer(),
            )
            sealed = time.perf_counter() - start
            start = time.perf_counter()
            invited = delivery.deliver(
                db, round_, delivery.plan(db, round_, "invite"), mail, BASE_URL
            )
            invite_seconds = time.perf_counter() - start
            # Some answer: their codes are spent (as a Send does), in one transaction.
            opened = mail_invites.due_reminder(db, round_id, "bench", delivery.sealer())
            with write_transaction(db):
                for recipient in opened[:answered]:
                    invites.spend_code(db, recipient.code, "bench")
            start = time.perf_counter()
            reminded = delivery.deliver(
                db, round_, delivery.plan(db, round_, "remind"), mail, BASE_URL
            )
            remind_seconds = time.perf_counter() - start
            folder_of_reports = folder / "Zwroty"
            for sub in ("cur", "new", "tmp"):
                (folder_of_reports / sub).mkdir(parents=True)
            seal = delivery.sealer()
            for n, recipient in enumerate(opened[:BOUNCES]):
                sender = delivery.envelope_sender(mail, seal, round_id, recipient.address)
                report = REPORT.format(to=sender, recipient=recipient.address)
                (folder_of_reports / "new" / f"{n}.eml").write_text(report, encoding="utf-8")
            start = time.perf_counter()
            found = bounces.read_reports([folder_of_reports], mail.bounce_address)
            bounced, _unmatched = mailing.mark_bounced(db, round_id, found.reports, seal)
            bounce_seconds = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    return {
        "seal_seconds": sealed,
        "invite_seconds": invite_seconds,
        "invited": invited.sent,
        "remind_seconds": remind_seconds,
        "reminded": reminded.sent,
        "bounce_seconds": bounce_seconds,
        "bounced": bounced,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _line(name: str, values: list[float], unit: str) -> str:
    return (
        f"{name:<34} {statistics.median(values):>8.2f} {unit} [{min(values):.2f}–{max(values):.2f}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="Addresses invited.")
    parser.add_argument(
        "--answered", type=int, default=1000, help="Codes spent before the reminder."
    )
    parser.add_argument("--runs", type=int, default=3, help="Runs (median and range shown).")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.count, args.answered)))
        return
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--count",
                str(args.count),
                "--answered",
                str(args.answered),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{args.runs} runs; median [min–max]")
    print(
        f"invitations sent: {[r['invited'] for r in runs]}; reminded: {[r['reminded'] for r in runs]}"
        f"; bounced: {[r['bounced'] for r in runs]}"
    )
    print(_line(f"make and seal {args.count} codes", [r["seal_seconds"] for r in runs], "s"))
    print(_line(f"send {args.count} invitations", [r["invite_seconds"] for r in runs], "s"))
    print(_line(f"remind {args.count - args.answered}", [r["remind_seconds"] for r in runs], "s"))
    print(_line(f"read and match {BOUNCES} reports", [r["bounce_seconds"] for r in runs], "s"))
    print(_line("peak memory (Lustro's process)", [r["peak_mb"] for r in runs], "MB"))


if __name__ == "__main__":
    main()
