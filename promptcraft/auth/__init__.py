"""Accounts, tokens, API keys and social login."""
