"""Prompt history: what a user ran, the prompts they keep, their versions and conversation threads.

Other domains write history through `service.record_prompt` and learn of it through the
`prompt_recorded` signal. Every row is owned by one user and soft-deleted into a trash.
"""
