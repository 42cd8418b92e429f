"""Jobs that run on the clock rather than on a message. Each registers itself with core.registry.recurring."""

from schedules import maintenance, weekly_review  # noqa: F401
