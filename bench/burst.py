"""Send at scale (issue 23): a burst of Sends, a crowd beside a CPU hog, and what a Send
costs in a big round nearly full, against the production server.

    nice -n 5 .venv/bin/python bench/burst.py [--sets 3]

Starts gunicorn with the command line of `survey serve --prod` (bench/load.py's server,
cores + 1 workers x 16 threads) on a fresh database in a temporary folder, on 127.0.0.1 only, with
one round for the burst and the crowd and four rounds for the cost: 5,000 codes a side
fresh and 90 % full, 20,000 codes a side fresh and 90 % full (the full ones filled through
the same store functions a Send uses, before the server starts). Then, per set:

- burst: `--burst` people already at the review page press Send at evenly spaced moments
  within `--burst-seconds`; each Send is timed from its planned moment to its answer. The
  people's browser state (the encrypted cookies the pages write) is sealed here with the
  instance's key instead of walking every page first; each one then loads the start page
  once for its session and CSRF token, as a browser does, before the burst. The Sends
  are then fired from pre-encoded request bytes by bench/raw_client.py, a process of its
  own (an httpx client on one event loop took more CPU than the server). Printed:
  acknowledged, refused as busy (503), other errors, stored, Send p50/p99/max, and for
  the Send phase alone the server's CPU per Send and the client's CPU.
- crowd: `--crowd` respondents at once walk the whole survey (bench/walker.py) while
  `--hogs` processes spin on the CPU beside them; printed: errors, Send p99 and the longest
  wait of any worker's writer for SQLite's write lock (asked of the workers themselves).
- cost: `--surveys` whole surveys on each of the four rounds, interleaved, `--cost-users`
  at a time; the server's CPU time (utime + stime from /proc) per survey, and the ratios
  full / fresh within the set.

Each set checks acknowledged = stored. The summary gives medians [min-max] over the sets
and the load average seen; the machine may be shared, so the figures drift with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import free_port, percentile, start_server  # noqa: E402
from bench.procstat import cpu_seconds, family  # noqa: E402
from bench.walker import Respondent, Timings, add_walk_arguments  # noqa: E402
from survey.serving import THREADS, default_workers  # noqa: E402

THANKED = "Twoje odpowiedzi dotarły."
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
COMMENTS = (
    "Więcej rozmów, mniej maili.",
    "Terminy ustalane razem.",
    "Mniej zmian w ostatniej chwili.",
)


# --- Preparing the database (not timed) --------------------------------------------------


def _answers(questionnaire, rng: random.Random) -> dict:
    """A person's answers: mostly 1-5, some don't know (None), some skipped."""
    found = {}
    for key in questionnaire.answer_keys():
        roll = rng.random()
        if roll < 0.9:
            found[key] = rng.randint(1, 5)
        elif roll < 0.95:
            found[key] = None
    return found


def _comments(questionnaire, rng: random.Random) -> dict[str, str]:
    return {q.id: rng.choice(COMMENTS) for q in questionnaire.open_questions if rng.random() < 0.6}


def prepare(folder: Path, args) -> dict:
    """The database with its rounds and codes; the full rounds filled."""
    os.environ["SURVEY_INSTANCE"] = str(folder / "instance")
    os.environ["SURVEY_DB"] = str(folder / "survey.db")
    from survey.app import create_app
    from survey.cli import initialise
    from survey.db import get_db
    from survey.store import invites
    from survey.store.connection import write_transaction
    from survey.store.responses import Submission, insert_response, validate
    from survey.store.rounds import create_round, get_round, open_round

    app = create_app()
    rng = random.Random(2026)
    rounds: dict = {"app": app}
    with app.app_context():
        initialise()
        key = app.config["INVITE_KEY"]
        db = get_db()
        db["bench_rows"].create({"id": int, "value": int}, pk="id")

        def new_round(name: str, per_side: int) -> tuple[int, dict[str, list[str]]]:
            round_id = create_round(db, name, "sales-production", "Sprzedaż", "Produkcja")
            codes = {}
            for side in "ab":
                codes[side] = []
                while len(codes[side]) < per_side:
                    count = min(invites.MAX_CODES_PER_CALL, per_side - len(codes[side]))
                    codes[side] += invites.generate(db, round_id, side, count, key)
            open_round(db, round_id)
            return round_id, codes

        needed = args.sets * (args.burst + args.crowd) // 2 + 10
        rounds["main"] = new_round("Burst", needed)
        for size in (5000, 20000):
            if args.skip_cost or (size == 20000 and args.no_big):
                continue
            rounds[f"fresh {size}"] = new_round(f"Fresh {size}", size)
            round_id, codes = new_round(f"Full {size}", size)
            round_ = get_round(db, round_id)
            started = time.perf_counter()
            for side in "ab":
                filled = codes[side][: size * 9 // 10]
                codes[side] = codes[side][len(filled) :]
                for start in range(0, len(filled), 500):
                    with write_transaction(db):
                        for code in filled[start : start + 500]:
                            assert invites.spend_code(db, code, key)
                            submission = Submission(
                                side,
                                _answers(round_.questionnaire, rng),
                                _comments(round_.questionnaire, rng),
                            )
                            insert_response(db, round_, validate(round_.questionnaire, submission))
            print(
                f"  filled 90 % of {size:,} codes a side in {time.perf_counter() - started:.0f} s"
            )
            rounds[f"full {size}"] = (round_id, codes)
    return rounds


def sealed_browsers(app, round_id: int, codes: list[str], rng: random.Random) -> list[str]:
    """For each code, the Cookie header of a browser at the review page: the state the
    survey pages write, sealed with this instance's key."""
    from flask import Response, request

    from survey.respond import state as browser
    from survey.store.rounds import get_round

    with app.app_context():
        from survey.db import get_db

        questionnaire = get_round(get_db(), round_id).questionnaire
    headers = []
    for code in codes:
        answers = {".".join(k): v for k, v in _answers(questionnaire, rng).items()}
        state = browser.State(code, round_id, answers, _comments(questionnaire, rng))
        with app.test_request_context("/"):
            response = Response()
            browser.save(response, state, request)
        cookies = [h.split(";", 1)[0] for h in response.headers.getlist("Set-Cookie")]
        headers.append("; ".join(cookies))
    return headers


