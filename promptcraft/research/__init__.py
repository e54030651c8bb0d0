"""Research jobs: a topic researched in the background from the library, the user's own prompts and
(when configured) the web, ending in a brief that cites its sources."""
