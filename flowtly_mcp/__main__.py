"""`python -m flowtly_mcp` and the `flowtly-mcp` console script.

The command line is imported inside main() so that Ctrl-C while the modules load (seconds on a busy machine) ends
as quietly as Ctrl-C later on.
"""

import signal
import sys
from types import FrameType

# Ctrl-C still raises KeyboardInterrupt, and is also noted here: when it lands inside a C extension (pydantic-core
# building a validator while the modules load), that extension hands it back wrapped in an error of its own.
_ctrl_c: list[int] = []


def _on_ctrl_c(signum: int, _frame: FrameType | None) -> None:
    _ctrl_c.append(signum)
    raise KeyboardInterrupt


def _stopped() -> int:
    sys.stderr.write("flowtly-mcp: stopped\n")
    return 130


def main() -> int:
    signal.signal(signal.SIGINT, _on_ctrl_c)
    try:
        from flowtly_mcp.cli import main as run

        return run()
    except KeyboardInterrupt:
        return _stopped()
    except Exception:
        if _ctrl_c:
            return _stopped()
        raise


if __name__ == "__main__":
    sys.exit(main())
