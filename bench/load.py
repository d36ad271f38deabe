"""Load test: respondents doing the real survey flow against the production server.

    python bench/load.py [--levels 1,16,64,200] [--seconds 40] [--workers N]

Starts gunicorn (as `survey serve --prod` does) on a fresh database in a temporary
folder, with one open round and enough invite codes, on 127.0.0.1 only. Each simulated
respondent enters a code, opens the welcome page, answers every question page, the open
questions, the review, and submits, with CSRF tokens, like a browser.

Per concurrency level it prints: completed submissions/s, p50/p95/p99 latency of the
submit request, and errors. For scale it then measures, with the same server, the
submit request alone against a bare endpoint that only inserts one row with
sqlite-utils, and prints the ratio. At the end: responses in the database vs
submissions acknowledged (they must be equal). Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RADIO = re.compile(r'name="([a-z0-9_-]+\.[a-z0-9_-]+\.(?:self|other|meta))" type="radio"')
TEXTAREA = re.compile(r'<textarea[^>]*name="([a-z0-9_-]+)"')
PAGE_LINK = re.compile(r"/page/(\d+)$")
CHOICES = ["1", "2", "3", "4", "5", "dk"]


@dataclass
class Tally:
    submit_latencies: list[float] = field(default_factory=list)
    acknowledged: int = 0
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path, codes_needed: int) -> tuple[int, list[str]]:
    """A fresh database with an open round and its codes (not timed)."""
    os.environ["SURVEY_INSTANCE"] = str(folder / "instance")
    os.environ["SURVEY_DB"] = str(folder / "survey.db")
    from survey import create_app
    from survey.cli import initialise
    from survey.db import get_db
    from survey.invites import generate
    from survey.rounds import create_round, open_round

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


def start_server(folder: Path, port: int, workers: int | None) -> subprocess.Popen:
    from survey.serving import production_command

    command = production_command(
        str(folder / "survey.db"), "127.0.0.1", port, workers, "bench.bench_app:create_bench_app()"
    )
    server = subprocess.Popen(
        command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start: " + server.stderr.read().decode()[-2000:])


def token(html: str) -> str:
    match = TOKEN.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


async def walk_to_review(client: httpx.AsyncClient, code: str, rng: random.Random) -> str:
    """Enter the code and answer every page; return the review page's token."""
    landing = await client.get("/")
    entered = await client.post("/code", data={"code": code, "csrf_token": token(landing.text)})
    if entered.status_code != 302:
        raise RuntimeError(f"code entry answered {entered.status_code}")
    await client.get("/welcome")
    page = 1
    while True:
        form = await client.get(f"/page/{page}")
        if form.status_code != 200:
            raise RuntimeError(f"page {page} answered {form.status_code}")
        data = {name: rng.choice(CHOICES) for name in set(RADIO.findall(form.text))}
        data["csrf_token"] = token(form.text)
        sent = await client.post(f"/page/{page}", data=data)
        if sent.status_code != 302:
            raise RuntimeError(f"page {page} post answered {sent.status_code}")
        following = PAGE_LINK.search(sent.headers["location"])
        if not following:
            break
        page = int(following.group(1))
    comments = await client.get("/comments")
    data = {name: "Więcej rozmów, mniej maili." for name in TEXTAREA.findall(comments.text)}
    data["csrf_token"] = token(comments.text)
    await client.post("/comments", data=data)
    review = await client.get("/review")
    return token(review.text)


async def submit(client: httpx.AsyncClient, review_token: str, tally: Tally) -> None:
    started = time.perf_counter()
    answer = await client.post("/submit", data={"csrf_token": review_token})
    tally.submit_latencies.append(time.perf_counter() - started)
    if answer.status_code == 302 and answer.headers["location"].endswith("/thanks"):
        tally.acknowledged += 1
    else:
        tally.errors.append(f"submit answered {answer.status_code}")


def new_client(base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)


async def run_level(base: str, users: int, codes: list[str], seconds: float, tally: Tally) -> float:
    """`users` respondents at once, each starting a new respondent when done, until the
    time or the codes run out. Returns the elapsed seconds."""
    deadline = time.monotonic() + seconds
    started = time.perf_counter()

    async def respondent(seed: int) -> None:
        rng = random.Random(seed)
        while codes and time.monotonic() < deadline:
            code = codes.pop()
            async with new_client(base) as client:
                try:
                    review_token = await walk_to_review(client, code, rng)
                    await submit(client, review_token, tally)
                except (RuntimeError, httpx.HTTPError) as exc:
                    tally.errors.append(str(exc) or type(exc).__name__)

    await asyncio.gather(*(respondent(i) for i in range(users)))
    return time.perf_counter() - started


