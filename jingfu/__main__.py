import sys

from jingfu.cli import main

sys.exit(main())
