"""Alembic migration environment shipped inside the package (``kurzum db upgrade``)."""
