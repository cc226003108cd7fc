import sys

from mentordash.cli import main

sys.exit(main())
