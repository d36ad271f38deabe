"""axe-core, the accessibility checker, run inside the real page.

`make test-setup` unpacks axe-core from the npm registry into .cache/axe-core/; the
`axe` fixture (conftest.py) checks the page a test has in front of it and remembers
which addresses were checked, so a test that visits a page without checking it fails.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

AXE_JS = Path(__file__).resolve().parents[2] / ".cache" / "axe-core" / "package" / "axe.min.js"


def page_key(url: str) -> str:
    """A visited page as the checker counts it: its path, without query or fragment."""
    return urlsplit(url).path or "/"


def violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern
        # (add_script_tag would be blocked by script-src 'self', rightly).
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def describe(found: list[dict]) -> str:
    return "\n".join(f"{v['id']}: {v['help']} at {v['targets']}" for v in found)
