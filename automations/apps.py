from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "automations"
    verbose_name = "Automations"

    def ready(self) -> None:
        from automations import engine
        from tickets import events

        events.subscribe_in_transaction(engine.on_event)
        from automations import hooks  # registers the notice kind

        hooks.install()
