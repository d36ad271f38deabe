"""Property-based tests: arbitrary form posts at the respondent pages. Never a 500,
never a partial write, and a refused post keeps nothing from it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from respondent_helpers import browser_state, csrf_token, new_code

from survey.store.connection import open_db
from survey.store.rounds import create_round, open_round
from survey.store.slots import COMMENT_BYTES

FIELD_NAMES = st.one_of(
    st.sampled_from(
        [
            "information.timely.self", "information.timely.other", "information.timely.meta",
            "information.accurate.self", "understanding.limits.self", "harder", "need",
            "better", "back", "next", "code", "side", "round_id",
        ]
    ),
    st.text(max_size=25),
)  # fmt: skip
FIELD_VALUES = st.one_of(
    st.sampled_from(["1", "3", "5", "dk", "0", "6", "-1", "4.5", "", "NaN", "x" * 2001]),
    st.text(max_size=60),
)
POSTS = st.lists(
    st.tuples(
        st.sampled_from(
            ["/page/1", "/page/2", "/page/11", "/page/99", "/comments", "/submit", "/code"]
        ),
        st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=8),
        st.booleans(),  # with a valid CSRF token or not
    ),
    min_size=1,
    max_size=5,
)
EXAMPLES = 120


def _invariants(database: str) -> None:
    db = open_db(database)
    try:
        responses = db.execute("SELECT count(*) FROM responses").fetchone()[0]
        spent = db.execute("SELECT count(*) FROM invites WHERE spent = 1").fetchone()[0]
        assert responses == spent  # a response exactly when a code is spent
        bad_answers = db.execute(
            "SELECT count(*) FROM answers WHERE value IS NOT NULL AND value NOT BETWEEN 1 AND 5"
        ).fetchone()[0]
        assert bad_answers == 0
        assert "drafts" not in db.table_names()  # nothing of a started survey on the server
    finally:
        db.conn.close()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(posts=POSTS)
def test_arbitrary_posts_never_crash_and_never_store_bad_values(app, posts):
    app.config["RATELIMIT_ENABLED"] = False
    database = app.config["DATABASE"]
    db = open_db(database)
    round_id = create_round(db, "Fuzz", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    db.conn.close()
    client = app.test_client()
    client.get(f"/r/{new_code(app, round_id)}")
    for url, data, with_token in posts:
        page = client.get(url if url != "/submit" else "/review")
        if with_token and page.status_code == 200 and "csrf_token" in page.get_data(as_text=True):
            data = {**data, "csrf_token": csrf_token(page.get_data(as_text=True))}
        answer = client.post(url, data=data)
        assert answer.status_code < 500, (url, data, answer.status_code)
        body = answer.get_data(as_text=True)
        assert "Traceback" not in body
    _invariants(database)
    state = browser_state(client, app)
    for value in state.answers.values() if state else ():
        assert value is None or (isinstance(value, int) and 1 <= value <= 5)
    for text in state.comments.values() if state else ():
        assert len(text.encode()) <= COMMENT_BYTES
