"""`python -m bench`: the benchmark report (bench/report.py)."""

import sys

from bench.report import main

sys.exit(main())
