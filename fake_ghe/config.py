"""How one fake presents itself: public host, API prefix, version."""

from __future__ import annotations

from dataclasses import dataclass

API_PREFIX = "/api/v3"
ENTERPRISE_VERSION = "2.18.0"


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

    def web_root(self, request_host: str, request_scheme: str) -> str:
        if self.hostname:
            return f"{self.scheme}://{self.hostname}"
        return f"{request_scheme}://{request_host}"
