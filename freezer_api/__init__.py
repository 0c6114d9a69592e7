"""freezer-api: the backup-and-restore control-plane API for OpenStack."""
