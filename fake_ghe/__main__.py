"""``python -m fake_ghe``: the same as the ``fake-ghe`` command."""

from .cli import main

raise SystemExit(main())
