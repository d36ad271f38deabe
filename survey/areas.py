"""The parts of the site, told apart by path: each has its own error pages and languages."""

from __future__ import annotations


def area(path: str) -> str:
    """The part of the site a path belongs to: its error pages have that part's layout,
    only console paths are ever logged (a respondent's or a phone's can carry a code), and
    only the console speaks no more than the staff languages."""
    if path == "/console" or path.startswith("/console/"):
        return "console"  # the workshop's presenter pages too (/console/workshops/)
    if path == "/w" or path.startswith("/w/"):
        return "workshop"  # the participants' phones
    return "respond"
