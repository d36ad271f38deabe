"""Load test: respondents doing the whole survey against the production server.

    .venv/bin/python bench/load.py [--levels 1,16,64] [--runs 3] [--seconds 20] [--workers N]

Starts gunicorn (the command line of `survey serve --prod`) on a fresh database in a
temporary folder, with one open round and enough invite codes, on 127.0.0.1 only. Each
simulated respondent has its own cookies and connection and walks the pages with a generic
form walker (bench/walker.py): enter the code, every page's form filled and sent, redirects
followed, up to the thank-you page.

Per run and concurrency level it prints complete surveys/s, request and submit p50/p95/p99,
errors, lost (acknowledged but not in the database), the server's CPU time per complete
survey (utime + stime of the gunicorn master and workers from /proc, before and after the
level) and the PSS of all server processes. Then, on the same server with the same client,
the submit request alone against a bare endpoint that only inserts one row, as a ratio.
The levels of the runs are interleaved; the summary gives medians with their range. The
machine may be shared, so the load average is printed too; CPU ms per survey is the figure
that other load disturbs least. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import cpu_seconds, family, pss_mb  # noqa: E402
from bench.walker import Respondent, Timings, add_walk_arguments  # noqa: E402
from survey.serving import THREADS, default_workers  # noqa: E402

BARE_PATH = "/_bench/insert"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path, codes_needed: int) -> tuple[int, list[str]]:
    """A fresh database with an open round, its codes and the bare table (not timed)."""
    os.environ["SURVEY_INSTANCE"] = str(folder / "instance")
    os.environ["SURVEY_DB"] = str(folder / "survey.db")
    from survey.app import create_app
    from survey.cli import initialise
    from survey.db import get_db
    from survey.store.invites import generate
    from survey.store.rounds import create_round, open_round

    app = create_app()
    with app.app_context():
        initialise()
        db = get_db()
        round_id = create_round(db, "Load test", "sales-production", "Sprzedaż", "Produkcja")
        open_round(db, round_id)
        half = codes_needed // 2 + 1
        codes = generate(db, round_id, "a", half, app.config["INVITE_KEY"])
        codes += generate(db, round_id, "b", half, app.config["INVITE_KEY"])
        db["bench_rows"].create({"id": int, "value": int}, pk="id")
    random.shuffle(codes)
    return round_id, codes


def stored(database: Path, round_id: int) -> int:
    """Responses of the round in the database, read with a separate connection."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        sql = "SELECT count(*) FROM responses WHERE round_id = ?"
        return conn.execute(sql, [round_id]).fetchone()[0]


