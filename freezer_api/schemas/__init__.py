"""JSON schemas of the documents, one module per noun."""
