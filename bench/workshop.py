"""Load test of the workshop: 100 phones guessing and polling while the projector polls.

    python bench/workshop.py [--phones 100] [--runs 3] [--window 2.0]

Starts `survey serve --prod` (gunicorn, cores + 1 workers) on 127.0.0.1 with a fresh
database holding a closed demo round. Per run: a new workshop on its first dimension;
every phone joins with its own cookies (join page, side, guess page, each with its CSRF
token, as a browser without JavaScript would), then polls the state JSON every two
seconds (as the phone script does), and sends its guess at a random moment
within the window. The projector, logged in to the console as a facilitator (the state
JSON answers only joined phones and console logins), polls it every 250 ms, as its script
does.

Per run it prints: guesses acknowledged, counted in the database and seen on the projector
(lost = acknowledged − counted), and the latency from sending a guess to the projector
seeing it: the end of the first projector poll that started after the guess was
acknowledged (an upper bound: a poll that started earlier may already have counted it).
At the end: medians of the runs with their range. The load generator's own CPU time and
the machine's load average are printed too: the phones share the cores with the server. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import free_port  # noqa: E402  (the survey load test's helpers)
from bench.walker import token  # noqa: E402

PROJECTOR_EVERY = 0.25
FACILITATOR = ("bench@lustro.example", "bench facilitator password")
PHONE_EVERY = 2.0  # as survey/static/workshop-phone.js
RUN_DEADLINE = 60.0


@dataclass
class Run:
    sent: dict[int, float] = field(default_factory=dict)
    acked: dict[int, float] = field(default_factory=dict)
    polls: list[tuple[float, float, int]] = field(default_factory=list)  # start, end, count
    phone_polls: int = 0
    joined: int = 0  # phones holding their guess page (or given up on joining)
    errors: list[str] = field(default_factory=list)


def prepare(folder: Path) -> int:
    """A fresh database with a closed demo round (not timed); returns the round's id."""
    os.environ["SURVEY_INSTANCE"] = str(folder / "instance")
    os.environ["SURVEY_DB"] = str(folder / "survey.db")
    from survey.app import create_app
    from survey.cli import initialise
    from survey.db import get_db
    from survey.demo import create_demo
    from survey.store.accounts import add_user

    app = create_app()
    with app.app_context():
        initialise()
        round_id = create_demo(get_db(), respondents=12)[-1]
        email, password = FACILITATOR
        add_user(get_db(), email, "facilitator", password)
        return round_id


def new_workshop(folder: Path, round_id: int, analysis: dict) -> tuple[str, str]:
    """A workshop on its first dimension; returns (join code, dimension)."""
    from survey.store.connection import open_db
    from survey.workshop import store

    db = open_db(folder / "survey.db")
    workshop = store.create_workshop(db, round_id, "2h", ["information", "respect"], analysis)
    store.set_step(db, workshop, 1, 6)
    db.conn.close()
    return workshop.join_code, "information"


def counted(folder: Path, code: str) -> int:
    from survey.store.connection import open_db

    db = open_db(folder / "survey.db")
    (total,) = db.execute(
        """SELECT coalesce(sum(CAST(count AS INTEGER)), 0) FROM workshop_guesses
           WHERE workshop_id = (SELECT id FROM workshops WHERE join_code = ?)""",
        [code],
    ).fetchone()
    db.conn.close()
    return total


def start_server(folder: Path, port: int) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "survey"), "serve", "--prod", "--port", str(port)]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, stopped as one at the end
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/w", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise SystemExit("the server did not start: " + server.stderr.read().decode()[-2000:])


async def phone(
    base: str, code: str, dimension: str, index: int, window: float, go: asyncio.Event, run: Run
) -> None:
    rng = random.Random(index)
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        try:
            side_page = await client.get(f"/w/{code}")
            await client.post(
                f"/w/{code}/side",
                data={"side": "ab"[index % 2], "csrf_token": token(side_page.text)},
            )
            guess_page = await client.get(f"/w/{code}")
            guess_token = token(guess_page.text)
        except (httpx.HTTPError, RuntimeError) as exc:
            run.errors.append(f"join: {exc!r}")
            run.joined += 1
            return
        run.joined += 1
        await go.wait()
        start = time.perf_counter()
        guess_at = start + rng.uniform(0, window)
        stop = start + window + 2.0
        guessed = False
        next_poll = start + rng.uniform(0, PHONE_EVERY)
        while time.perf_counter() < stop:
            now = time.perf_counter()
            if not guessed and now >= guess_at:
                guessed = True
                run.sent[index] = time.perf_counter()
                try:
                    answer = await client.post(
                        f"/w/{code}/guess",
                        data={"dimension": dimension, "value": rng.randint(1, 5), "csrf_token": guess_token},
                    )  # fmt: skip
                    if answer.status_code == 302 and "/w/" in answer.headers["location"]:
                        run.acked[index] = time.perf_counter()
                    else:
                        run.errors.append(f"guess answered {answer.status_code}")
                except httpx.HTTPError as exc:
                    run.errors.append(f"guess: {exc!r}")
            elif now >= next_poll:
                next_poll += PHONE_EVERY
                try:
                    await client.get(f"/w/{code}/state.json")
                    run.phone_polls += 1
                except httpx.HTTPError as exc:
                    run.errors.append(f"phone poll: {exc!r}")
            await asyncio.sleep(0.01)


