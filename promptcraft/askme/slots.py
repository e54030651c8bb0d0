"""The slots a strong prompt fills, which ones each kind of task needs, and how to tell that a
text already fills one.

A slot is one thing the model would otherwise guess: who reads the result, its tone, its shape,
its length, what to avoid, an example. Each task type (from the orchestrator's intent) ranks
the slots that matter for it; a category may lift some (code wants a language first).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slot:
    name: str
    text: str
    why: str
    options: tuple[str, ...] = ()
    detect: re.Pattern[str] | None = None

    @property
    def kind(self) -> str:
        return "choice" if self.options else "text"


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(alternatives) + r")\b", re.I)


READERS = (r"beginners?|novices?|students?|pupils|kids|children|teenagers|executives?|ceos?|customers?|clients?|"
           r"developers?|engineers?|programmers|managers?|my team|our team|colleagues|investors?|stakeholders|"
           r"readers|subscribers|experts?|parents|users|employees|recruiters?|hiring managers?|patients|"
           r"non-technical [a-z]+|[a-z]+ graders|the board|followers|fans")
LANGUAGES = (r"python|javascript|typescript|java|kotlin|swift|golang|rust|ruby|php|c\+\+|c#|sql|bash|shell|"
             r"powershell|scala|haskell|elixir|english|french|german|spanish|italian|portuguese|dutch|polish|"
             r"russian|chinese|mandarin|japanese|korean|arabic|hindi|turkish|swedish|ukrainian")

SLOTS: dict[str, Slot] = {slot.name: slot for slot in (
    Slot("audience", "Who will read or use the result?",
         "The same content is written differently for a beginner, a customer or an expert.",
         ("Beginners", "Customers", "Colleagues / my team", "Executives", "Technical experts"),
         re.compile(r"\b(audience|(?:for|to|aimed at|targeting|explain(?:ed)? to)\s+(?:my |our |an? |the )?(?:"
                    + READERS + r"))\b", re.I)),
    Slot("context", "What is the background: who are you, and what will this be used for?",
         "Background changes what a good answer is; without it the model writes for no one in particular.",
         detect=_words(r"because", r"background", r"context", r"i am", r"i'm", r"we are", r"we're",
                       r"our (?:company|team|product|startup|goal|app|shop|school)",
                       r"my (?:company|team|goal|project|business|class|blog|startup)", r"so that", r"in order to",
                       r"the goal is", r"purpose")),
    Slot("tone", "What tone should it have?", "Tone decides whether the result fits where it will be used.",
         ("Friendly", "Formal", "Concise and direct", "Persuasive", "Playful"),
         _words(r"tone", r"formal", r"informal", r"casual", r"friendly", r"professional", r"playful", r"persuasive",
                r"empathetic", r"humorous", r"funny", r"neutral", r"enthusiastic", r"warm", r"witty", r"serious")),
    Slot("format", "What shape should the answer take?",
         "Without a format the model picks a shape you then have to fix by hand.",
         ("Bulleted list", "Table", "Numbered steps", "Short paragraphs", "JSON", "Email"),
         _words(r"format", r"bullet(?:ed)? (?:points?|list)", r"bullets", r"numbered list", r"table", r"json",
                r"markdown", r"csv", r"yaml", r"headings?", r"paragraphs?", r"step[- ]by[- ]step", r"outline",
                r"code block", r"email", r"tweet", r"slides?", r"checklist")),
    Slot("length", "How long should it be?", "A length keeps the answer focused and the right size for its place.",
         ("One or two sentences", "About 100 words", "About 300 words", "One page", "As long as it needs"),
         re.compile(r"\b(\d+\s*(?:-\s*\d+\s*)?(?:words?|sentences?|paragraphs?|pages?|bullets?|lines?|characters?|"
                    r"items?|ideas?|minutes?|slides?)|short|brief|one[- ]page|concise|long[- ]form|tl;?dr)\b", re.I)),
    Slot("constraints", "Is there anything it must include or avoid?",
         "Limits stop the model from padding, inventing or straying off topic.",
         detect=_words(r"must", r"avoid", r"do not", r"don't", r"never", r"only", r"no more than", r"at most",
                       r"at least", r"without", r"make sure", r"ensure", r"required?", r"exclude", r"include")),
    Slot("examples", "Can you show an example of what good looks like?",
         "Models copy examples well: one sample says more than a paragraph of instructions.",
         detect=re.compile(r"(for example|e\.g\.|such as|for instance|example:|examples?:|like this:|sample:)", re.I)),
    Slot("source_text", "Paste the text it should work on.",
         "The model can only summarise, rewrite or analyse what it is given.",
         detect=re.compile(r"(```|\"\"\"|\n\s*\n|^.{600,}$|:\s*\n)", re.S)),
    Slot("language", "Which language should it use?",
         "The language (programming or spoken) changes every line of the result.",
         ("Python", "JavaScript", "SQL", "English", "Spanish"),
         _words(LANGUAGES)),
    Slot("criteria", "What should it judge or compare against?",
         "Named criteria turn a vague opinion into an analysis you can act on.",
         detect=_words(r"criteria", r"in terms of", r"based on", r"focus(?:ing)? on", r"against", r"pros and cons",
                       r"strengths and weaknesses")),
    Slot("scope", "What timeframe and resources does it have?",
         "A plan that ignores time and budget cannot be followed.",
         ("One day", "One week", "One month", "A quarter"),
         re.compile(r"\b(\d+\s*(?:days?|weeks?|months?|hours?|years?)|budget|deadline|weekend|by (?:monday|tuesday|"
                    r"wednesday|thursday|friday|next \w+))\b", re.I)),
    Slot("style", "Which visual style?", "Style words are what image models follow most closely.",
         ("Photorealistic", "Illustration", "Watercolour", "3D render", "Pixel art"),
         _words(r"photo(?:realistic|graph)?", r"illustration", r"watercolou?r", r"oil painting", r"3d", r"render",
                r"pixel art", r"anime", r"sketch", r"cinematic", r"minimalist")),
)}

# Per task type (see orchestrator.intent.TASK_VERBS), the slots that matter most, in order.
TASK_SLOTS: dict[str, tuple[str, ...]] = {
    "write": ("audience", "context", "tone", "format", "length", "constraints", "examples"),
    "summarize": ("source_text", "audience", "length", "format", "constraints", "context"),
    "analyze": ("source_text", "criteria", "audience", "format", "constraints", "length"),
    "explain": ("audience", "context", "length", "format", "examples", "tone"),
    "translate": ("source_text", "language", "audience", "tone", "constraints"),
    "code": ("language", "context", "constraints", "format", "examples"),
    "brainstorm": ("context", "audience", "length", "constraints", "format", "tone"),
    "extract": ("source_text", "format", "constraints", "examples"),
    "plan": ("context", "scope", "constraints", "format", "length"),
    "roleplay": ("context", "tone", "constraints", "length", "examples"),
    "rewrite": ("source_text", "audience", "tone", "length", "constraints"),
    "image": ("style", "context", "format", "constraints", "examples"),
}
GENERAL = ("audience", "context", "format", "length", "tone", "constraints", "examples")
# Categories (library slugs) whose prompts hinge on particular slots: those move to the front.
CATEGORY_FIRST: dict[str, tuple[str, ...]] = {
    "coding": ("language",), "devops": ("language", "context"), "data-analysis": ("format", "criteria"),
    "marketing": ("audience", "tone"), "communication": ("audience", "tone"), "education": ("audience",),
    "science-math": ("audience",), "language": ("language",), "image-generation": ("style",),
    "business": ("audience", "context"), "career": ("context",), "creative-writing": ("tone", "length"),
}
# Template variables that ask for a slot under another name: a matching template that needs one
# is evidence that the slot matters for this kind of prompt.
VARIABLE_SLOTS = {
    "audience": "audience", "target_audience": "audience", "reader": "audience", "readers": "audience",
    "tone": "tone", "voice": "tone", "format": "format", "output_format": "format", "length": "length",
    "word_count": "length", "words": "length", "language": "language", "programming_language": "language",
    "text": "source_text", "input": "source_text", "content": "source_text", "article": "source_text",
    "code": "source_text", "style": "style", "background": "context", "context": "context",
    "timeframe": "scope", "budget": "scope", "criteria": "criteria", "example": "examples",
}


def ranked_slots(task_type: str, category: str | None, template_variables: list[str] = ()) -> list[str]:
    """The slots worth asking about for this task, most important first."""
    order = list(TASK_SLOTS.get(task_type, GENERAL))
    lifted = list(CATEGORY_FIRST.get(category or "", ()))
    lifted += [VARIABLE_SLOTS[v] for v in template_variables if v in VARIABLE_SLOTS]
    for name in reversed(list(dict.fromkeys(lifted))):
        if name in order:
            order.remove(name)
        order.insert(0, name)
    return order + [name for name in GENERAL if name not in order]


def answered_in(text: str) -> dict[str, str]:
    """The slots a text already fills, each with the words that fill it."""
    found = {}
    for slot in SLOTS.values():
        match = slot.detect.search(text) if slot.detect and text else None
        if match:
            found[slot.name] = match.group(0).strip() if slot.name != "source_text" else "(in the goal)"
    return found


@dataclass(frozen=True)
class FollowUp:
    """A question one answer opens: asked right after the question it follows."""

    slot: str
    parent: str
    when: re.Pattern[str]
    text: str
    why: str
    options: tuple[str, ...] = field(default=())

    @property
    def kind(self) -> str:
        return "choice" if self.options else "text"


FOLLOW_UPS = (
    FollowUp("columns", "format", _words("table", "spreadsheet", "csv"), "Which columns should the table have?",
             "Naming the columns fixes what each row must contain."),
    FollowUp("fields", "format", _words("json", "yaml"), "Which fields should each object have?",
             "A named schema makes the output parseable by your code."),
    FollowUp("count", "format", _words("list", "bullet(?:ed)?", "bullets", "numbered", "steps", "checklist"),
             "How many items?", "A number keeps the list from being padded or cut short.", ("3", "5", "7", "10")),
    FollowUp("recipient", "format", _words("email", "letter", "message"),
             "Who is the email to, and what should they do?",
             "An email reads differently to a client, a manager or a friend."),
    FollowUp("prior_knowledge", "audience", _words("beginners?", "novices?", "students?", "kids", "children",
                                                   "non-technical", "pupils", "new"),
             "What do they already know about the topic?", "Starting from what the reader knows avoids both "
             "condescension and jargon."),
    FollowUp("call_to_action", "tone", _words("persuasive", "sales", "convincing"),
             "What should the reader do afterwards?", "Persuasion needs a goal: one clear call to action."),
    FollowUp("version", "language", _words("python", "javascript", "typescript", "java", "sql", "go", "rust", "php"),
             "Which version, framework or libraries?", "Code for the wrong version or stack does not run.",),
)
