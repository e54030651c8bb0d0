"""AskMe: a guided prompt builder that asks only what a strong prompt still needs."""
