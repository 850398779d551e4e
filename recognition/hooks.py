"""What recognition announces to the apps after it (webhooks): they connect here, recognition never imports them."""

from django.dispatch import Signal

# Sent once the kudos has committed: kudos.
kudos_given = Signal()
