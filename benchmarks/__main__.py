import sys

from benchmarks.pipeline import main

sys.exit(main())
