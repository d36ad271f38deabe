import pytest

from survey.store import invites
from survey.store.errors import InvalidInput

KEY = "k" * 32


def test_codes_are_grouped_typeable_and_unique():
    codes = {invites.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert set(code.replace("-", "")) <= set(invites.ALPHABET)


@pytest.mark.parametrize(
    "typed", ["abcd-efgh-jkmn", "ABCDEFGHJKMN", " abcd efgh jkmn ", "AbCd-EfGh-JkMn"]
)
def test_entry_ignores_case_spaces_and_dashes(typed):
    assert invites.normalise(typed) == "ABCD-EFGH-JKMN"


@pytest.mark.parametrize(
    "typed", ["", "ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JK0N", "<script>"]
)
def test_entry_that_cannot_be_a_code_is_refused(typed):
    assert invites.normalise(typed) is None


def test_hash_is_keyed():
    code = "ABCD-EFGH-JKMN"
    assert invites.code_hash(code, KEY) != invites.code_hash(code, "other-key")
    assert code not in invites.code_hash(code, KEY)


def test_only_hashes_are_stored_and_each_code_works_once(db, open_round_id):
    codes = invites.generate(db, open_round_id, "a", 3, KEY)
    stored = [row["code_hash"] for row in db["invites"].rows]
    assert not any(code.replace("-", "") in " ".join(stored) for code in codes)
    invite = invites.find(db, codes[0].lower(), KEY)
    assert invite.round_id == open_round_id and invite.side == "a" and not invite.spent
    assert invites.spend_code(db, codes[0], KEY) == invite  # spent now, as it was before
    assert invites.spend_code(db, codes[0], KEY) is None  # a second time: nothing to spend
    assert invites.find(db, codes[0], KEY).spent
    assert invites.issued_counts(db, open_round_id) == {"a": 3, "b": 0}


def test_unknown_code_is_not_found(db, open_round_id):
    invites.generate(db, open_round_id, "b", 2, KEY)
    assert invites.find(db, invites.new_code(), KEY) is None


@pytest.mark.parametrize("side,count", [("c", 1), ("a", 0), ("a", 5001)])
def test_bad_generation_requests_are_refused(db, open_round_id, side, count):
    with pytest.raises(InvalidInput):
        invites.generate(db, open_round_id, side, count, KEY)
    assert db["invites"].count == 0
