"""Where a respondent's survey spends the server's CPU, measured in-process.

    .venv/bin/python bench/respondent_profile.py [--surveys 40] [--profile]
    .venv/bin/python bench/respondent_profile.py --submit-only [--runs 3] [--submits 200]

Walks whole surveys with the same generic form walker as bench/load.py, but through the
WSGI app in this process (no sockets), one respondent after another. Prints the app's CPU
time per complete survey (process time inside the WSGI call only, not the client's),
requests, SQL statements and connections opened per survey; with --profile, cProfile's
top functions inside the app, timed in CPU time (other processes on a shared machine
would blur wall-clock times).

With --submit-only: the app's CPU time and SQL statements per Send of respondents already
at the review page, beside the bare one-row insert of bench/bench_app.py (the yardstick of
bench/load.py's ratio), on the same app; the median [range] of --runs runs. It also times
each one's write transaction (BEGIN IMMEDIATE to COMMIT) and prints the floor: the ratio a
Send would reach if it did nothing but the bare request's work with its own transaction in
place of the bare one (no cookie, no CSRF check, no page).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import BARE_PATH, prepare  # noqa: E402
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


class TransactionClock:
    """CPU time inside the write transactions of a Send and of the bare insert."""

    def __init__(self) -> None:
        self.cpu = 0.0
        import bench.bench_app
        import survey.respond.answering

        self.modules = (bench.bench_app, survey.respond.answering)
        original = survey.respond.answering.write_transaction

        @contextmanager
        def timed(db):
            started = time.process_time()
            try:
                with original(db) as inside:
                    yield inside
            finally:
                self.cpu += time.process_time() - started

        for module in self.modules:
            module.write_transaction = timed


async def submit_only_run(
    meter: Meter, clock: TransactionClock, profiler, codes: list[str], args
) -> dict[str, float]:
    """One run: walk `args.submits` people to the review page (not counted), then Send
    each (profiled, when asked), then as many bare inserts from one warm client; CPU ms
    and statements per call."""
    people = []
    for i in range(args.submits):
        client = httpx.AsyncClient(transport=AppTransport(meter), base_url="http://127.0.0.1")
        person = Respondent(client, codes.pop(), random.Random(i), args)
        people.append((person, await person.walk_to_submit(Timings(), args.start)))
    timings = Timings()
    cpu, statements, in_transaction = meter.cpu, meter.statements, clock.cpu
    meter.profiler = profiler
    for person, form in people:
        await person.submit(timings, form)
    meter.profiler = None
    if timings.errors or timings.acknowledged != args.submits:
        raise RuntimeError(f"submits failed: {timings.errors[:3]}")
    submit = (meter.cpu - cpu, meter.statements - statements, clock.cpu - in_transaction)
    client = httpx.AsyncClient(transport=AppTransport(meter), base_url="http://127.0.0.1")
    await client.get(args.start)
    cpu, statements, in_transaction = meter.cpu, meter.statements, clock.cpu
    for _ in range(args.submits):
        if (await client.post(BARE_PATH)).status_code != 200:
            raise RuntimeError("the bare insert failed")
    bare = (meter.cpu - cpu, meter.statements - statements, clock.cpu - in_transaction)
    return {
        "submit ms": 1000 * submit[0] / args.submits,
        "bare ms": 1000 * bare[0] / args.submits,
        "ratio": bare[0] / submit[0],
        "submit statements": submit[1] / args.submits,
        "bare statements": bare[1] / args.submits,
        "submit transaction ms": 1000 * submit[2] / args.submits,
        "bare transaction ms": 1000 * bare[2] / args.submits,
        "floor ratio (transaction only)": bare[0] / (bare[0] - bare[2] + submit[2]),
    }


def submit_only(args) -> None:
    """Print in-process CPU per submit against the bare insert, median [range] of runs."""
    folder = Path(tempfile.mkdtemp(prefix="lustro-submit-"))
    _, codes = prepare(folder, 2 * args.runs * args.submits)  # never more than half full
    from bench.bench_app import create_bench_app

    app = create_bench_app()
    app.config["RATELIMIT_ENABLED"] = False
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    meter = Meter(app.wsgi_app, None)
    meter.count_sql(app)
    clock = TransactionClock()
    runs = [
        asyncio.run(submit_only_run(meter, clock, profiler, codes, args)) for _ in range(args.runs)
    ]
    for name in runs[0]:
        values = sorted(run[name] for run in runs)
        print(f"{name}: {statistics.median(values):.2f} [{values[0]:.2f}-{values[-1]:.2f}]")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=40, help="complete surveys to walk")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=30, help="functions to print")
    parser.add_argument(
        "--submit-only", action="store_true", help="CPU per Send against the bare insert"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of --submit-only")
    parser.add_argument("--submits", type=int, default=200, help="Sends a --submit-only run")
    add_walk_arguments(parser)
    args = parser.parse_args()
    if args.submit_only:
        submit_only(args)
        return
    folder = Path(tempfile.mkdtemp(prefix="lustro-profile-"))
    _, codes = prepare(folder, args.surveys + 5)
    from survey.app import create_app

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
