"""pytest plugin for fake-ghe (registered through the ``pytest11`` entry point)."""
