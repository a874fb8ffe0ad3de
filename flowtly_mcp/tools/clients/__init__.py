"""Clients: free-text search and a client's documents."""
