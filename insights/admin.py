"""Nothing to administer: the dashboards read surveys, tickets and off-script actions."""
