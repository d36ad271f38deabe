"""Where a respondent's survey spends the server's CPU, measured in-process.

    .venv/bin/python bench/respondent_profile.py [--surveys 40] [--profile]

Walks whole surveys with the same generic form walker as bench/load.py, but through the
WSGI app in this process (no sockets), one respondent after another. Prints the app's CPU
time per complete survey (process time inside the WSGI call only, not the client's),
requests, SQL statements and connections opened per survey; with --profile, cProfile's
top functions inside the app, timed in CPU time (other processes on a shared machine
would blur wall-clock times).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import prepare  # noqa: E402
from bench.walker import Respondent, Timings, add_walk_arguments  # noqa: E402


class AppTransport(httpx.AsyncBaseTransport):
    """httpx's WSGI transport behind the async interface the walker uses."""

    def __init__(self, app) -> None:
        self.wsgi = httpx.WSGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = self.wsgi.handle_request(request)
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.read()
        )


class Meter:
    """CPU time spent inside the app, and the SQL it ran."""

    def __init__(self, app, profiler: cProfile.Profile | None) -> None:
        self.app, self.profiler = app, profiler
        self.cpu = 0.0
        self.statements = 0
        self.connections = 0

    def __call__(self, environ, start_response):
        started = time.process_time()
        if self.profiler:
            self.profiler.enable()
        try:
            return list(self.app(environ, start_response))
        finally:
            if self.profiler:
                self.profiler.disable()
            self.cpu += time.process_time() - started

    def count_sql(self, app) -> None:
        """Count statements, and connections opened, by wrapping sqlite3.connect (and
        tracing the connection this thread may hold already)."""
        connect = sqlite3.connect

        def trace(conn: sqlite3.Connection) -> sqlite3.Connection:
            conn.set_trace_callback(lambda _sql: setattr(self, "statements", self.statements + 1))
            return conn

        def counted(*args, **kwargs):
            self.connections += 1
            return trace(connect(*args, **kwargs))

        sqlite3.connect = counted
        with app.app_context():
            from survey.db import get_db

            trace(get_db().conn)


async def walk(app_wsgi, codes: list[str], args) -> Timings:
    timings = Timings()
    rng = random.Random(1)
    for code in codes:
        transport = AppTransport(app_wsgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            person = Respondent(client, code, rng, args)
            form = await person.walk_to_submit(timings, args.start)
            await person.submit(timings, form)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=40, help="complete surveys to walk")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=30, help="functions to print")
    add_walk_arguments(parser)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lustro-profile-"))
    _, codes = prepare(folder, args.surveys + 5)
    from survey import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    meter = Meter(app.wsgi_app, profiler)
    meter.count_sql(app)
    asyncio.run(walk(app.wsgi_app, [codes.pop() for _ in range(3)], args))  # warm up
    meter.statements = meter.connections = 0
    app.wsgi_app = meter
    timings = asyncio.run(walk(app, [codes.pop() for _ in range(args.surveys)], args))
    done = timings.acknowledged
    print(
        f"{done} surveys ({len(timings.errors)} errors): app CPU {1000 * meter.cpu / done:.1f} ms "
        f"per survey; {len(timings.requests) / done:.0f} requests, "
        f"{meter.statements / done:.0f} SQL statements, {meter.connections / done:.0f} "
        f"connections opened per survey; pid {os.getpid()}"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
