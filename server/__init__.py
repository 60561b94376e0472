"""One application: the API under /api and the pages at /, on one engine, one secret and one roster queue."""