# --- Talking to the server ----------------------------------------------------------------


async def request(transport, base: str, method: str, path: str, cookie: str, form=None):
    """One request without a cookie jar (many people share one connection pool)."""
    headers = {"Cookie": cookie} if cookie else {}
    content = b""
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        content = urlencode(form).encode()
    sent = httpx.Request(method, base + path, headers=headers, content=content)
    response = await transport.handle_async_request(sent)
    body = await response.aread()
    await response.aclose()
    return response.status_code, response.headers, body.decode("utf-8", "replace")


def _with_session(cookie: str, headers) -> str:
    """The Cookie header after the start page set the session cookie."""
    found = dict(part.split("=", 1) for part in cookie.split("; ") if part)
    for header in headers.get_list("set-cookie"):
        name, value = header.split(";", 1)[0].split("=", 1)
        found[name] = value
    return "; ".join(f"{n}={v}" for n, v in found.items())


async def start_pages(base: str, people: list[str]) -> list[tuple[str, str]]:
    """Everyone loads the start page once (for the session and the CSRF token), as a
    browser does before the review page; (Cookie header, token) for each. Not timed."""
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    async with httpx.AsyncHTTPTransport(limits=limits) as transport:
        semaphore = asyncio.Semaphore(32)

        async def load_start(cookie: str) -> tuple[str, str]:
            async with semaphore:
                status, headers, body = await request(transport, base, "GET", "/", cookie)
                return _with_session(cookie, headers), TOKEN.search(body).group(1)

        return list(await asyncio.gather(*(load_start(c) for c in people)))


