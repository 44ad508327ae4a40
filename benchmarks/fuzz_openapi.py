"""Fuzz every operation of the official GHES 2.18 description against the fake, in-process.

Opt-in, run by hand from the repository root::

    python3 benchmarks/fuzz_openapi.py [--examples N] [--seed S] [--reset-every K] [-v]

Three kinds of request go to ``fake_ghe.create_app`` over WSGI (no socket):

1. schemathesis' positive and negative data for each operation of
   ``tests/vendor/ghes-2.18-oauth-authorizations.json`` (``--examples`` of each, per operation);
2. hostile requests from this file's own Hypothesis strategies: path parameters such as
   ``%0A``, ``%00``, overlong or non-numeric ids, bodies with lone surrogates, invalid UTF-8,
   deep nesting, huge strings, wrong types, odd headers and query strings;
3. a fixed corpus of the same hostile values, each path parameter of each operation in turn,
   so that the known kinds of breakage are tried on every run whatever the seed.

The store is seeded with users (one with TOTP two-factor, one with SMS), two OAuth apps, tokens
and grants, and reset every ``--reset-every`` requests. Each request carries credentials drawn
for its endpoint: mostly valid ones (Basic ``login:password`` with a TOTP code where needed,
``client_id:client_secret``, ``token X``), sometimes wrong, missing or malformed ones.

The description fuzzed and checked is the official one with ``tests/vendor/ghes-2.18-errata.json``
applied (where real recordings contradict it, the recordings win; ``tests/openapi.py``).

Reported, each distinct kind once with the smallest request seen: a 500, an exception escaping
the WSGI app, a body that is not JSON where JSON is due, a JSON body the description (with the
errata) does not allow, and an answer slower than 1 s. Exit status 1 when any was found.
``tests/test_fuzz_openapi.py`` runs a small budget of the same.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from schemathesis import GenerationMode

# The fuzzer's modules live next to this script (fuzz_world, fuzz_inputs, fuzz_findings,
# fuzz_engine); they import fake_ghe and tests.openapi from the repository root. Both go on the
# path: tests/test_fuzz_openapi.py loads this file by its path, with neither there.
HERE = Path(__file__).resolve().parent
for _path in (HERE.parent, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from fuzz_engine import Fuzzer  # noqa: E402

# ------------------------------------------------------------------------------ running


def run(
    examples: int,
    seed_value: int,
    *,
    reset_every: int = 50,
    hostile_examples: int | None = None,
    labels: Sequence[str] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> Fuzzer:
    """Fuzz the operations named by ``labels`` (all when None); the fuzzer holds the results."""
    # The fake logs every 500 with its traceback; findings are reported here instead. Put
    # back afterwards: in a test run the logger is shared with every other test.
    logger = logging.getLogger("fake_ghe")
    was_disabled, logger.disabled = logger.disabled, True
    try:
        return _run(examples, seed_value, reset_every, hostile_examples, labels, log)
    finally:
        logger.disabled = was_disabled


def _run(
    examples: int,
    seed_value: int,
    reset_every: int,
    hostile_examples: int | None,
    labels: Sequence[str] | None,
    log: Callable[[str], None],
) -> Fuzzer:
    fuzzer = Fuzzer(reset_every=reset_every)
    hostile = examples if hostile_examples is None else hostile_examples
    for op in fuzzer.operations:
        if labels is not None and op.label not in labels:
            continue
        before = fuzzer.requests
        fuzzer.run_corpus(op)
        made = [
            mode.value
            for mode in GenerationMode
            if fuzzer.fuzz_schema(op, mode, examples, seed_value)
        ]
        fuzzer.fuzz_hostile(op, hostile, seed_value)
        log(
            f"  {op.label:<55} {fuzzer.requests - before:>6} requests "
            f"(schemathesis: {', '.join(made)})"
        )
    return fuzzer


def report(fuzzer: Fuzzer, elapsed: float) -> str:
    lines = []
    for number, finding in enumerate(fuzzer.failures, 1):
        status = f" -> {finding.status}" if finding.status is not None else ""
        lines.append(
            f"[{number}] {finding.kind} in {finding.operation}{status} "
            f"(seen {finding.count}x); smallest request:"
        )
        if len(finding.operations) > 1:
            lines.append(f"    operations: {', '.join(sorted(finding.operations))}")
        lines.append(finding.request.describe())
        lines.append(f"    {finding.detail}")
    by_kind: dict[str, int] = {}
    for finding in fuzzer.failures:
        by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(fuzzer.statuses.items()))
    lines += [
        "",
        f"operations covered: {len(fuzzer.covered)}/{len(fuzzer.operations)}",
        f"requests sent:      {fuzzer.requests}",
        f"statuses:           {statuses}",
        f"500s found:         {by_kind.get('500', 0)} distinct",
        f"schema violations:  {by_kind.get('schema', 0)} distinct",
        f"other findings:     exceptions {by_kind.get('exception', 0)}, "
        f"non-JSON {by_kind.get('non-json', 0)}, slow (> {fuzzer.slow_seconds:g} s) "
        f"{by_kind.get('slow', 0)}",
        f"time taken:         {elapsed:.1f} s",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=100,
        help="examples per operation for each of positive, negative, hostile",
    )
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed")
    parser.add_argument(
        "--reset-every", type=int, default=50, help="reset and reseed the store every K requests"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per operation")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    fuzzer = run(
        args.examples,
        args.seed,
        reset_every=args.reset_every,
        log=print if args.verbose else lambda _: None,
    )
    print(report(fuzzer, time.perf_counter() - started))
    return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())
