"""Handlers of the operations that are more than plain CRUD, one module per area."""
