"""Phones' requests leave no line in the development server's log (guesses happen at
moments people in the room can see); the facilitator's console requests do."""

from __future__ import annotations

import logging

from survey.serving import AnonymousRequestHandler


def test_the_development_server_logs_no_phone_request(caplog):
    handler = object.__new__(AnonymousRequestHandler)  # only its logging is under test
    caplog.set_level(logging.INFO, logger="lustro.http")
    for command, path in [
        ("GET", "/w"),
        ("GET", "/w/ACDEFH"),
        ("POST", "/w/ACDEFH/side"),
        ("POST", "/w/ACDEFH/guess"),
        ("POST", "/w/ACDEFH/dots"),
        ("GET", "/w/ACDEFH/state.json?x=1"),
        ("GET", "/console/workshops/1"),
    ]:
        handler.command, handler.path = command, path
        handler.log_request(200)
    assert [r.getMessage() for r in caplog.records] == ["GET /console/workshops/1 200"]
