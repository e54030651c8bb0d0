"""A labelled set for the assessment rubric: prompts people wrote, judged strong or weak.

Strong: a clear task, who it is for, the context that matters, limits and the shape of the
answer. Weak: vague, missing the task or the audience, or long without saying what is wanted.
Some strong ones are short and some weak ones are long, so length alone cannot sort them.
"""

STRONG = [
    "You are a senior Python reviewer. Review the function below for correctness, readability and performance. "
    "List each issue as a bullet with the line number, why it matters and a fixed version. Do not rewrite the "
    "whole function.",
    "Write a 150-word product description for our ceramic pour-over coffee dripper, aimed at home baristas who "
    "already own a grinder. Mention the 1-2-cup size and the dishwasher-safe glaze. Friendly tone, no superlatives.",
    "Summarise the attached quarterly report for the board in 5 bullet points: revenue, margin, churn, hiring and "
    "the top risk. Each bullet under 25 words, with the figure and its change from last quarter.",
    "Act as an experienced ESL teacher. Create a 10-question multiple-choice quiz on the present perfect for "
    "B1 learners. Give four options per question, mark the correct answer, and add a one-line explanation.",
    "Translate the following customer email from German into English for our support team. Keep the customer's "
    "tone, keep product names untranslated, and flag any sentence whose meaning is ambiguous in brackets.",
    "I run a 12-person bakery. Draft a one-page weekly staff schedule template as a Markdown table with columns "
    "Day, Shift, Name, Role. Two shifts per day (6-14, 14-22), closed Mondays.",
    "You are a data analyst. Given the CSV columns date, store_id, sales, write a SQL query for PostgreSQL that "
    "returns each store's 7-day rolling average of sales, ordered by store and date. Explain the window clause "
    "in two sentences.",
    "Write three subject lines for a re-engagement email to customers who have not ordered in 90 days. Audience: "
    "busy parents. Each under 50 characters, no emojis, one of them a question.",
    "Explain how HTTPS protects a login form to a non-technical small-business owner, in under 200 words, using "
    "one everyday analogy and no acronyms except HTTPS.",
    "Create a 5-day beginner running plan for someone who can currently jog 10 minutes. Output a table with day, "
    "workout, duration and effort (easy/moderate). Include one rest day and a safety note at the end.",
    "As a senior UX writer, rewrite these three error messages so they say what happened and what to do next. "
    "Keep each under 15 words. Example: 'Payment failed' -> 'Your card was declined. Try another card.'",
    "Generate a JSON array of 5 fictional customer records for testing, each with id (UUID), name, email "
    "(example.com domain), signup_date (2024, ISO 8601) and plan (free|pro). Output only the JSON.",
    "You are a career coach. Review my CV summary below for a product manager role at a fintech startup. Give "
    "three concrete improvements, each with a rewritten sentence, and keep my voice.",
    "Draft a polite reply declining a vendor's proposal because it exceeds our budget by 30%. Keep the door "
    "open for next quarter. Three short paragraphs, formal tone, sign off as Maria, Procurement Lead.",
    "Compare PostgreSQL and MongoDB for a startup storing orders with many relations. Give a table of 5 criteria "
    "(consistency, querying, scaling, tooling, cost) and end with a one-paragraph recommendation.",
    "Write a haiku sequence of three haiku about the first snow in Kyoto, each following 5-7-5 syllables, "
    "quiet and observational in tone, without using the word 'white'.",
    "You are an accessibility expert. Audit this HTML form for WCAG 2.2 AA issues. For each issue give the "
    "criterion number, the element, and the fix as a code snippet. Ignore colour contrast.",
    "Plan a 3-day itinerary in Lisbon for a couple in their 60s who dislike steep walks. Include mornings, "
    "afternoons and evenings, travel times by tram or taxi, and one restaurant per day under 40 EUR per person.",
    "Classify each customer review below as positive, negative or mixed, and extract the product feature it "
    "mentions. Return a Markdown table with columns Review #, Sentiment, Feature.",
    "Write unit tests with pytest for the slugify(text) function below. Cover empty strings, accents, repeated "
    "separators and 200-character input. Use parametrize and name each test for the rule it checks.",
    "Give me a step-by-step checklist for onboarding a new remote software engineer in their first week, grouped "
    "by day, with the owner of each step (manager, buddy, IT).",
    "You are a nutritionist. Suggest 7 high-protein vegetarian breakfasts under 500 kcal, each with protein grams, "
    "prep time, and one sentence on why it keeps you full. No eggs.",
    "Explain recursion to a 12-year-old using a story about Russian nesting dolls, then give one tiny Python "
    "example with comments. Keep the whole answer under 250 words.",
    "Rewrite this paragraph for a LinkedIn post announcing our Series A: keep the facts, cut it to 80 words, "
    "confident but not boastful, end with a question to readers.",
    "Act as a security engineer. Threat-model a password-reset flow that sends a link by email. List threats in "
    "STRIDE order with likelihood, impact and a mitigation for each, as a table.",
    "Write a bedtime story of about 400 words for a 5-year-old who is afraid of thunder. The hero is a small "
    "rabbit named Pip. Gentle tone, a reassuring ending, no villains.",
    "Draft the agenda for a 45-minute project kickoff with 6 stakeholders: objectives, scope, roles, risks, next "
    "steps. Give time boxes that add up to 45 minutes and one question to ask in each slot.",
    "Given the sales email below, score it from 1 to 10 on clarity, relevance and call to action, justify each "
    "score in one sentence, and propose a revised version under 120 words.",
    "You are a legal analyst, not a lawyer. Summarise the key obligations in this NDA for a freelance designer: "
    "duration, what counts as confidential, exceptions and penalties. Plain English, bullets.",
    "Create a Midjourney prompt for a product photo of a matte black water bottle on wet rocks at dawn, shallow "
    "depth of field, 85mm lens look, soft backlight, --ar 4:5, no text or logos.",
    "Produce a glossary of 10 Kubernetes terms for a team moving from Docker Compose: term, one-line definition, "
    "and the Compose concept it replaces where there is one.",
    "Write a commit message for the diff below following Conventional Commits: a type, a scope, a subject under "
    "60 characters in the imperative, and a body explaining why in two lines.",
    "Summarise this 30-minute interview transcript with a user of our budgeting app: top 3 pain points with a "
    "supporting quote each, and 2 feature ideas they hinted at. Max 200 words.",
    "Act as a debate coach. Give the three strongest arguments for and against a four-day school week, each with "
    "one piece of evidence type to look for, formatted as two numbered lists.",
    "Write a SQL migration that adds a non-null email_verified boolean (default false) to users in PostgreSQL "
    "without locking the table for long, then explain each step in one line.",
    "Help me prepare for a salary negotiation for a senior data engineer offer in Berlin. I have a competing offer "
    "of 85k EUR. Give me three talking points and the exact opening sentence to use.",
]

