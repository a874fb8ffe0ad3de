"""Transports beyond stdio: streamable HTTP with authentication and DNS-rebinding protection."""
