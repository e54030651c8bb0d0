"""Prompt intelligence: assessment, intent, composition, optimisation."""
