"""Alembic migrations of the SQL store.

A package, so that wheels ship them.
"""
