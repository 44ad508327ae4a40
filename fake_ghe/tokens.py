"""Token values: 40 lowercase hex characters, random or drawn from a seed."""

from __future__ import annotations

import hashlib
import random
import secrets


def hash_token(token: str) -> str:
    """``hashed_token`` as GHE showed it: lowercase hex SHA-256 of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenSource:
    """New tokens; with a seed, the same sequence every run (so responses are reproducible)."""

    def __init__(self, seed: int | str | None = None) -> None:
        self._random = random.Random(seed) if seed is not None else None

    def new(self) -> str:
        if self._random is None:
            return secrets.token_hex(20)
        return f"{self._random.getrandbits(160):040x}"
