"""Every domain's models, imported in one place so that Alembic sees the whole schema."""
from promptcraft.ai.models import AIDailyUsage, AIUsage
from promptcraft.analytics.models import ABAssignment, ABOutcome, ABTest, ABVariant, Event
from promptcraft.askme.models import AskMeEvent, AskMeSession
from promptcraft.auth.models import ApiKey, RefreshToken, RevokedToken, SocialAccount, TokenFamily, User
from promptcraft.billing.models import BillingCustomer, InvoiceCredit, Plan, StripeEvent, Subscription
from promptcraft.chat.models import ChatMessage, ChatSession, ExtractedTemplate
from promptcraft.gamification.models import (
    Achievement,
    Action,
    ChallengeDefinition,
    StreakFreeze,
    UserAchievement,
    XPGrant,
)
from promptcraft.history.models import PromptHistory, PromptIteration, PromptThread, SavedPrompt
from promptcraft.orchestrator.models import AssistantStep, AssistantThread, Feedback, OptimizationRun
from promptcraft.prompt_templates.models import (
    Category,
    Template,
    TemplateRating,
    TemplateTag,
    TemplateUsage,
    TemplateVersion,
)
from promptcraft.research.models import ResearchEvent, ResearchJob

__all__ = [
    "AskMeEvent", "AskMeSession",
    "AssistantStep", "AssistantThread", "Feedback", "OptimizationRun",
    "ABAssignment", "ABOutcome", "ABTest", "ABVariant", "Event",
    "BillingCustomer", "InvoiceCredit", "Plan", "StripeEvent", "Subscription",
    "AIDailyUsage", "AIUsage", "ChatMessage", "ChatSession", "ExtractedTemplate",
    "ApiKey", "RefreshToken", "RevokedToken", "SocialAccount", "TokenFamily", "User",
    "Category", "Template", "TemplateRating", "TemplateTag", "TemplateUsage", "TemplateVersion",
    "PromptHistory", "PromptIteration", "PromptThread", "SavedPrompt",
    "ResearchEvent", "ResearchJob",
    "Achievement", "Action", "ChallengeDefinition", "StreakFreeze", "UserAchievement", "XPGrant",
]
