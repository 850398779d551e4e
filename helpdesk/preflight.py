"""`python -m helpdesk.preflight`: load the settings the way every entrypoint will, and refuse early.

bin/web, bin/worker, bin/beat and bin/release run this first, so a production process missing its
configuration stops with one line naming what is missing instead of a worker-boot traceback loop.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    try:
        from django.conf import settings

        settings.DEBUG  # noqa: B018 - importing the module is the check
    except ImproperlyConfigured as exc:
        print(f"latitude: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
