"""Every domain's models, imported in one place so that Alembic sees the whole schema."""
from promptcraft.auth.models import ApiKey, RefreshToken, RevokedToken, SocialAccount, TokenFamily, User

__all__ = ["ApiKey", "RefreshToken", "RevokedToken", "SocialAccount", "TokenFamily", "User"]
