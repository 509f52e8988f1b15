"""The frozen bundle's entry point: the same ``roundtable`` command as an install's."""

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