async def projector(base: str, code: str, window: float, go: asyncio.Event, run: Run) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        login = await client.get("/console/login")  # before the guesses, not timed
        email, password = FACILITATOR
        await client.post(
            "/console/login",
            data={"email": email, "password": password, "csrf_token": token(login.text)},
        )
        await go.wait()
        until = time.perf_counter() + window + 3.0
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                state = (await client.get(f"/w/{code}/state.json")).json()
                run.polls.append((started, time.perf_counter(), sum(state["guessed"].values())))
            except httpx.HTTPError as exc:
                run.errors.append(f"projector: {exc!r}")
            await asyncio.sleep(max(0.0, PROJECTOR_EVERY - (time.perf_counter() - started)))


async def one_run(base: str, code: str, dimension: str, phones: int, window: float) -> Run:
    run = Run()
    go = asyncio.Event()
    tasks = [
        asyncio.create_task(phone(base, code, dimension, i, window, go, run)) for i in range(phones)
    ]
    watcher = asyncio.create_task(projector(base, code, window, go, run))
    deadline = time.perf_counter() + 30  # joining is not timed, but bounded
    while run.joined < phones and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    go.set()
    await asyncio.wait_for(asyncio.gather(*tasks, watcher), timeout=RUN_DEADLINE)
    return run


def latencies(run: Run) -> list[float]:
    """Per acknowledged guess: sent → end of the first projector poll started after its ack."""
    result = []
    for index, acked in run.acked.items():
        seen = next((end for start, end, _ in run.polls if start >= acked), None)
        if seen is not None:
            result.append(seen - run.sent[index])
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=100, help="simulated phones (max 200)")
    parser.add_argument("--runs", type=int, default=3, help="runs (max 5)")
    parser.add_argument("--window", type=float, default=2.0, help="seconds the guesses spread over")
    args = parser.parse_args()
    phones, runs = min(args.phones, 200), min(args.runs, 5)
    folder = Path(tempfile.mkdtemp(prefix="lustro-workshop-bench-"))
    round_id = prepare(folder)
    from reports.analysis import analyse
    from survey.store.connection import open_db

    db = open_db(folder / "survey.db")
    analysis = analyse(db, round_id)
    db.conn.close()
    port = free_port()
    server = start_server(folder, port)
    base = f"http://127.0.0.1:{port}"
    figures = []
    try:
        print(
            f"{phones} phones, guesses spread over {args.window:.1f} s, projector every {PROJECTOR_EVERY} s"
        )
        print(
            "run  acked  counted  seen  lost  errors  phone polls/s  p50 ms  p95 ms  p99 ms  max ms"
            "  generator CPU s  load avg"
        )
        for number in range(1, runs + 1):
            code, dimension = new_workshop(folder, round_id, analysis)
            cpu = time.process_time()
            run = asyncio.run(one_run(base, code, dimension, phones, args.window))
            cpu = time.process_time() - cpu
            times = [t * 1000 for t in latencies(run)]
            in_db = counted(folder, code)
            seen = run.polls[-1][2] if run.polls else 0
            row = {
                "acked": len(run.acked),
                "counted": in_db,
                "seen": seen,
                "lost": len(run.acked) - in_db,
                "errors": len(run.errors),
                "p50": percentile(times, 0.50),
                "p95": percentile(times, 0.95),
                "p99": percentile(times, 0.99),
                "max": max(times),
            }
            figures.append(row)
            print(
                f"{number:>3}  {row['acked']:>5}  {row['counted']:>7}  {row['seen']:>4}  {row['lost']:>4}"
                f"  {row['errors']:>6}  {run.phone_polls / (args.window + 2):>13.0f}"
                f"  {row['p50']:>6.0f}  {row['p95']:>6.0f}  {row['p99']:>6.0f}  {row['max']:>6.0f}"
                f"  {cpu:>15.1f}  {os.getloadavg()[0]:>8.1f}"
            )
            for error in run.errors[:5]:
                print("     ", error)
        print("medians of the runs (range):")
        for key in ("lost", "errors", "p50", "p95", "p99", "max"):
            values = [row[key] for row in figures]
            print(
                f"  {key:<6} {statistics.median(values):>7.0f}  ({min(values):.0f}–{max(values):.0f})"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
