"""`python -m tui` runs the boardless command line."""

from tui.cli.main import main

raise SystemExit(main())
