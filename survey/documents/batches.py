"""Codes just generated, held on the server for their one showing and their downloads.

Generating codes answers with a redirect to the batch's page (so a reload cannot make a
second batch); that page lists the codes the first time only. The codes wait in a file
readable by the server alone (0600, instance/batches/) until HR is done with them or
BATCH_TTL passes, whichever comes first; only their owner can reach them. Expired batches
are swept at every batch action and, while the app is served, by a Sweeper thread in
each serving process, so codes left without *Done* go even when no one comes back. Slips are drawn
by a worker thread into a second file, whose progress any worker process can read, so a
5,000-slip PDF never holds a request open past a proxy's timeout; the PDF is handed over
once and deleted. Each sending of the form that makes a batch is claimed by its one-time
token (claim), so a double click or a replayed POST finds the first batch, never a new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .slip_pdf import SlipText
from .slips import write_slips_pdf

BATCH_TTL = 3600  # seconds a batch (and its slips) stays reachable
STALLED_AFTER = 120  # seconds without progress after which drawing counts as failed
SWEEP_EVERY = 60  # seconds between a serving process's sweeps: a batch outlives its hour by this
TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")
CLAIM_WAIT = 30.0  # seconds a second sending of a form waits for the first one's batch

log = logging.getLogger("lustro.batches")


@dataclass(frozen=True)
class Batch:
    token: str
    owner: str
    round_id: int
    side: str
    codes: list[str]
    shown: bool


@dataclass(frozen=True)
class SlipsProgress:
    done: int
    total: int
    ready: bool
    failed: bool


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only the server's user can read, replacing it atomically."""
    part = path.with_name(path.name + f".{secrets.token_hex(4)}.part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(part, path)


def folder_for(instance_path: str) -> Path:
    folder = Path(instance_path) / "batches"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sweep(folder: Path, now: float | None = None) -> None:
    """Delete every batch file, slips PDF, progress note and form claim older than BATCH_TTL."""
    limit = (time.time() if now is None else now) - BATCH_TTL
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker swept it first


class Sweeper(threading.Thread):
    """Sweeps a batch folder when started and then every SWEEP_EVERY seconds, as a daemon
    thread, for as long as the process serves: a sweep at batch actions alone would leave
    the plain codes of a batch nobody finished on disk until HR next made or opened one.
    Started in every serving process (a thread does not survive gunicorn's fork).

    The clock and the wait between sweeps can be given, so a test runs hours in no time;
    `wait(seconds)` returns True to stop, as threading.Event.wait does once stopped."""

    def __init__(
        self,
        folder: Path,
        every: float = SWEEP_EVERY,
        clock: Callable[[], float] = time.time,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        super().__init__(name="batch-sweeper", daemon=True)
        self.folder, self.every, self.clock = folder, every, clock
        self._stopped = threading.Event()
        self._wait = wait or self._stopped.wait

    def start(self) -> None:
        """Sweep now (batches a stopped server left behind), then keep sweeping."""
        sweep(self.folder, self.clock())
        super().start()

    def stop(self) -> None:
        """Stop sweeping; returns once the thread has ended."""
        self._stopped.set()
        self.join()

    def __enter__(self) -> Sweeper:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def run(self) -> None:
        while not self._wait(self.every):
            try:
                sweep(self.folder, self.clock())
            except OSError:  # the folder removed by hand, say: the next sweep tries again
                log.exception("Sweeping expired code batches failed")


def _claim_path(folder: Path, once: str, owner: str, round_id: int) -> Path:
    """Where the batch made by one sending of a form is noted: named by a hash of the form's
    one-time token with its owner and round, so a token never serves another account."""
    name = hashlib.sha256(f"{owner}\0{round_id}\0{once}".encode()).hexdigest()[:32]
    return folder / f"{name}.claim"


def claim(
    folder: Path, once: str, owner: str, round_id: int, wait: float = CLAIM_WAIT
) -> str | None:
    """None for the first sending of the form `once`: make the batch, then `create` it
    with `once`. A second sending (a double click, a replayed POST) gets the token of the
    batch the first one made, waiting while it is still being made; "" when it is not
    there after `wait` seconds. Exclusive creation of a file decides, across threads and
    worker processes alike."""
    path = _claim_path(folder, once, owner, round_id)
    deadline = time.monotonic() + wait
    while True:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return None
        except FileExistsError:
            pass
        try:
            made = path.read_text()
        except FileNotFoundError:
            continue  # the first sending was refused and let go: this one tries itself
        if made or time.monotonic() > deadline:
            return made
        time.sleep(0.05)


def release(folder: Path, once: str, owner: str, round_id: int) -> None:
    """The sending of `once` made nothing (refused): the same form may be sent again."""
    _claim_path(folder, once, owner, round_id).unlink(missing_ok=True)


def create(
    folder: Path,
    owner: str,
    round_id: int,
    side: str,
    codes: list[str],
    once: str | None = None,
) -> str:
    """Keep a new batch for its owner; its token names it in URLs. With the `once` token
    of the form that made it, a second sending of that form finds this batch."""
    sweep(folder)
    token = secrets.token_urlsafe(18)
    record = {"owner": owner, "round_id": round_id, "side": side, "codes": codes, "shown": False}
    _write_private(folder / f"{token}.json", json.dumps(record).encode())
    if once is not None:
        _write_private(_claim_path(folder, once, owner, round_id), token.encode())
    return token


def load(folder: Path, token: str, owner: str, round_id: int) -> Batch | None:
    """The batch, when it exists, is not expired, and belongs to this user and round."""
    if not TOKEN.fullmatch(token):
        return None
    sweep(folder)
    try:
        record = json.loads((folder / f"{token}.json").read_text())
    except FileNotFoundError:
        return None
    if record["owner"] != owner or record["round_id"] != round_id:
        return None
    return Batch(token, owner, round_id, record["side"], record["codes"], record["shown"])


def mark_shown(folder: Path, batch: Batch) -> None:
    """The codes were on screen once: never list them again (downloads stay possible)."""
    record = {
        "owner": batch.owner,
        "round_id": batch.round_id,
        "side": batch.side,
        "codes": batch.codes,
        "shown": True,
    }
    _write_private(folder / f"{batch.token}.json", json.dumps(record).encode())


def forget(folder: Path, token: str) -> None:
    """HR is done: delete the codes and any slips of this batch now."""
    for suffix in (".json", ".pdf", ".progress"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def _note(folder: Path, token: str, done: int, total: int, failed: bool = False) -> None:
    note = {"done": done, "total": total, "failed": failed}
    _write_private(folder / f"{token}.progress", json.dumps(note).encode())


def start_slips(folder: Path, batch: Batch, texts: SlipText, base_url: str) -> None:
    """Draw the batch's slips in a worker thread; progress() tells how far it got."""
    total = len(batch.codes)
    _note(folder, batch.token, 0, total)

    def work() -> None:
        pdf = folder / f"{batch.token}.pdf"
        part = folder / f"{batch.token}.pdf.part"
        try:
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                write_slips_pdf(
                    texts,
                    batch.codes,
                    base_url,
                    out,
                    lambda done, total: _note(folder, batch.token, done, total),
                )
            os.replace(part, pdf)
        except Exception:
            part.unlink(missing_ok=True)
            _note(folder, batch.token, 0, total, failed=True)
            raise

    threading.Thread(target=work, name="slips", daemon=True).start()


def progress(folder: Path, batch: Batch) -> SlipsProgress | None:
    """How far the batch's slips are (None when none were asked for, or they were taken)."""
    note_file = folder / f"{batch.token}.progress"
    try:
        note = json.loads(note_file.read_text())
    except FileNotFoundError:
        return None
    ready = (folder / f"{batch.token}.pdf").is_file()
    # A worker that stopped mid-way (a server restart) leaves a note that never moves again.
    stalled = not ready and time.time() - note_file.stat().st_mtime > STALLED_AFTER
    return SlipsProgress(note["done"], note["total"], ready, note["failed"] or stalled)


def take_slips(folder: Path, batch: Batch) -> bytes | None:
    """The finished PDF, handed over once: the file is deleted as it is read."""
    claimed = folder / f"{batch.token}.taken.{secrets.token_hex(4)}"
    try:
        os.rename(folder / f"{batch.token}.pdf", claimed)  # one taker wins, even across workers
    except FileNotFoundError:
        return None
    body = claimed.read_bytes()
    claimed.unlink()
    (folder / f"{batch.token}.progress").unlink(missing_ok=True)
    return body
