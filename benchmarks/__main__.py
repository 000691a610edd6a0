"""python -m benchmarks: the benchmark table (see bench.py)."""

import sys

from benchmarks.bench import main

sys.exit(main())
