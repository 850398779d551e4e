"""Loads the demo data (idempotent): people and tickets, then each app's own demo data on top.

The demo data lives in the top-level `demo` package, outside the apps' runtime: `demo.<app>.seed(stdout)`
for each app that has some, run in dependency order.
"""

import importlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from helpdesk.env import env_bool

DEMO_APPS = ["tickets", "mailroom", "agents", "feedback", "recognition", "automations", "insights"]


class Command(BaseCommand):
    help = "Load Latitude's demo accounts and data (safe to run again)."

    def handle(self, *args, **options):
        if env_bool("LATITUDE_PRODUCTION", False):
            raise CommandError("Refusing to create the demo accounts (password “demo”) with LATITUDE_PRODUCTION=1.")
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"demo.{app}")
            except ModuleNotFoundError as exc:
                if exc.name == f"demo.{app}":
                    continue
                raise
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in as ana, bruno, lena or marta with password “demo”.")
        )
