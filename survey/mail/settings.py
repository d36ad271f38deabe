"""The mail server's settings: MAIL_* in instance/config.toml or SURVEY_MAIL_* variables;
the password only from SURVEY_MAIL_PASSWORD or a file only its owner can read
(MAIL_PASSWORD_FILE), never from config.toml, which backups and copies carry along."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..store.errors import InvalidInput
from ..store.mailing import ADDRESS as _ADDRESS

PASSWORD_VARIABLE = "SURVEY_MAIL_PASSWORD"


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    use_tls: bool
    use_ssl: bool
    username: str | None
    password: str | None = None
    sender: str = ""
    timeout: float = 30.0
    ca_file: str | None = None  # MAIL_CA_FILE: certificates to trust besides the system's
    bounce_address: str | None = None  # MAIL_BOUNCE_ADDRESS: where delivery reports go

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"MailSettings(server={self.server!r}, port={self.port}, sender={self.sender!r})"


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def settings_from(config: Mapping[str, Any], file_config: Mapping[str, Any]) -> MailSettings:
    """The settings from the app's config; `file_config` is config.toml as written, to
    refuse a password kept there."""
    if "MAIL_PASSWORD" in file_config:
        raise InvalidInput(
            "MAIL_PASSWORD must not be in config.toml: set SURVEY_MAIL_PASSWORD or "
            "MAIL_PASSWORD_FILE (a file only its owner can read)."
        )
    server = config.get("MAIL_SERVER")
    sender = config.get("MAIL_DEFAULT_SENDER")
    if not server or not sender:
        raise InvalidInput(
            "Mail is not set up: set MAIL_SERVER and MAIL_DEFAULT_SENDER "
            "(config.toml or SURVEY_MAIL_*)."
        )
    use_ssl = _flag(config.get("MAIL_USE_SSL", False))
    use_tls = _flag(config.get("MAIL_USE_TLS", False))
    if use_ssl and use_tls:
        raise InvalidInput("Set MAIL_USE_TLS or MAIL_USE_SSL, not both.")
    port = int(config.get("MAIL_PORT") or (465 if use_ssl else 587 if use_tls else 25))
    ca_file = config.get("MAIL_CA_FILE") or None
    if ca_file and not Path(ca_file).is_file():
        raise InvalidInput(f"MAIL_CA_FILE {ca_file} is not a file of certificates.")
    bounce = config.get("MAIL_BOUNCE_ADDRESS") or None
    if bounce and not _ADDRESS.fullmatch(str(bounce)):
        raise InvalidInput(f"MAIL_BOUNCE_ADDRESS {bounce} is not an e-mail address.")
    return MailSettings(
        server=str(server),
        port=port,
        use_tls=use_tls,
        use_ssl=use_ssl,
        username=config.get("MAIL_USERNAME") or None,
        password=_password(config),
        sender=str(sender),
        ca_file=str(ca_file) if ca_file else None,
        bounce_address=str(bounce) if bounce else None,
    )


def _password(config: Mapping[str, Any]) -> str | None:
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    name = config.get("MAIL_PASSWORD_FILE")
    if not name:
        return None
    path = Path(name)
    try:
        info = path.stat()
    except OSError as exc:
        raise InvalidInput(f"MAIL_PASSWORD_FILE {path} cannot be read.") from exc
    if info.st_mode & 0o077 or info.st_uid != os.geteuid():
        raise InvalidInput(
            f"MAIL_PASSWORD_FILE {path} must be readable by its owner only "
            f"(chmod 600 {path}), and owned by the user running Lustro."
        )
    return path.read_text(encoding="utf-8").strip()
