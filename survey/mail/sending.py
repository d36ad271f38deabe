"""Sending through the mail server: one connection for a whole sending, a new one after a
failure, and each message tried up to ATTEMPTS times; an address the server refuses for
good (a 5xx answer) fails at once. What comes back is only which ids went and which not:
nothing here logs an address or a code."""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from email.message import Message

from ..store.errors import SurveyError
from .settings import MailSettings

# Why a connection could not be opened (mail_runs.stopped): each stops the whole sending,
# since every other message would meet the same refusal.
CERTIFICATE, LOGIN, TLS = "certificate", "login", "tls"


class MailRefused(SurveyError):
    """The mail server cannot be used as set up (its certificate, the login, TLS): the
    sending stops with this message, and nothing more is marked sent."""

    def __init__(self, stop: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.reason = stop  # mail_runs.stopped


ATTEMPTS = 3
RETRY_PAUSE = 1.0  # seconds before the second attempt, doubled before the third
CONNECTIONS = 4  # at once to the mail server: few enough for any server's per-client limit


class Connection:
    """An SMTP session opened on first use and again after any failure."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: Message, envelope_sender: str | None = None) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.send_message(message, from_addr=envelope_sender)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused):
            raise
        except Exception:
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        """A session, its certificate checked the default way (against the system's CAs,
        or MAIL_CA_FILE's): a refusal that every message would meet is raised as
        MailRefused, a passing one (the server busy, the network) as itself."""
        s = self.settings
        smtp: smtplib.SMTP | None = None
        opened = False
        step = "STARTTLS"  # what the server was asked for, when it says it does not offer it
        try:
            context = ssl.create_default_context(cafile=s.ca_file)
            if s.use_ssl:
                smtp = smtplib.SMTP_SSL(s.server, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
                if s.use_tls:
                    smtp.starttls(context=context)
            if s.username:
                step = "AUTH"
                smtp.login(s.username, s.password or "")
            opened = True
            return smtp
        except ssl.SSLCertVerificationError as exc:
            raise MailRefused(
                CERTIFICATE,
                "The mail server %(server)s showed a certificate that could not be verified "
                "(%(reason)s). Nothing more was sent. If the server's certificate is signed "
                "by your own authority, set MAIL_CA_FILE to its certificate.",
                server=s.server,
                reason=exc.verify_message or exc.reason or "no reason given",
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise MailRefused(
                LOGIN,
                "The mail server %(server)s refused the login of MAIL_USERNAME. Nothing more "
                "was sent: check the user name and the password.",
                server=s.server,
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise MailRefused(
                LOGIN if step == "AUTH" else TLS,
                "The mail server %(server)s does not offer %(what)s. Nothing more was sent: "
                "check MAIL_PORT, MAIL_USE_TLS, MAIL_USE_SSL and MAIL_USERNAME.",
                server=s.server,
                what=step,
            ) from exc
        except ssl.SSLError as exc:
            raise MailRefused(
                TLS,
                "The mail server %(server)s could not set up TLS (%(reason)s). Nothing more was "
                "sent: check MAIL_PORT, MAIL_USE_TLS and MAIL_USE_SSL.",
                server=s.server,
                reason=str(exc)[:120],
            ) from exc
        finally:
            if smtp is not None and not opened:
                smtp.close()  # the half-open session of a refusal

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except Exception:  # a broken session: nothing left to end politely
                pass
            self._smtp = None


def permanent(error: Exception) -> bool:
    """A refusal that another attempt will not change (a 5xx answer for the address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send_each(
    settings: MailSettings,
    messages: Iterable[tuple[int, Message, str | None]],
    done: Callable[[int, bool], None],
    pause: float = RETRY_PAUSE,
    connections: int = CONNECTIONS,
) -> None:
    """Send each (id, message, envelope sender or None) over a few connections at once (the mail server's answers
    take longer than making a message); call done(id, sent) after each one, one call at
    a time. The messages are taken in the order given."""
    lock = threading.Lock()
    source = iter(messages)
    errors: list[BaseException] = []

    def next_message() -> tuple[int, Message, str | None] | None:
        with lock:
            return next(source, None)

    def work() -> None:
        connection = Connection(settings)
        try:
            while not errors and (item := next_message()) is not None:
                sent = _send_one(connection, item[1], item[2], pause)
                with lock:
                    done(item[0], sent)
        except BaseException as error:  # raised again below, in the caller's thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, name="mail-send") for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]


def _send_one(
    connection: Connection, message: Message, envelope_sender: str | None, pause: float
) -> bool:
    for attempt in range(ATTEMPTS):
        try:
            connection.send(message, envelope_sender)
            return True
        except (smtplib.SMTPException, OSError) as error:
            if permanent(error) or attempt == ATTEMPTS - 1:
                return False
            time.sleep(pause * 2**attempt)
    return False
