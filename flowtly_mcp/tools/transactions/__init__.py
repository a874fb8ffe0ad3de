"""Bank transactions: suggestions, imports, exports and attachments."""
