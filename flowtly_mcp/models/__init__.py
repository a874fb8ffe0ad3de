"""Typed inputs of the tools: the documented fields of each resource, with types, required flags and enums."""