def send_request(host: str, port: int, cookie: str, token: str) -> bytes:
    """The Send of a browser at the review page, encoded once before the burst."""
    body = urlencode({"csrf_token": token}).encode()
    head = (
        f"POST /submit HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


def burst(folder: Path, port: int, ready: list[tuple[str, str]], seconds: float) -> dict:
    """The Sends fired by bench/raw_client.py in a process of its own; its figures."""
    host = "127.0.0.1"
    plan = {
        "host": host,
        "port": port,
        "seconds": seconds,
        "requests": [send_request(host, port, c, t) for c, t in ready],
        "expect": THANKED,
    }
    plan_file, out_file = folder / "burst-plan.pickle", folder / "burst-out.pickle"
    plan_file.write_bytes(pickle.dumps(plan))
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "raw_client.py"), str(plan_file), str(out_file)],
        check=True,
    )
    result = pickle.loads(out_file.read_bytes())
    out_file.unlink()
    statuses = result["statuses"]
    ms = [1000 * x for x in result["latencies"]]
    return {
        "acknowledged": result["thanked"],
        "busy": sum(s == 503 for s in statuses),
        "errors": len(statuses) - result["thanked"] - sum(s == 503 for s in statuses),
        "p50": percentile(ms, 0.5),
        "p99": percentile(ms, 0.99),
        "max": max(ms),
        "client_cpu": result["cpu"],
    }


async def _whole_survey(base: str, code: str, timings: Timings, args) -> None:
    """One respondent with a client of their own, from the start page to Send; a failure
    is counted, not raised."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        person = Respondent(client, code, random.Random(code), args)
        try:
            form = await person.walk_to_submit(timings, args.start)
            await person.submit(timings, form)
        except (RuntimeError, httpx.HTTPError) as exc:
            timings.errors.append(str(exc) or type(exc).__name__)


async def crowd(base: str, codes: list[str], args) -> tuple[Timings, float]:
    """`len(codes)` respondents at once, each walking the whole survey."""
    timings = Timings()
    started = time.perf_counter()
    await asyncio.gather(*(_whole_survey(base, code, timings, args) for code in codes))
    return timings, time.perf_counter() - started


async def surveys(base: str, codes: list[str], users: int, args) -> Timings:
    """Whole surveys, `users` at a time, one code each."""
    timings = Timings()
    semaphore = asyncio.Semaphore(users)

    async def one(code: str) -> None:
        async with semaphore:
            await _whole_survey(base, code, timings, args)

    await asyncio.gather(*(one(code) for code in codes))
    return timings


def writer_stats(base: str, reset: bool = False, tries: int = 40) -> dict[int, dict]:
    """Each worker's group-commit figures, asked on fresh connections until every worker
    seems to have answered (gunicorn gives each connection to one worker)."""
    found: dict[int, dict] = {}
    for _ in range(tries):
        with httpx.Client(base_url=base, timeout=10) as client:
            answer = client.get("/_bench/committer", params={"reset": "1"} if reset else None)
            if answer.status_code != 200:
                return {}  # a server without the group-commit writer (main before issue 23)
            stats = answer.json()
            found[stats["pid"]] = stats
    return found


def stored(database: Path, round_id: int) -> tuple[int, int]:
    """Responses stored and codes spent in a round."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        responses = conn.execute(
            "SELECT count(*) FROM responses WHERE round_id = ?", [round_id]
        ).fetchone()[0]
        spent = conn.execute(
            "SELECT count(*) FROM invites WHERE round_id = ? AND spent", [round_id]
        ).fetchone()[0]
    return responses, spent


def hog(seconds: float) -> subprocess.Popen:
    """A process that spins on the CPU for `seconds`."""
    code = f"import time\nend = time.time() + {seconds}\nwhile time.time() < end: pass"
    return subprocess.Popen([sys.executable, "-c", code])


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    middle = fmt.format(statistics.median(values))
    return f"{middle} [{fmt.format(min(values))}–{fmt.format(max(values))}]"


