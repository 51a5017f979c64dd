"""Persistence: engine and sessions (db), ORM tables, repositories and Alembic migrations."""
