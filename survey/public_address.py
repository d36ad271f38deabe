"""The address people open Lustro at, for the links and QR codes on slips, in the codes
CSV and on the projector. PUBLIC_URL (instance/config.toml) when it is set; otherwise the
address the page was asked at, which is right when HR and the respondents reach the
server the same way, and which the pages that use it show, with how to set PUBLIC_URL.
A made-up default (127.0.0.1:5000) would print slips for a port the app may not run on."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import current_app, request

EXAMPLE = "https://survey.example.com"


def public_url_configured() -> bool:
    return bool(current_app.config.get("PUBLIC_URL"))


def public_url() -> str:
    """PUBLIC_URL, else the scheme, host and port this request came to (behind a proxy,
    as PROXY_FIX lets its headers say), without a trailing slash."""
    configured = current_app.config.get("PUBLIC_URL")
    return str(configured or request.url_root).rstrip("/")


def only_this_computer(url: str) -> bool:
    """A loopback address: phones and other computers cannot open it."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
