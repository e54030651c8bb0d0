"""From any user text to a safe full-text query: words only, so operators, quotes and
parentheses in the input can never break the query syntax of either database."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERM_LENGTH = 40

# Common English words that say nothing about what a prompt is for. PostgreSQL's english
# configuration drops these itself; dropping them here keeps SQLite's ranking comparable.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    also may might must shall us let like want act please use using used one two get make within without""".split()  # noqa: SIM905
)


PAIRED_TERMS = 4  # mode "two": at least two of the first this many terms


@dataclass(frozen=True)
class TermQuery:
    """Normalised words and how to combine them: all must match, any may, or at least two of
    the first PAIRED_TERMS (the most telling words of a text, for "more like this")."""

    terms: tuple[str, ...]
    mode: Literal["all", "any", "two"] = "all"
    prefix_last: bool = True

    def fts5(self) -> str:
        """The SQLite FTS5 MATCH expression (each term quoted, so never parsed as syntax)."""
        parts = [f'"{term}"' for term in self.terms]
        if self.prefix_last and self.mode == "all":
            last, prefix = self.terms[-1], typing_prefix(self.terms[-1])
            parts[-1] = f'"{prefix}"*' if prefix == last else f'("{last}" OR "{prefix}"*)'
        if self._paired():
            return " OR ".join(f"({a} AND {b})" for a, b in combinations(parts[:PAIRED_TERMS], 2))
        return (" AND " if self.mode == "all" else " OR ").join(parts)

    def tsquery(self) -> str:
        """The PostgreSQL to_tsquery expression."""
        parts = self.tsquery_terms()
        if self._paired():
            return " | ".join(f"({a} & {b})" for a, b in combinations(parts[:PAIRED_TERMS], 2))
        return (" & " if self.mode == "all" else " | ").join(parts)

    def _paired(self) -> bool:
        return self.mode == "two" and len(self.terms) > 1

    def tsquery_terms(self) -> list[str]:
        """Each term as a to_tsquery expression (the last one, while typed, with its prefix)."""
        parts = list(self.terms)
        if self.prefix_last and self.mode == "all":
            last, prefix = self.terms[-1], typing_prefix(self.terms[-1])
            parts[-1] = f"{prefix}:*" if prefix == last else f"({last} | {prefix}:*)"
        return parts


def typing_prefix(word: str) -> str:
    """The part of a word still being typed that is safe to match as a prefix.

    Both indexes store stems ("marketing" → "market"), so the typed "marketi" must not be
    the prefix, or it would never match. Dropping up to three trailing letters (never below
    four) stays inside the stem for common English suffixes. A word whose stem is shorter still
    ("visualization" → "visual") is matched as typed too, stemmed like the index.
    """
    return word if len(word) <= 4 else word[: max(4, len(word) - 3)]


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if len(w) <= MAX_TERM_LENGTH]


def parse(text: str | None, *, mode: Literal["all", "any"] = "all", max_terms: int = 12) -> TermQuery | None:
    """The words of `text` as a query; None when there is nothing to search for.

    Stop words are dropped unless they are all there is; the last word matches as a prefix, so
    results follow the user as they type.
    """
    tokens = words(text or "")
    if not tokens:
        return None
    meaningful = [t for t in tokens if t not in STOPWORDS] or tokens
    unique = list(dict.fromkeys(meaningful))[:max_terms]
    prefix = mode == "all" and bool(text) and not text[-1].isspace() and unique[-1] == tokens[-1]
    return TermQuery(tuple(unique), mode, prefix_last=prefix)


def keywords(text: str, limit: int = 12) -> TermQuery | None:
    """The most frequent meaningful words of `text`, any of which may match ("more like this")."""
    counts = Counter(t for t in words(text) if t not in STOPWORDS and len(t) > 2 and not t.isdigit())
    if not counts:
        return None
    return TermQuery(tuple(term for term, _ in counts.most_common(limit)), "any", prefix_last=False)
