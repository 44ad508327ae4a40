"""How one fake presents itself: public host, API prefix, version.

Standard library only: the pytest plugin's options read ``DEFAULT_HOSTNAME`` from here
without importing Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import UsageError

API_PREFIX = "/api/v3"
ENTERPRISE_VERSION = "2.18.0"
# Where an in-process fake answers unless told otherwise (the pytest plugin's default too).
DEFAULT_HOSTNAME = "ghe.example.com"
# [decision] Request bodies larger than this get 413 unread: every GHE 2.18 body of this API is
# a few hundred bytes; 1 MiB leaves room for any client and none for a memory blow-up.
MAX_BODY = 1024 * 1024
# The admin API takes scenarios (the reader looks at 1 MiB of one) and faults with bodies.
MAX_ADMIN_BODY = 8 * 1024 * 1024
_HOST = re.compile(r"[A-Za-z0-9.\-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")


@dataclass(frozen=True)
class Config:
    """Settings of one fake.

    ``hostname`` is the public name used in absolute ``url`` fields (GHE builds them from its
    configured hostname). When None, the Host of each request is used, which is what a
    throwaway server on a free port wants.
    """

    hostname: str | None = None
    scheme: str = "https"
    api_prefix: str = API_PREFIX
    enterprise_version: str = ENTERPRISE_VERSION
    admin: bool = True
    # Host names (besides loopback, localhost and ``hostname``) the admin API answers to: it
    # refuses any other Host, so a page on another site cannot reach it by DNS rebinding.
    admin_hosts: tuple[str, ...] = ()
    # When set, every admin request must carry ``Authorization: Bearer TOKEN``.
    admin_token: str | None = None
    max_body: int = MAX_BODY
    max_admin_body: int = MAX_ADMIN_BODY

    def web_root(self, request_host: str, request_scheme: str) -> str:
        if self.hostname:
            return f"{self.scheme}://{self.hostname}"
        return f"{request_scheme}://{request_host}"


def valid_host(value: str) -> bool:
    """Whether ``value`` is a ``Host`` header a URL can be built from: ``host[:port]``."""
    return bool(_HOST.fullmatch(value))


def split_hostname(value: str, scheme: str = "https") -> tuple[str, str]:
    """``(scheme, host[:port])`` from ``host``, ``host:port`` or ``scheme://host[:port][/api/v3]``.

    ValueError for anything else (a path, another scheme, a space...).
    """
    if not isinstance(value, str) or not value.strip():
        raise UsageError("hostname must be a non-empty string")
    text = value.strip()
    if "://" in text:
        parts = urlsplit(text)
        if parts.path not in ("", "/", API_PREFIX, API_PREFIX + "/"):
            raise UsageError(f"hostname {value!r}: give the host, not a path ({parts.path!r})")
        scheme, text = parts.scheme, parts.netloc
    if scheme not in ("http", "https"):
        raise UsageError(f"hostname {value!r}: the scheme must be http or https")
    if not _HOST.fullmatch(text):
        raise UsageError(f"hostname {value!r} is not a host name (with an optional :port)")
    return scheme, text
