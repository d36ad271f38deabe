"""A server worker loads only what its requests need: respondents never pay for the report's
statistics (scipy, numpy) or its PDF engine (WeasyPrint), about 120 MB a worker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("scipy", "numpy", "weasyprint")

# Run in a fresh interpreter: this test process has imported everything already.
SCRIPT = """
import json, sys
sys.path.insert(0, "tests")
from survey import create_app
from survey.store.connection import open_db
from survey.store.migrations import migrate
from survey.store.rounds import create_round, open_round
from respondent_helpers import answer_everything, new_code

database = sys.argv[1]
db = open_db(database)
migrate(db)
round_id = create_round(db, "Lean", "sales-production", "Sprzedaż", "Produkcja")
open_round(db, round_id)
db.conn.close()
app = create_app({"TESTING": True, "DATABASE": database, "SECRET_KEY": "s", "INVITE_KEY": "k"})
client = app.test_client()
pages = [client.get("/").status_code]
sent = answer_everything(client, app, round_id, new_code(app, round_id))
pages.append(sent.status_code)
print(json.dumps({"pages": pages, "loaded": [m for m in sys.argv[2:] if m in sys.modules]}))
"""


def test_a_whole_survey_is_served_without_loading_the_report_libraries(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "survey.db"), *HEAVY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"SURVEY_INSTANCE": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["pages"] == [200, 200]  # the landing page and the thank-you page
    assert seen["loaded"] == []


def test_the_report_libraries_are_there_when_asked_for(tmp_path):
    """The check above could pass by naming modules that never load; this one shows that
    the same check sees them once the report is imported."""
    script = "import sys, reports.analysis, reports.pdf, weasyprint; print(*sorted(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert set(HEAVY) <= set(result.stdout.split())
