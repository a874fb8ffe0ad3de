"""The flowtly-mcp benchmark suite: `python -m bench` measures token cost, speed and memory and writes RESULTS.md."""