def start_server(folder: Path, port: int, workers: int, threads: int = THREADS) -> subprocess.Popen:
    from survey.serving import production_command

    command = production_command(
        str(folder / "survey.db"),
        "127.0.0.1",
        port,
        workers,
        "bench.bench_app:create_bench_app()",
        threads,
    )
    server = subprocess.Popen(
        command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            ready = httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200
        except httpx.HTTPError:
            ready = False
        if ready and len(family(server.pid)) > workers:
            return server
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start: " + server.stderr.read().decode()[-2000:])


def new_client(base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)


async def run_level(base: str, users: int, codes: list[str], args, timings: Timings) -> float:
    """`users` respondents at once, each starting a new respondent when done, until the
    time or the codes run out. Returns the elapsed seconds."""
    deadline = time.monotonic() + args.seconds
    started = time.perf_counter()

    async def respondent(seed: int) -> None:
        rng = random.Random(seed)
        while codes and time.monotonic() < deadline:
            code = codes.pop()
            async with new_client(base) as client:
                person = Respondent(client, code, rng, args)
                try:
                    form = await person.walk_to_submit(timings, args.start)
                    await person.submit(timings, form)
                except (RuntimeError, httpx.HTTPError) as exc:
                    timings.errors.append(str(exc) or type(exc).__name__)

    await asyncio.gather(*(respondent(i) for i in range(users)))
    return time.perf_counter() - started


async def submit_vs_bare(
    base: str, users: int, codes: list[str], args
) -> tuple[float, float, int, int]:
    """Submits/s of respondents already at the review page, and bare inserts/s, the same
    number of each, `users` at a time, each from its own warm connection, alternating in
    slices of at least two waves (so a burst of other load on a shared machine falls on
    both sides alike)."""
    semaphore = asyncio.Semaphore(users)
    timings = Timings()
    people: list[tuple[Respondent, object]] = []
    clients = [new_client(base) for _ in range(2 * args.ratio_submits)]

    async def walk(client: httpx.AsyncClient, code: str) -> None:
        async with semaphore:
            person = Respondent(client, code, random.Random(code), args)
            people.append((person, await person.walk_to_submit(Timings(), args.start)))

    async def warm(client: httpx.AsyncClient) -> None:
        async with semaphore:
            await client.get(args.start)

    bare_errors = 0

    async def bare(client: httpx.AsyncClient) -> None:
        nonlocal bare_errors
        async with semaphore:
            if (await client.post(BARE_PATH)).status_code != 200:
                bare_errors += 1

    async def send(person: Respondent, form) -> None:
        async with semaphore:
            await person.submit(timings, form)

    try:
        half = args.ratio_submits
        await asyncio.gather(*(walk(c, codes.pop()) for c in clients[:half]))
        await asyncio.gather(*(warm(c) for c in clients[half:]))
        slices = max(1, half // (2 * users))
        submit_time = bare_time = 0.0
        for part in range(slices):
            started = time.perf_counter()
            await asyncio.gather(*(send(p, f) for p, f in people[part::slices]))
            submit_time += time.perf_counter() - started
            started = time.perf_counter()
            await asyncio.gather(*(bare(c) for c in clients[half + part :: slices]))
            bare_time += time.perf_counter() - started
        submit_rate, bare_rate = len(people) / submit_time, half / bare_time
    finally:
        for client in clients:
            await client.aclose()
    return submit_rate, bare_rate, len(timings.errors) + bare_errors, timings.acknowledged


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


LEVEL_COLUMNS = (
    ("surveys/s", "{:.2f}"),
    ("req p50", "{:.1f}"),
    ("req p95", "{:.1f}"),
    ("req p99", "{:.1f}"),
    ("subm p50", "{:.1f}"),
    ("subm p95", "{:.1f}"),
    ("subm p99", "{:.1f}"),
    ("errors", "{:.0f}"),
    ("lost", "{:.0f}"),
    ("CPU ms/survey", "{:.1f}"),
    ("PSS MB", "{:.0f}"),
)


def measure_level(base, users, codes, args, server, database, round_id) -> dict[str, float]:
    pids = family(server.pid)
    stored_before, cpu_before = stored(database, round_id), cpu_seconds(pids)
    timings = Timings()
    elapsed = asyncio.run(run_level(base, users, codes, args, timings))
    cpu = cpu_seconds(pids) - cpu_before
    lost = timings.acknowledged - (stored(database, round_id) - stored_before)
    done = timings.acknowledged
    ms = [1000 * x for x in timings.requests], [1000 * x for x in timings.submits]
    row = {"done": done, "surveys/s": done / elapsed}
    for label, values in zip(("req", "subm"), ms, strict=True):
        for share in (50, 95, 99):
            row[f"{label} p{share}"] = percentile(values, share / 100)
    row.update(
        errors=len(timings.errors),
        lost=lost,
        **{"CPU ms/survey": 1000 * cpu / done if done else float("nan")},
        **{"PSS MB": pss_mb(family(server.pid))},
    )
    for error in sorted(set(timings.errors))[:3]:
        print(f"      error: {error}")
    return row


def spread(values: list[float], fmt: str) -> str:
    """Median and range of the runs."""
    middle = fmt.format(statistics.median(values))
    if len(values) == 1:
        return middle
    return f"{middle} [{fmt.format(min(values))}–{fmt.format(max(values))}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,16,64", help="concurrent respondents per level")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs (medians of them)")
    parser.add_argument("--seconds", type=float, default=20, help="time per level and run")
    parser.add_argument("--max-per-level", type=int, default=300, help="respondents per level")
    parser.add_argument(
        "--ratio-submits", type=int, default=128, help="submits (and bare inserts) per ratio test"
    )
    parser.add_argument("--ratio-levels", default="16,64", help="concurrency of the ratio tests")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default cores + 1)")
    add_walk_arguments(parser)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    ratio_levels = [int(x) for x in args.ratio_levels.split(",") if x]
    workers = args.workers or default_workers()

    folder = Path(tempfile.mkdtemp(prefix="lustro-load-"))
    database = folder / "survey.db"
    per_run = len(levels) * args.max_per_level + len(ratio_levels) * args.ratio_submits
    round_id, codes = prepare(folder, args.runs * per_run + 20)
    port = free_port()
    server = start_server(folder, port, workers)
    base = f"http://127.0.0.1:{port}"
    results: dict[int, list[dict]] = {users: [] for users in levels}
    ratios: dict[int, list[tuple[float, float, float]]] = {users: [] for users in ratio_levels}
    try:
        idle = pss_mb(family(server.pid))
        print(
            f"server: gunicorn, {workers} workers x {THREADS} threads, SQLite rollback journal + "
            f"secure_delete, synchronous=FULL; {os.cpu_count()} cores shared with the load "
            f"client (and whatever else runs here); idle PSS {idle:.0f} MB"
        )
        warm = Timings()
        asyncio.run(run_level(base, workers, [codes.pop() for _ in range(10)], args, warm))
        print(
            f"after a warm-up of {warm.acknowledged} surveys: PSS {pss_mb(family(server.pid)):.0f} MB"
        )
        header = " ".join(f"{name:>13}" for name, _ in LEVEL_COLUMNS)
        for run in range(1, args.runs + 1):
            print(f"\nrun {run}   users  done {header}   load avg")
            for users in levels:
                load = os.getloadavg()[0]
                level_codes = [codes.pop() for _ in range(args.max_per_level)]
                row = measure_level(base, users, level_codes, args, server, database, round_id)
                results[users].append(row)
                cells = " ".join(f"{fmt.format(row[n]):>13}" for n, fmt in LEVEL_COLUMNS)
                print(f"{'':5} {users:>5} {row['done']:>5} {cells}   {load:.2f}")
            for users in ratio_levels:
                before = stored(database, round_id)
                submit, bare, errors, acknowledged = asyncio.run(
                    submit_vs_bare(base, users, codes, args)
                )
                lost = acknowledged - (stored(database, round_id) - before)
                ratios[users].append((submit, bare, submit / bare))
                print(
                    f"      submit alone vs bare insert, {users} at a time: {submit:.0f}/s vs "
                    f"{bare:.0f}/s, ratio {submit / bare:.2f}, errors {errors}, lost {lost}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    print(f"\nmedians of {args.runs} runs [range]:")
    for users in levels:
        rows = results[users]
        print(f"  {users} at a time:")
        for name, fmt in LEVEL_COLUMNS:
            print(f"    {name:<14} {spread([r[name] for r in rows], fmt)}")
    for users in ratio_levels:
        submit, bare, ratio = zip(*ratios[users], strict=True)
        print(
            f"  submit alone vs bare insert, {users} at a time: submit {spread(submit, '{:.0f}')}/s, "
            f"bare {spread(bare, '{:.0f}')}/s, ratio {spread(ratio, '{:.2f}')}"
        )
    lost = sum(r["lost"] for rows in results.values() for r in rows)
    print(f"lost in all levels: {lost:.0f}")
    if lost:
        raise SystemExit("MISMATCH: acknowledged submissions and stored responses differ")


if __name__ == "__main__":
    main()
