"""The HTTP edge that the API and the pages share: request dependencies and the one error-to-status table."""
