import sys

from benchmarks.side_by_side import main

sys.exit(main())
