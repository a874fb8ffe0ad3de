"""`python -m bench`: run every benchmark section and write bench/RESULTS.md and bench/results.json."""

import sys

from bench.run import main

sys.exit(main())
