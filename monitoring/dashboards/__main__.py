"""``python -m monitoring.dashboards DIRECTORY [--check]``."""

import sys

from monitoring.dashboards import main

sys.exit(main())
