"""Alembic migrations of the SQL store (a package, so that wheels ship them)."""
