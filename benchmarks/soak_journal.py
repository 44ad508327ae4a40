"""Soak the journals: tens of thousands of requests, and the server's memory stays flat once
the journal cap is reached.

Run by hand: ``python3 benchmarks/soak_journal.py`` (about 35 s; loopback only). It starts
``fake-ghe serve --empty --quiet --journal-limit 5000`` on 127.0.0.1 (half the default cap, so
the run stays short; ``--journal-limit 10000`` soaks the default), sends ``--requests`` GET
requests from many threads (each a new connection, as werkzeug closes every one; each path
carries a token and a query, so each call entry is a realistic size), and reads the server's
resident memory (``VmRSS`` from /proc) every ``--every`` requests. Last, it prints how much
memory grew from the first checkpoint past the cap to the end, per thousand requests, and
checks that ``/calls`` holds exactly the cap and counts the rest as dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "0123456789abcdef0123456789abcdef01234567"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def send(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(raw)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def hammer(port: int, count: int, offset: int) -> None:
    for i in range(count):
        path = f"/api/v3/user/{TOKEN}?page={offset + i}&token={TOKEN}&q=soak-{offset + i}"
        raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        answer = send(port, raw.encode())
        if not answer.startswith(b"HTTP/1.1 "):
            raise RuntimeError(f"odd answer: {answer[:80]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--every", type=int, default=2_500)
    parser.add_argument("--journal-limit", type=int, default=5_000)
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "fake_ghe", "serve", "--empty", "--quiet"),
            *("--host", "127.0.0.1", "--journal-limit", str(args.journal_limit)),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        ready = json.loads(server.stdout.readline())
        port = int(ready["url"].rsplit(":", 1)[1])
        started = time.monotonic()
        points: list[tuple[int, int]] = [(0, rss_kib(server.pid))]
        print(f"{'requests':>9} {'RSS MiB':>8}")
        print(f"{0:>9} {points[0][1] / 1024:>8.1f}")
        done = 0
        while done < args.requests:
            batch = min(args.every, args.requests - done)
            share = [
                batch // args.threads + (1 if t < batch % args.threads else 0)
                for t in range(args.threads)
            ]
            threads = []
            offset = done
            for count in share:
                thread = threading.Thread(target=hammer, args=(port, count, offset))
                offset += count
                threads.append(thread)
                thread.start()
            for thread in threads:
                thread.join()
            done += batch
            points.append((done, rss_kib(server.pid)))
            print(f"{done:>9} {points[-1][1] / 1024:>8.1f}", flush=True)
        elapsed = time.monotonic() - started

        calls = send(
            port,
            f"GET /_fake_ghe/calls HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n".encode(),
        )
        head, _, body = calls.partition(b"\r\n\r\n")
        kept = len(json.loads(body))
        dropped = int(
            next(
                line.split(b":", 1)[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"x-fake-ghe-dropped:")
            )
        )
        if TOKEN.encode() in body:
            raise RuntimeError("a token reached the call journal")

        # Memory from the first checkpoint past the cap (plus one batch, for the allocator to
        # settle) to the end: flat means the journal stopped growing.
        settled = [point for point in points if point[0] >= args.journal_limit + args.every]
        first, last = settled[0], points[-1]
        grown = (last[1] - first[1]) / 1024
        per_k = grown / max((last[0] - first[0]) / 1000, 1)
        before = (first[1] - points[0][1]) / 1024
        print(
            f"\n{args.requests} requests in {elapsed:.1f} s ({args.requests / elapsed:.0f}/s); "
            f"/calls keeps {kept}, dropped {dropped}"
        )
        print(
            f"RSS: +{before:.1f} MiB up to {first[0]} requests (journal filling), then "
            f"{grown:+.1f} MiB over the next {last[0] - first[0]} ({per_k * 1024:+.1f} KiB per "
            "1,000 requests)"
        )
        assert kept == args.journal_limit and kept + dropped == args.requests, (kept, dropped)
        return 0
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
