"""The ``fake-ghe`` command: ``serve`` a throwaway GHE, ``check`` a scenario file."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .config import MAX_ADMIN_BODY, MAX_BODY

READY = "ready"
# Kept in step with fake_ghe.journal and fake_ghe.server (checked by the tests), which this
# module does not import until it serves: `fake-ghe --help` stays fast.
JOURNAL_LIMIT = 10_000
DEFAULT_TIMEOUT = 30.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fake-ghe",
        description="An in-memory fake of the GitHub Enterprise Server 2.18 "
        "OAuth Authorizations API.",
    )
    parser.add_argument("--version", action="version", version=f"fake-ghe {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the API until interrupted",
        description="Serve a fake GHE until SIGINT or SIGTERM. Once it listens, one JSON line "
        "with its URLs is printed on stdout.",
    )
    source = serve.add_mutually_exclusive_group()
    source.add_argument(
        "--scenario", metavar="FILE", help="YAML scenario to load (default: the built-in demo)"
    )
    source.add_argument("--empty", action="store_true", help="start with no users, apps or tokens")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=0, help="port to bind (default 0: any free port)"
    )
    serve.add_argument(
        "--hostname",
        metavar="NAME",
        type=_hostname,
        help="public host name for the `url` fields, e.g. ghe.example.com (https is assumed; "
        "give http://NAME for plain http). Default: the Host each request was sent to",
    )
    serve.add_argument(
        "--seed", help="make generated tokens, client ids and secrets the same on every run"
    )
    serve.add_argument(
        "--freeze-time",
        metavar="TIME",
        type=_time_argument,
        help="stop the clock at an ISO 8601 time (e.g. 2019-09-01T12:00:00Z); with --seed, "
        "every answer is the same byte for byte on every run",
    )
    serve.add_argument(
        "--no-admin",
        action="store_true",
        help="leave out the admin API and state page under /_fake_ghe/",
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="require Authorization: Bearer TOKEN on every admin request; needed to keep the "
        "admin API on when --host is not a loopback address",
    )
    serve.add_argument(
        "--admin-host",
        metavar="NAME",
        action="append",
        default=[],
        help="also answer admin requests sent to this Host name (besides loopback, localhost "
        "and --hostname); repeatable",
    )
    serve.add_argument(
        "--max-body",
        metavar="BYTES",
        type=_positive_int,
        default=MAX_BODY,
        help=f"refuse GHE API request bodies larger than this with 413 (default {MAX_BODY})",
    )
    serve.add_argument(
        "--max-admin-body",
        metavar="BYTES",
        type=_positive_int,
        default=MAX_ADMIN_BODY,
        help=f"the same for the admin API (default {MAX_ADMIN_BODY})",
    )
    serve.add_argument(
        "--journal-limit",
        metavar="N",
        type=_positive_int,
        default=JOURNAL_LIMIT,
        help=f"keep the newest N calls, events and SMS codes; count the rest (default "
        f"{JOURNAL_LIMIT})",
    )
    serve.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        help=f"drop a connection idle or stalled this long (default {DEFAULT_TIMEOUT:g})",
    )
    serve.add_argument(
        "--quiet", action="store_true", help="no banner and no request log on stderr"
    )
    serve.add_argument(
        "--url-file",
        metavar="PATH",
        help="write the base URL (http://HOST:PORT) to PATH once listening; removed on exit",
    )

    check = commands.add_parser(
        "check",
        help="validate scenario files",
        description="Print every problem as FILE:LINE: KEY: MESSAGE; exit 1 if there is any.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        return check(args.files)
    except KeyboardInterrupt:
        return 130  # interrupted before serve() took over SIGINT


# ------------------------------------------------------------------ check


def check(files: Sequence[str], out: TextIO | None = None) -> int:
    from .scenario import validate_scenario

    out = out or sys.stdout
    found = 0
    for name in files:
        problems = validate_scenario(name)
        for problem in problems:
            print(problem, file=out)
        if not problems:
            print(f"{name}: ok", file=out)
        found += len(problems)
    return 1 if found else 0


# ------------------------------------------------------------------ serve


def serve(args: argparse.Namespace) -> int:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    from .config import DEFAULT_HOSTNAME
    from .fake import FakeGHE
    from .scenario import DEMO_SCENARIO, ScenarioError
    from .server import PortInUse, is_loopback

    url_file = Path(args.url_file) if args.url_file else None
    if url_file is not None:
        # A file left by an earlier run must not send a waiting script to a dead port.
        try:
            url_file.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            _cannot_write(url_file, error)
            return 1

    remote = not is_loopback(args.host)
    admin = not args.no_admin and (not remote or args.admin_token is not None)
    if remote:
        # Always said, --quiet or not: this fake hands out tokens, secrets and OTP codes.
        print(
            f"fake-ghe: WARNING: listening on {args.host}, not on loopback: other machines can "
            "reach this fake GHE and sign in as its users."
            + (
                " The admin API and state page are off (give --admin-token to turn them on)."
                if not admin and not args.no_admin
                else ""
            ),
            file=sys.stderr,
            flush=True,
        )
    try:
        # What the admin API's reset returns to is what this builds: the same FakeGHE a test
        # would make, so the command and the library cannot drift apart.
        fake = FakeGHE(
            args.hostname or DEFAULT_HOSTNAME,
            scenario=None if args.empty else (args.scenario or DEMO_SCENARIO),
            seed=_seed(args.seed),
            frozen_at=args.freeze_time,
            admin=admin,
        )
    except ScenarioError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("fake-ghe: the scenario was not loaded; not serving", file=sys.stderr)
        return 1
    fake.runtime.config = replace(
        fake.config,
        admin_token=args.admin_token,
        admin_hosts=tuple(args.admin_host),
        max_body=args.max_body,
        max_admin_body=args.max_admin_body,
    )
    fake.store.journal.set_limit(args.journal_limit)
    if not args.quiet:
        _log_requests(fake.flask_app, sys.stderr)

    try:
        # Without --hostname, url fields name the Host each request was sent to.
        fake.serve(args.host, args.port, keep_hostname=args.hostname is not None)
        assert fake.server is not None
        fake.server.timeout = args.timeout
    except PortInUse as error:
        # strerror is the whole sentence; str() would prefix "[Errno 98]".
        print(f"fake-ghe: {error.strerror or error}", file=sys.stderr)
        return 1
    try:
        ready = {
            "event": READY,
            "url": fake.root_url,
            "api_url": fake.base_url,
            "admin_url": fake.root_url + "/_fake_ghe/" if fake.config.admin else None,
            "pid": os.getpid(),
            "version": __version__,
        }
        if remote:
            ready["listening"] = fake.server.bound  # where other machines reach it
        print(json.dumps(ready), flush=True)
        if not args.quiet:
            _banner(ready, sys.stderr)
        # Last, so a script that waits for the file has all startup output behind it.
        if url_file is not None:
            try:
                _write_atomically(url_file, fake.root_url + "\n")
            except OSError as error:
                # A script waiting for the file would wait forever: stop rather than serve.
                _cannot_write(url_file, error)
                return 1
        while not stop.wait(0.5):
            pass
    finally:
        fake.close()
        if url_file is not None:
            with contextlib.suppress(OSError):
                url_file.unlink()
    if not args.quiet:
        print("fake-ghe: stopped", file=sys.stderr)
    return 0


def _seed(raw: str | None) -> int | str | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return raw


def _whole_number(low: int, high: int | None, bounds: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (None: no upper bound)."""

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {raw!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{bounds}: {raw!r}")
        return value

    return parse


_positive_int = _whole_number(1, None, "must be at least 1")
_port = _whole_number(0, 65535, "not a TCP port (0 to 65535)")


def _positive_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {raw!r}")
    return value


def _time_argument(raw: str) -> datetime:
    # The admin API's parser and bounds, so --freeze-time and /clock/set agree.
    from .admin.moments import RANGE, in_range, parse_moment

    try:
        moment = parse_moment(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time like 2019-09-01T12:00:00Z: {raw!r}"
        ) from None
    if not in_range(moment):
        raise argparse.ArgumentTypeError(f"not {RANGE}: {raw!r}")
    return moment


def _hostname(raw: str) -> str:
    # Checked here, so a bad --hostname is a usage error (exit 2) rather than a traceback.
    from .config import split_hostname

    try:
        split_hostname(raw)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return raw


def _write_atomically(path: Path, text: str) -> None:
    """A script polling for the file never reads half a URL."""
    partial = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def _cannot_write(path: Path, error: OSError) -> None:
    # strerror is the sentence; str() would prefix "[Errno 2]".
    reason = error.strerror or error
    print(f"fake-ghe: cannot write the URL file {path}: {reason}", file=sys.stderr)


def _banner(ready: dict[str, Any], out: TextIO) -> None:
    lines = [f"fake-ghe {__version__}: GHE 2.18 API at {ready['api_url']}"]
    if "listening" in ready:
        lines.append(f"  listening on {ready['listening']}: reachable from other machines")
    if ready["admin_url"]:
        lines.append(f"  state page and admin API: {ready['admin_url']}")
    lines.append(f"  OAuth web flow sign-in starts at: {ready['url']}/login/oauth/authorize")
    lines.append("  Ctrl-C to stop")
    print("\n".join(lines), file=out, flush=True)


def _log_requests(app: Any, out: TextIO) -> None:
    """One line per request on ``out``, tokens and secrets masked as in the call journal."""
    from .exchange import ANSWERED, Exchange
    from .paths import redacted_path

    def log(sender: Any, exchange: Exchange, response: Any, **extra: Any) -> None:
        who = exchange.principal
        line = f"{response.status_code} {exchange.request.method} {redacted_path(exchange)}"
        print(line + (f" ({who})" if who else ""), file=out, flush=True)

    # weak=False: nothing else holds on to this function.
    ANSWERED.connect(log, app, weak=False)
