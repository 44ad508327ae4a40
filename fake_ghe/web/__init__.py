"""The OAuth web application flow at the server's root, as GHE 2.18 served it.

``GET /login/oauth/authorize`` leads a browser through sign-in (``/login``, ``/session``),
two-factor (``/sessions/two-factor``) and consent, then back to the app's callback with a
code; ``POST /login/oauth/access_token`` swaps the code for a token. These are pages, not API
routes: they declare no credentials (``fake_ghe.api.routes`` covers ``/api/v3`` only) and
guard themselves with a session cookie and a per-session form token (``session.py``).
The state (sessions, codes) is the store's (``fake_ghe.store.webflow``).
"""

from __future__ import annotations

from flask import Flask

SIGN_IN_PATH = "/login/oauth/authorize"


def register(app: Flask) -> None:
    """Add the web flow's pages and token endpoint to a fake's Flask app."""
    from . import pages, token

    app.register_blueprint(pages.bp)
    app.register_blueprint(token.bp)
