"""The ``fake-ghe`` command: ``serve`` a throwaway GHE."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fake-ghe",
        description="An in-memory fake of the GitHub Enterprise Server 2.18 OAuth Authorizations API.",
    )
    parser.add_argument("--version", action="version", version=f"fake-ghe {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API on a local port")
    serve.add_argument("--scenario", help="YAML scenario to load (default: the built-in demo)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port to bind (default 0: a free one)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


def serve(args: argparse.Namespace) -> int:
    from .app import create_app
    from .scenario import DEMO_SCENARIO, ScenarioError, load_scenario
    from .server import LiveServer, PortInUse
    from .store import Store

    store = Store()
    try:
        load_scenario(store, args.scenario or DEMO_SCENARIO)
    except (ScenarioError, OSError) as error:
        print(f"fake-ghe: {error}", file=sys.stderr)
        return 1
    try:
        server = LiveServer(create_app(store), args.host, args.port)
    except PortInUse as error:
        print(f"fake-ghe: {error}", file=sys.stderr)
        return 1
    print(f"fake-ghe serving {server.root_url}/api/v3", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
