"""Data the owner brings in from outside the chat: the back office's exports, read from files."""
