"""Console scripts and the WSGI entry point."""
