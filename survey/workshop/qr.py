"""The join link and its QR code for the projector (inline SVG: no image request, no CSP
exception, sharp at any size)."""

from __future__ import annotations

import segno
from markupsafe import Markup

from ..public_address import public_url
from .store import Workshop


def join_url(workshop: Workshop) -> str:
    return f"{public_url()}/w/{workshop.join_code}"


def join_qr_svg(workshop: Workshop) -> Markup:
    url = join_url(workshop)
    svg = segno.make(url, error="m").svg_inline(
        scale=8, border=2, light="#fff", omitsize=True, svgclass="qr", title=url
    )
    return Markup(svg)
