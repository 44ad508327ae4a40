"""create_app: the Flask app of one fake, its routes and pages, and the one pipeline
(``fake_ghe.pipeline``) every request is answered through."""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, Request, Response, request

from .api import routes
from .config import Config
from .exchange import current
from .pipeline import SERVER_ERROR, Pipeline
from .runtime import Runtime
from .store import Store

__all__ = ["SERVER_ERROR", "create_app"]


def create_app(runtime: Runtime | Store | None = None, config: Config | None = None) -> Flask:
    """A WSGI app serving one fake GHE: ``runtime``, or a Runtime around a store (a fresh one
    if not given), whose ``reset()`` then empties it."""
    config = config or Config()
    # No app-wide /static route: the state page serves its assets under the admin prefix,
    # so --no-admin leaves nothing but the GHE API.
    app = Flask("fake_ghe", static_folder=None)
    # A doubled slash is a path of its own, answered as GHE did (JSON, 404 where it is not
    # a route), never werkzeug's HTML redirect to the merged path.
    app.url_map.merge_slashes = False
    fake = Runtime.of(runtime, config)
    app.extensions["fake_ghe"] = fake

    routes.register(app, config.api_prefix)
    # The OAuth web flow's pages at the root, as on GHE (not API routes: no credentials).
    from . import web

    web.register(app)

    admin_prefix: str | None = None
    if config.admin:
        from . import admin

        admin.register(app)
        admin_prefix = admin.PREFIX

    pipeline = Pipeline(app, fake, config, admin_prefix)
    # Every API view declares its credentials (fake_ghe.api.routes), or there is no app.
    routes.check(app, pipeline.is_api)

    # Pages and the admin API go through Flask, and through the same steps as the API.
    @app.before_request
    def begin() -> Response | None:
        exchange = current()
        # Flask's own request object (the one behind its proxy, as Flask's "Notes On Proxies"
        # document): pages read their forms through it.
        exchange.request = cast(Request, cast(Any, request)._get_current_object())
        return pipeline.begin(exchange)

    app.after_request(pipeline.finish)
    # One handler for every error, which picks the answer as it does for the API.
    app.register_error_handler(Exception, pipeline.failed)
    # The documented place for WSGI middleware: the pipeline answers API requests itself and
    # hands the rest to Flask's own wsgi_app.
    app.wsgi_app = pipeline.wsgi  # type: ignore[method-assign]
    return app
