"""python -m talos_dynamic.cli"""

import sys

from .main import main

sys.exit(main())
