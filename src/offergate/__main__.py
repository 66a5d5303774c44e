"""`python -m offergate` runs the same command as the `offergate` script."""

import sys

from offergate.cli import main

sys.exit(main())