WEAK = [
    "write something about dogs",
    "help me with my code",
    "make it better",
    "can you do a marketing thing for my business",
    "tell me about history",
    "I need an email",
    "explain stuff about computers and things, whatever is interesting, some good info",
    "write a story",
    "improve this",
    "what should I do",
    "give me ideas",
    "do my homework",
    "I want to know things about money and investing and stuff like that because it seems interesting and I have "
    "been thinking about it a lot lately and maybe you can help with some of it or whatever you think",
    "make a website",
    "fix it",
    "write a poem about something nice",
    "summarize",
    "can you help",
    "something for social media",
    "business plan",
    "tell me a good thing",
    "write code",
    "translate",
    "a logo idea maybe",
    "hi, I was wondering if you could maybe help me out with a thing for work, it's kind of a report thing but "
    "not really, more like an overview of various stuff we did, you know, the usual",
    "make my resume good",
    "recipe",
    "explain AI",
    "write a blog",
    "I need some text for my app, nice and cool",
    "describe the thing",
    "random facts",
    "answer my question",
    "stuff about climate",
    "Could you please write an article? Thanks!",
    "do something creative with this",
]

# Medium: the task is clear, but the audience, the limits or the shape of the answer are missing.
MEDIUM = [
    "Write a product description for our new coffee dripper.",
    "Summarise this quarterly report.",
    "Create a quiz about the present perfect tense.",
    "Translate this email from German to English.",
    "Write a SQL query that computes a rolling average of sales per store.",
    "Write subject lines for a re-engagement email campaign.",
    "Explain how HTTPS works.",
    "Make a running plan for a beginner.",
    "Review my CV summary for a product manager job.",
    "Compare PostgreSQL and MongoDB.",
    "Write unit tests for my slugify function.",
    "Suggest vegetarian breakfast ideas with lots of protein.",
    "Plan a trip to Lisbon for three days.",
    "Draft an agenda for a project kickoff meeting.",
    "Write a bedtime story about a rabbit.",
    "Summarise this user interview transcript.",
    "Threat-model our password reset flow.",
    "Write a commit message for this change.",
]


def pairs() -> list[tuple[str, str]]:
    """(better, worse) pairs across the three levels: strong > medium > weak."""
    levels = [STRONG, MEDIUM, WEAK]
    return [(better, worse) for i, high in enumerate(levels) for low in levels[i + 1:]
            for better in high for worse in low]
