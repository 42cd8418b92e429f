"""The bot's core: events in, handlers, one persisted outbox out. It never imports a transport."""
