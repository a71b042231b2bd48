from nettrace.cli import main

raise SystemExit(main())
