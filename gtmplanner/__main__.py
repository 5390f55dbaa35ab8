"""``python -m gtmplanner``: the same as the ``gtmplanner`` command."""

from gtmplanner.cli import main

raise SystemExit(main())
