"""The agent tools: declared once in a registry, bound to MCP in `binding.py`."""
