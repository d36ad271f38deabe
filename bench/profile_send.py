"""Where a Send's server CPU goes: the production app in this process, Sends through
Flask's test client (the same config, database pragmas and group-commit writer as
`survey serve --prod`, without gunicorn), under cProfile (issue 23).

    nice -n 5 .venv/bin/python bench/profile_send.py [--sends 300] [--sets 3] [--top 25]

Each set seals `--sends` browsers at the review page (bench/burst.py), loads each one's
start page (not measured), then sends them one after another and measures this process's
CPU (every thread: the writer's too) per Send. The last set runs under cProfile and
prints the functions with the most time of their own and most time in all.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.burst import THANKED, TOKEN, prepare, sealed_browsers, take  # noqa: E402


def ready_browsers(client, cookies: list[str]) -> list[tuple[str, str]]:
    """Each browser after its start page: (Cookie header with the session, CSRF token)."""
    ready = []
    for cookie in cookies:
        page = client.get("/", headers={"Cookie": cookie})
        found = dict(part.split("=", 1) for part in cookie.split("; ") if part)
        for header in page.headers.getlist("Set-Cookie"):
            name, value = header.split(";", 1)[0].split("=", 1)
            found[name] = value
        token = TOKEN.search(page.get_data(as_text=True)).group(1)
        ready.append(("; ".join(f"{n}={v}" for n, v in found.items()), token))
    return ready


def send_all(client, ready: list[tuple[str, str]]) -> float:
    """Send for each browser; the CPU seconds per Send (all threads of this process)."""
    started = time.process_time()
    for cookie, token in ready:
        answer = client.post("/submit", data={"csrf_token": token}, headers={"Cookie": cookie})
        if answer.status_code != 200 or THANKED not in answer.get_data(as_text=True):
            raise SystemExit(f"a Send failed: {answer.status_code}")
    return (time.process_time() - started) / len(ready)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--sets", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    plan = argparse.Namespace(
        sets=args.sets + 1, burst=args.sends, crowd=0, skip_cost=True, no_big=True
    )
    folder = Path(tempfile.mkdtemp(prefix="lustro-profile-"))
    try:
        rounds = prepare(folder, plan)
        app = rounds["app"]
        round_id, codes = rounds["main"]
        rng = random.Random(23)
        client = app.test_client(use_cookies=False)
        print(f"load average {os.getloadavg()[0]:.1f}")
        send_all(
            client, ready_browsers(client, sealed_browsers(app, round_id, take(codes, 20), rng))
        )
        figures = []
        for number in range(args.sets):
            ready = ready_browsers(
                client, sealed_browsers(app, round_id, take(codes, args.sends), rng)
            )
            figures.append(1000 * send_all(client, ready))
            print(f"set {number + 1}: {figures[-1]:.2f} ms CPU a Send")
        print(
            f"CPU a Send: {statistics.median(figures):.2f} "
            f"[{min(figures):.2f}–{max(figures):.2f}] ms, {args.sets} sets of {args.sends}"
        )
        ready = ready_browsers(client, sealed_browsers(app, round_id, take(codes, args.sends), rng))
        profile = cProfile.Profile()
        profile.enable()
        send_all(client, ready)
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
