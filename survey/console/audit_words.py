"""The audit log's details in the reader's language: the store keeps figures (counts, a
side's name, a format), the labels live in survey.store.audit, and this words them."""

from __future__ import annotations

from flask_babel import gettext, ngettext

from ..store.audit import COMPARED, DETAILS, REPORTS, SETTINGS, Entry


def worded(entry: Entry) -> str:
    """An entry's details for the log page; a person's own words (a round's name, a reason
    for hiding) and entries written before figures were kept are shown as they are."""
    figures = entry.figures
    if figures is None:
        return entry.detail or ""
    if entry.action == "round.edit":
        return ", ".join(
            f"{gettext(SETTINGS[key]) if key in SETTINGS else key}: {old} → {new}"
            for key, old, new in figures.get("changes", [])
        )
    if entry.action == "report.download" and figures.get("report") in REPORTS:
        text = gettext(REPORTS[figures["report"]])
        compared = figures.get("compare")
        return f"{text}, {gettext(COMPARED, round=compared)}" if compared else text
    key = entry.action + (".cli" if figures.get("via") == "cli" else "")
    if key in DETAILS and isinstance(figures.get("num"), int):
        values = {name: value for name, value in figures.items() if name != "num"}
        return ngettext(*DETAILS[key], figures["num"], **values)
    return entry.detail or ""
