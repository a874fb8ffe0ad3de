"""`python -m flowtly_mcp` and the `flowtly-mcp` console script.

The command line is imported inside main() so that Ctrl-C while the modules load (seconds on a busy machine) ends
as quietly as Ctrl-C later on.
"""

import sys


def main() -> int:
    try:
        from flowtly_mcp.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("flowtly-mcp: stopped\n")
        return 130
    return run()


if __name__ == "__main__":
    sys.exit(main())
