"""The prompt library: templates, categories, versions, ratings, usage and search.

The package is named prompt_templates so it does not read like the Jinja folder; its
blueprints and URLs stay `templates`.
"""
