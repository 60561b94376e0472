"""Server-rendered pages on the same FastAPI app as the API: they call the same coop use-cases."""
