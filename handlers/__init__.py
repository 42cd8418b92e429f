"""Chat features, one concern per module, declared with the decorators of core.registry and listed in features.py."""
