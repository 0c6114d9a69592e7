"""Business rules, above the store and below HTTP: one module per noun."""
