"""What the FakeGHE facade test modules share: the start time, a TOTP secret, a GET helper."""

from __future__ import annotations

from datetime import datetime, timezone

import requests

from fake_ghe import FakeGHE

START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"


def get(fake: FakeGHE, path: str, auth: tuple[str, str], **kwargs: object) -> requests.Response:
    return requests.get(fake.url(path), auth=auth, **kwargs)  # type: ignore[arg-type]
