import sys

from flowtly_mcp.cli import main

sys.exit(main())
