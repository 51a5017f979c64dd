"""The web service: ``create_app(settings)`` builds the FastAPI app (JSON APIs, auth)."""
