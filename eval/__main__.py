"""`python -m eval …`: the `madoguchi eval` commands without the rest of the CLI."""

import sys

from eval.cli import main

sys.exit(main())
