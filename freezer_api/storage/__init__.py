"""Document stores: one interface (``base.Store``), two drivers."""