def take(codes: dict[str, list[str]], count: int) -> list[str]:
    """`count` codes, half of each side."""
    found = [codes["a"].pop() for _ in range(count // 2)]
    found += [codes["b"].pop() for _ in range(count - count // 2)]
    random.shuffle(found)
    return found


class Bench:
    """The server, its rounds and the figures of every set."""

    def __init__(self, args, folder: Path, rounds: dict, server, base: str) -> None:
        self.args, self.database, self.server, self.base = args, folder / "survey.db", server, base
        self.port = int(base.rsplit(":", 1)[1])
        self.app = rounds.pop("app")
        self.main_round, self.main_codes = rounds.pop("main")
        self.rounds = rounds
        self.rng = random.Random(23)
        self.results: dict[str, list[float]] = {}

    def keep(self, name: str, value: float) -> None:
        self.results.setdefault(name, []).append(value)

    def burst(self) -> None:
        args = self.args
        people = sealed_browsers(
            self.app, self.main_round, take(self.main_codes, args.burst), self.rng
        )
        before = stored(self.database, self.main_round)
        ready = asyncio.run(start_pages(self.base, people))
        writer_stats(self.base, reset=True)
        pids = family(self.server.pid)
        server_cpu, wall = cpu_seconds(pids), time.perf_counter()
        outcome = burst(self.database.parent, self.port, ready, args.burst_seconds)
        server_cpu, wall = cpu_seconds(pids) - server_cpu, time.perf_counter() - wall
        after = stored(self.database, self.main_round)
        responses = after[0] - before[0]
        stats = writer_stats(self.base)
        commits = sum(s["commits"] for s in stats.values())
        largest = max((s["largest_group"] for s in stats.values()), default=0)
        held = sum(s.get("held_seconds", 0.0) for s in stats.values())
        print(
            f"  burst: {args.burst} Sends within {args.burst_seconds:g} s: acknowledged "
            f"{outcome['acknowledged']}, busy (503) {outcome['busy']}, errors "
            f"{outcome['errors']}, stored {responses}, spent {after[1] - before[1]}; "
            f"Send p50 {outcome['p50']:.0f} ms, p99 {outcome['p99']:.0f} ms, max {outcome['max']:.0f} ms"
        )
        print(
            f"         Send phase alone, {wall:.1f} s: server CPU {server_cpu:.2f} s "
            f"({1000 * server_cpu / args.burst:.2f} ms a Send, {server_cpu / wall:.2f} cores "
            f"busy); load client CPU {outcome['client_cpu']:.2f} s (its own process); "
            f"{commits} commits (workers answering {len(stats)}), largest group {largest}, "
            f"write lock held {held:.1f} s in all ({1000 * held / max(1, commits):.1f} ms a commit)"
        )
        if responses != outcome["acknowledged"] or after[0] != after[1]:
            raise SystemExit("MISMATCH: acknowledged and stored differ")
        for name in ("acknowledged", "busy", "errors", "p50", "p99", "max"):
            self.keep(f"burst {name}", outcome[name])
        self.keep("burst server CPU ms a Send", 1000 * server_cpu / args.burst)
        self.keep("burst server cores busy", server_cpu / wall)
        self.keep("burst client CPU s", outcome["client_cpu"])
        self.keep("burst write lock held s", held)

    def crowd(self) -> None:
        args = self.args
        writer_stats(self.base, reset=True)
        hogs = [hog(300) for _ in range(args.hogs)]
        try:
            before = stored(self.database, self.main_round)
            codes = take(self.main_codes, args.crowd)
            timings, elapsed = asyncio.run(crowd(self.base, codes, args))
        finally:
            for process in hogs:
                process.kill()
                process.wait()
        after = stored(self.database, self.main_round)
        stats = writer_stats(self.base)
        wait = max((s["longest_lock_wait"] for s in stats.values()), default=float("nan"))
        busy = sum(s["refused_busy"] for s in stats.values())
        largest = max((s["largest_group"] for s in stats.values()), default=0)
        p99 = percentile([1000 * x for x in timings.submits], 0.99)
        print(
            f"  crowd: {args.crowd} at once beside {args.hogs} CPU hogs: acknowledged "
            f"{timings.acknowledged}, errors {len(timings.errors)} (busy {busy}), stored "
            f"{after[0] - before[0]}, in {elapsed:.0f} s; Send p99 {p99:.0f} ms; longest lock "
            f"wait {1000 * wait:.0f} ms (workers answering {len(stats)}); largest group {largest}"
        )
        for error in sorted(set(timings.errors))[:3]:
            print(f"      error: {error}")
        if after[0] - before[0] != timings.acknowledged:
            raise SystemExit("MISMATCH: acknowledged and stored differ")
        self.keep("crowd errors", len(timings.errors))
        self.keep("crowd Send p99", p99)
        self.keep("crowd lock wait", 1000 * wait)

    def cost(self) -> None:
        """CPU per survey on each round, fresh and full interleaved."""
        args = self.args
        cpu: dict[str, float] = {}
        for name, (_round, codes) in self.rounds.items():
            pids = family(self.server.pid)
            before = cpu_seconds(pids)
            timings = asyncio.run(
                surveys(self.base, take(codes, args.surveys), args.cost_users, args)
            )
            cpu[name] = 1000 * (cpu_seconds(pids) - before) / max(1, timings.acknowledged)
            if timings.errors:
                print(f"      {name}: {len(timings.errors)} errors, e.g. {timings.errors[0]}")
            self.keep(f"CPU ms/survey {name}", cpu[name])
        print(f"  CPU ms per survey: {', '.join(f'{n} {v:.1f}' for n, v in cpu.items())}")
        for size in (5000, 20000):
            if f"full {size}" in cpu:
                ratio = cpu[f"full {size}"] / cpu[f"fresh {size}"]
                self.keep(f"CPU ratio full/fresh {size}", ratio)
                print(f"  {size:,} codes a side, 90 % full / fresh: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=3, help="sets of every part (medians of them)")
    parser.add_argument("--burst", type=int, default=1500, help="Sends in the burst")
    parser.add_argument("--burst-seconds", type=float, default=5, help="the burst's length")
    parser.add_argument("--crowd", type=int, default=200, help="respondents at once beside the hog")
    parser.add_argument(
        "--hogs", type=int, default=2, help="CPU-spinning processes beside the crowd"
    )
    parser.add_argument(
        "--surveys", type=int, default=40, help="surveys per round in the cost part"
    )
    parser.add_argument("--cost-users", type=int, default=8, help="surveys at a time (cost part)")
    parser.add_argument("--no-big", action="store_true", help="leave out the 20,000-code rounds")
    parser.add_argument("--parts", default="burst,crowd,cost", help="the parts to run, in order")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default cores + 1)")
    parser.add_argument(
        "--threads", type=int, default=THREADS, help="gunicorn threads a worker (default 16)"
    )
    add_walk_arguments(parser)
    args = parser.parse_args()
    parts = args.parts.split(",")
    args.skip_cost = "cost" not in parts  # its four big rounds are not made
    workers = args.workers or default_workers()

    folder = Path(tempfile.mkdtemp(prefix="lustro-burst-"))
    print(f"preparing (load average {os.getloadavg()[0]:.1f}) ...")
    rounds = prepare(folder, args)
    port = free_port()
    server = start_server(folder, port, workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    bench = Bench(args, folder, rounds, server, base)
    loads: list[float] = []
    try:
        print(
            f"server: gunicorn, {workers} workers x {args.threads} threads, {os.cpu_count()} cores shared"
        )
        asyncio.run(surveys(base, take(bench.main_codes, 10), 5, args))  # warm-up
        for number in range(1, args.sets + 1):
            loads.append(os.getloadavg()[0])
            print(f"\nset {number} (load average {loads[-1]:.1f})")
            for part in parts:
                getattr(bench, part)()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    print(f"\nmedians of {args.sets} sets [min–max], load average {spread(loads, '{:.1f}')}:")
    for name, values in bench.results.items():
        fmt = (
            "{:.2f}"
            if "ratio" in name or "cores" in name
            else "{:.1f}"
            if "CPU" in name
            else "{:.0f}"
        )
        print(f"  {name:<32} {spread(values, fmt)}")


if __name__ == "__main__":
    main()
