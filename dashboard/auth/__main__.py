"""``python -m dashboard.auth add-user NAME ROLE ...`` / ``list-users``: see
`dashboard.auth.users.main`."""

import sys

from dashboard.auth.users import main

sys.exit(main())
