"""Falcon middleware of the API."""
