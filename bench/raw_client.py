"""A light load client for bench/burst.py's burst: pre-encoded HTTP/1.1 requests fired at
planned moments over raw asyncio streams, in a process of its own so that its CPU is
measured apart from the server's (issue 23).

    python bench/raw_client.py PLAN OUT

PLAN is a pickle of {"host", "port", "seconds", "requests": [bytes, ...], "expect": str}.
Request n is fired at start + n * seconds / len(requests), start being half a second after
the plan is read, each on a connection of its own opened at that moment (a browser whose
keep-alive connection has expired; gunicorn's gthread workers hand an idle new connection
to a thread, so connections opened ahead would hold every thread). Its time runs from the
planned moment to the last byte of its answer. OUT gets a pickle of {"latencies": [s, ...],
"statuses": [int, ...], "thanked": int, "cpu": s}: this process's own CPU time during
the burst (user + system).

Only the standard library: nothing is imported or decoded beyond what a reply needs
(status line, Content-Length, the body searched for the thanks text).
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
import time


async def _one(host: str, port: int, data: bytes, expect: bytes) -> tuple[int, bool]:
    """Send one request, read its whole answer; (status, whether `expect` is in the body).
    Status 0 when the connection failed or the answer could not be read."""
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return 0, False
    try:
        writer.write(data)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await (reader.readexactly(length) if length is not None else reader.read())
        return status, expect in body
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        return 0, False
    finally:
        writer.close()


async def fire(plan: dict) -> dict:
    """Every request at its planned moment; the figures of each."""
    loop = asyncio.get_running_loop()
    requests: list[bytes] = plan["requests"]
    step = plan["seconds"] / len(requests)
    expect = plan["expect"].encode()
    latencies = [0.0] * len(requests)
    statuses = [0] * len(requests)
    thanked = 0
    start = loop.time() + 0.5

    async def at_moment(number: int, data: bytes) -> None:
        nonlocal thanked
        planned = start + number * step
        delay = planned - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        status, found = await _one(plan["host"], plan["port"], data, expect)
        latencies[number] = loop.time() - planned
        statuses[number] = status
        thanked += found and status == 200

    cpu = time.process_time()
    await asyncio.gather(*(at_moment(n, data) for n, data in enumerate(requests)))
    return {
        "latencies": latencies,
        "statuses": statuses,
        "thanked": thanked,
        "cpu": time.process_time() - cpu,
    }


def main() -> None:
    plan_file, out_file = sys.argv[1:3]
    with open(plan_file, "rb") as handle:
        plan = pickle.load(handle)
    os.remove(plan_file)  # it holds the people's sealed browser state
    result = asyncio.run(fire(plan))
    with open(out_file, "wb") as handle:
        pickle.dump(result, handle)


if __name__ == "__main__":
    main()
