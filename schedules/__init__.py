"""Jobs that run on the clock rather than on a message, declared with core.registry.recurring, listed in features.py."""
