"""The HTTP API: one thin router per resource, mounted by create_app()."""