async def submits_only(base: str, users: int, count: int, codes: list[str], tally: Tally) -> float:
    """Walk `count` respondents to the review page first (not timed), then send all their
    submits, `users` at a time. Returns submits per second."""
    clients, tokens = [], []
    semaphore = asyncio.Semaphore(users)

    async def walk(code: str) -> None:
        async with semaphore:
            client = new_client(base)
            tokens.append((client, await walk_to_review(client, code, random.Random(code))))

    await asyncio.gather(*(walk(codes.pop()) for _ in range(count)))
    clients = [client for client, _ in tokens]

    async def send(client, review_token) -> None:
        async with semaphore:
            await submit(client, review_token, tally)

    started = time.perf_counter()
    await asyncio.gather(*(send(client, t) for client, t in tokens))
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.aclose()
    return count / elapsed


async def bare_inserts(base: str, users: int, count: int) -> float:
    semaphore = asyncio.Semaphore(users)
    errors = 0

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def one() -> None:
            nonlocal errors
            async with semaphore:
                if (await client.post("/_bench/insert")).status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(count)))
        elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"the bare endpoint failed {errors} times")
    return count / elapsed


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,16,64,200", help="concurrent users per level")
    parser.add_argument("--seconds", type=float, default=30, help="time per level")
    parser.add_argument(
        "--max-per-level", type=int, default=400, help="respondents per level at most"
    )
    parser.add_argument("--ratio-submits", type=int, default=128, help="submits in the ratio test")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 × cores + 1)")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    folder = Path(tempfile.mkdtemp(prefix="lustro-load-"))
    needed = len(levels) * args.max_per_level + 2 * args.ratio_submits
    round_id, codes = prepare(folder, needed)
    port = free_port()
    server = start_server(folder, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    tallies = []
    try:
        print(
            f"server: gunicorn, {args.workers or (os.cpu_count() or 1) * 2 + 1} workers x 4 threads, "
            f"SQLite rollback journal + secure_delete, synchronous=FULL; {os.cpu_count()} cores"
        )
        print(
            f"{'users':>5} {'done':>5} {'subm/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
        )
        for users in levels:
            tally = Tally()
            level_codes = [codes.pop() for _ in range(min(args.max_per_level, len(codes)))]
            elapsed = asyncio.run(run_level(base, users, level_codes, args.seconds, tally))
            tallies.append(tally)
            lat = tally.submit_latencies
            print(
                f"{users:>5} {tally.acknowledged:>5} {tally.acknowledged / elapsed:>7.1f} "
                f"{percentile(lat, 0.5) * 1000:>7.1f} {percentile(lat, 0.95) * 1000:>7.1f} "
                f"{percentile(lat, 0.99) * 1000:>7.1f} {len(tally.errors):>6}"
            )
            for error in sorted(set(tally.errors))[:5]:
                print(f"      error: {error}")

        print("\nsubmit alone vs a bare one-row insert (same server, same concurrency):")
        for users in (16, 64):
            tally = Tally()
            submit_rate = asyncio.run(
                submits_only(base, users, args.ratio_submits // 2, codes, tally)
            )
            tallies.append(tally)
            bare_rate = asyncio.run(bare_inserts(base, users, args.ratio_submits // 2 * 4))
            print(
                f"  {users:>3} users: submit {submit_rate:7.1f}/s, bare insert {bare_rate:7.1f}/s, "
                f"ratio {submit_rate / bare_rate:.2f}, submit errors {len(tally.errors)}"
            )
    finally:
        server.terminate()
        server.wait(timeout=15)

    acknowledged = sum(t.acknowledged for t in tallies)
    stored = (
        sqlite3.connect(folder / "survey.db")
        .execute("SELECT count(*) FROM responses WHERE round_id = ?", [round_id])
        .fetchone()[0]
    )
    errors = sum(len(t.errors) for t in tallies)
    print(
        f"\nacknowledged {acknowledged}, in the database {stored}, lost {acknowledged - stored}, "
        f"errors {errors}"
    )
    if stored != acknowledged:
        raise SystemExit("MISMATCH: acknowledged submissions and stored responses differ")


if __name__ == "__main__":
    main()
