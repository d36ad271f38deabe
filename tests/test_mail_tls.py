"""Issue 22: MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL against a real SMTP server (aiosmtpd)
whose certificate is signed by a CA made here; the client checks the certificate the
default way (trusting the CA through MAIL_CA_FILE), refuses a wrong one with a clear
message and marks nothing sent, and logs in with MAIL_USERNAME and a password from the
environment or an owner-only file."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from mail_server import PUBLIC_URL, SENDER, Inbox, code_of, free_port

from survey.store import invites, mailing
from survey.store.connection import open_db

PEOPLE = [f"osoba{n}@firma.example" for n in range(1, 5)]
USER, PASSWORD = "ankieta", "tajne-haslo-123"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(folder: Path, name: str):
    """A self-signed certificate authority: (its key, its certificate, the PEM file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = folder / f"{name}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, pem


def server_context(folder: Path, ca, host: str) -> ssl.SSLContext:
    """The server's TLS context: a certificate for `host` signed by `ca`."""
    ca_key, ca_cert, _ = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    names: list[x509.GeneralName] = [x509.DNSName(host)]
    if host == "127.0.0.1":
        names.append(x509.IPAddress(ipaddress.ip_address(host)))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{host}.crt", folder / f"{host}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


class TlsInbox(Inbox):
    """An Inbox that also notes whether each message came over TLS, after a login."""

    def __init__(self) -> None:
        super().__init__()
        self.secure: list[bool] = []
        self.logged_in: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        self.secure.append(server.transport.get_extra_info("ssl_object") is not None)
        self.logged_in.append(session.authenticated)  # with USER and PASSWORD: check_login
        return await super().handle_DATA(server, session, envelope)


def check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def ca(tmp_path):
    return make_ca(tmp_path, "lustro-test-ca")


def serve(
    monkeypatch, context: ssl.SSLContext, mode: str, ca_file: Path
) -> tuple[TlsInbox, Controller]:
    """A server with STARTTLS (mode "tls", TLS required before anything) or implicit TLS
    (mode "ssl"), checking the login (required before mail with STARTTLS); the app's
    SURVEY_MAIL_* point at it, trusting the CA in `ca_file`."""
    box = TlsInbox()
    port = free_port()
    if mode == "ssl":  # aiosmtpd's auth_require_tls knows STARTTLS only: here all is TLS
        controller = Controller(
            box,
            hostname="127.0.0.1",
            port=port,
            ssl_context=context,
            authenticator=check_login,
            auth_require_tls=False,
        )
    else:
        controller = Controller(
            box,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            authenticator=check_login,
            auth_required=True,
            auth_require_tls=True,
        )
    controller.start()
    monkeypatch.setenv("SURVEY_MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("SURVEY_MAIL_PORT", str(port))
    monkeypatch.setenv("SURVEY_MAIL_DEFAULT_SENDER", SENDER)
    monkeypatch.setenv("SURVEY_MAIL_USERNAME", USER)
    monkeypatch.setenv(f"SURVEY_MAIL_USE_{mode.upper()}", "true")
    monkeypatch.setenv("SURVEY_MAIL_CA_FILE", str(ca_file))
    monkeypatch.setenv("SURVEY_INVITE_KEY", "test-invite-key")
    monkeypatch.setenv("SURVEY_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setattr("survey.mail.sending.RETRY_PAUSE", 0.01)
    return box, controller


def invite(run_cli, tmp_path, round_id, controller: Controller):
    """`survey mail invite` for PEOPLE through the server, which is stopped after."""
    people = tmp_path / "people.txt"
    people.write_text("\n".join(PEOPLE) + "\n", encoding="utf-8")
    try:
        return run_cli("mail", "invite", str(round_id), "--side", "a", str(people))
    finally:
        controller.stop()


def nothing_marked_sent(db_path, round_id) -> bool:
    db = open_db(db_path)
    try:
        return mailing.counts(db, round_id)["sent"] == 0
    finally:
        db.conn.close()


def test_starttls_with_a_verified_certificate_and_a_login_from_the_environment(
    run_cli, tmp_path, monkeypatch, ca, open_round_id
):
    box, controller = serve(monkeypatch, server_context(tmp_path, ca, "127.0.0.1"), "tls", ca[2])
    monkeypatch.setenv("SURVEY_MAIL_PASSWORD", PASSWORD)
    result = invite(run_cli, tmp_path, open_round_id, controller)
    assert result.exit_code == 0, result.output
    assert "Invitations: 4 sent, 0 failed." in result.output and PASSWORD not in result.output
    assert sorted(m["To"] for m in box.messages) == sorted(PEOPLE)
    assert box.secure == [True] * 4 and box.logged_in == [True] * 4  # over TLS, logged in
    assert all(code_of(m) for m in box.messages)


def test_ssl_with_a_verified_certificate_and_a_password_from_an_owner_only_file(
    run_cli, tmp_path, monkeypatch, ca, open_round_id
):
    box, controller = serve(monkeypatch, server_context(tmp_path, ca, "127.0.0.1"), "ssl", ca[2])
    secret = tmp_path / "mail-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    monkeypatch.setenv("SURVEY_MAIL_PASSWORD_FILE", str(secret))
    monkeypatch.delenv("SURVEY_MAIL_PASSWORD", raising=False)
    result = invite(run_cli, tmp_path, open_round_id, controller)
    assert result.exit_code == 0, result.output
    assert "Invitations: 4 sent, 0 failed." in result.output
    assert box.secure == [True] * 4 and box.logged_in == [True] * 4


@pytest.mark.parametrize("mode", ["tls", "ssl"])
@pytest.mark.parametrize("wrong", ["untrusted authority", "another host's name"])
def test_a_wrong_certificate_is_refused_clearly_and_nothing_is_marked_sent(
    run_cli, tmp_path, monkeypatch, ca, open_round_id, db_path, mode, wrong
):
    if wrong == "untrusted authority":  # signed by a CA the client was not told to trust
        context = server_context(tmp_path, make_ca(tmp_path, "stranger-ca"), "127.0.0.1")
    else:  # the trusted CA, but for a name that is not the server's
        context = server_context(tmp_path, ca, "mail.elsewhere.example")
    box, controller = serve(monkeypatch, context, mode, ca[2])
    monkeypatch.setenv("SURVEY_MAIL_PASSWORD", PASSWORD)
    result = invite(run_cli, tmp_path, open_round_id, controller)
    assert result.exit_code == 1
    assert "showed a certificate that could not be verified" in result.output
    assert "Nothing more was sent" in result.output and PASSWORD not in result.output
    assert box.messages == [] and nothing_marked_sent(db_path, open_round_id)
    db = open_db(db_path)
    assert invites.issued_counts(db, open_round_id)["a"] == 4  # kept, to send once fixed
    assert mailing.counts(db, open_round_id)["pending"] == 4
    db.conn.close()


def test_a_wrong_password_over_tls_is_refused_clearly_and_nothing_is_marked_sent(
    run_cli, tmp_path, monkeypatch, ca, open_round_id, db_path
):
    box, controller = serve(monkeypatch, server_context(tmp_path, ca, "127.0.0.1"), "tls", ca[2])
    monkeypatch.setenv("SURVEY_MAIL_PASSWORD", "not-the-password")
    result = invite(run_cli, tmp_path, open_round_id, controller)
    assert result.exit_code == 1
    assert "refused the login of MAIL_USERNAME" in result.output
    assert "not-the-password" not in result.output
    assert box.messages == [] and nothing_marked_sent(db_path, open_round_id)
