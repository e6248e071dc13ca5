"""Users, passwords, personal API tokens and browser sessions."""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from typing import Any

from attrs import define, evolve, field

from eventflow.core import errors
from eventflow.core.commands import UserChanges, given
from eventflow.core.model import DEFAULT_NOTIFICATIONS, NOTIFICATION_KINDS, ApiToken, Language, Role, Session, User
from eventflow.core.ports import SessionCaller
from eventflow.core.replay import replayed
from eventflow.core.services import Actor, Context, changes, record, require_admin, require_text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
SESSION_DAYS = 30
#: A token's first characters ("ef_" and 8 more) are kept in clear to tell tokens apart; the rest is only hashed.
TOKEN_PREFIX_LENGTH = 11
#: A token's last use is written at most this often: not one write per API request.
TOKEN_USE_PRECISION = dt.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    """Tokens and session keys are random: a plain sha256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise errors.InvalidInput(
            "role must be one of %(allowed)s, not %(value)r",
            "role",
            allowed=", ".join(r.value for r in Role),
            value=value,
        ) from None


def parse_language(value: str) -> Language:
    try:
        return Language(value)
    except ValueError:
        raise errors.InvalidInput("language must be fr or en", "language") from None


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise errors.InvalidInput("%(email)r is not a valid e-mail address", "email", email=email)
    return email


def check_password(password: str) -> str:
    if len((password or "").strip()) < MIN_PASSWORD:  # eight spaces are no password
        raise errors.InvalidInput(
            "the password must have at least %(min_password)s characters", "password", min_password=MIN_PASSWORD
        )
    return password


def _notification_kinds(kinds: list[str]) -> list[str]:
    unknown = set(kinds) - set(NOTIFICATION_KINDS)
    if unknown:
        raise errors.InvalidInput(
            "unknown notification kinds: %(value)s", "notifications", value=", ".join(sorted(unknown))
        )
    return list(kinds)


#: How each field of a ``UserChanges`` becomes the value the user keeps (validated and normalised).
_USER_VALUES: dict[str, Callable[[Any], Any]] = {
    "name": lambda value: require_text(value, "name"),
    "email": normalise_email,
    "role": parse_role,
    "language": parse_language,
    "active": bool,
    "my_bar_ids": lambda value: [int(bar_id) for bar_id in value],
    "notifications": _notification_kinds,
}


def _user_value(key: str, value: Any) -> Any:
    return _USER_VALUES[key](value)


def public(user: User) -> dict[str, object]:
    """A user as the activity record keeps it (never the password hash)."""
    return {"email": user.email, "name": user.name, "role": user.role.value, "active": user.active}


@define
class UserService:
    ctx: Context
    _stand_in: str | None = field(default=None, init=False)

    @replayed
    def add(
        self,
        actor: Actor,
        email: str,
        name: str,
        role: str = "member",
        password: str | None = None,
        language: str = "fr",
    ) -> User:
        require_admin(actor)
        user = User(
            email=normalise_email(email),
            name=require_text(name, "name"),
            role=parse_role(role),
            language=parse_language(language),
            password_hash=self.ctx.hasher.hash(check_password(password)) if password is not None else None,
            notifications=list(DEFAULT_NOTIFICATIONS),
        )
        with self.ctx.uow() as uow:
            if uow.users.get_by_email(user.email):
                raise errors.Conflict("a user with e-mail %(email)s already exists", email=user.email)
            uow.users.add(user)
            record(self.ctx, uow, actor, "user.created", "user", user.id, after=public(user))
            uow.commit()
        return user

    def list(self) -> list[User]:
        with self.ctx.uow(read_only=True) as uow:
            return uow.users.list()

    def get(self, user_id: int) -> User:
        with self.ctx.uow(read_only=True) as uow:
            return self._get(uow.users.get(user_id), user_id)

    def by_email(self, email: str) -> User:
        with self.ctx.uow(read_only=True) as uow:
            return self._get(uow.users.get_by_email(email.strip().lower()), email)

    @staticmethod
    def _get(user: User | None, key: object) -> User:
        if user is None:
            raise errors.NotFound("user", key)
        return user

    @replayed
    def update(self, actor: Actor, user_id: int, change: UserChanges) -> User:
        """Change a user. Anyone may change their own name, language, bars and notifications; admins anything."""
        fields = given(change)
        if actor is not None and (actor.id != user_id or set(fields) - UserChanges.OWN):
            require_admin(actor)
        with self.ctx.uow() as uow:
            user = self._get(uow.users.get_for_update(user_id), user_id)
            before = public(user)
            user = evolve(user, **{key: _user_value(key, value) for key, value in fields.items()})
            if actor is not None and actor.id == user_id and not user.is_admin and actor.is_admin:
                raise errors.Conflict("you cannot remove your own admin role")
            if actor is not None and actor.id == user_id and not user.active:
                raise errors.Conflict("you cannot deactivate yourself")
            uow.users.update(user)
            old, new = changes(before, public(user))
            if old or new:  # a person's own settings (language, bars, e-mails) are no audit news
                record(self.ctx, uow, actor, "user.updated", "user", user_id, before=old, after=new)
            if not user.active:
                uow.sessions.delete_for_user(user_id)
            uow.commit()
        return user

    def deactivate(self, actor: Actor, email: str) -> User:
        user = self.by_email(email)
        if actor is not None and actor.id == user.id:
            raise errors.Conflict("you cannot deactivate yourself")
        assert user.id is not None
        return self.update(actor, user.id, UserChanges(active=False))

    @replayed
    def set_password(self, actor: Actor, email: str, password: str, current_password: str | None = None) -> None:
        """A new password for ``email``; every session of theirs ends. Changing one's own takes the current one;
        admins (and the command line) set anyone else's without it."""
        user = self.by_email(email)
        if actor is not None and actor.id == user.id:
            self._confirm_current_password(user, current_password)
        elif actor is not None:
            require_admin(actor)
        hashed = self.ctx.hasher.hash(check_password(password))
        with self.ctx.uow() as uow:
            stored = self._get(uow.users.get_for_update(user.id or 0), email)
            stored.password_hash = hashed
            uow.users.update(stored)
            uow.sessions.delete_for_user(stored.id or 0)
            record(self.ctx, uow, actor, "user.password_set", "user", stored.id)
            uow.commit()

    def _confirm_current_password(self, user: User, current_password: str | None) -> None:
        if not current_password:
            raise errors.InvalidInput("give your current password to choose a new one", "current_password")
        if not user.password_hash or not self.ctx.hasher.verify(user.password_hash, current_password):
            raise errors.Forbidden("your current password is wrong")

    def authenticate(self, email: str, password: str) -> User:
        """The active user with that e-mail and password; one vague error otherwise.

        A password is checked against a hash every time, a stand-in one when the account is unknown or has none, so
        that the answer takes as long whether the e-mail exists or not."""
        with self.ctx.uow(read_only=True) as uow:
            user = uow.users.get_by_email((email or "").strip().lower())
        stored = user.password_hash if user is not None else None
        matches = self.ctx.hasher.verify(stored or self._stand_in_hash(), password or "")
        if user is None or not stored or not matches:
            raise errors.NotAuthenticated("wrong e-mail or password")
        if not user.active:
            raise errors.NotAuthenticated("this account has been deactivated")
        return user

    def _stand_in_hash(self) -> str:
        """A hash of a random password nobody knows, made once (the hasher's cost, whatever the account)."""
        if self._stand_in is None:
            self._stand_in = self.ctx.hasher.hash(secrets.token_urlsafe(32))
        return self._stand_in

    # -- personal API tokens -------------------------------------------------
    def create_token(self, actor: Actor, email: str, label: str = "cli") -> str:
        """A new personal token for ``email``; only its hash is kept, so it is shown once."""
        user = self.by_email(email)
        if actor is not None and actor.id != user.id:
            require_admin(actor)
        if not user.active:
            raise errors.Conflict("%(email)s is deactivated and cannot get a token", email=user.email)
        secret = "ef_" + secrets.token_urlsafe(32)
        prefix = secret[:TOKEN_PREFIX_LENGTH]
        with self.ctx.uow() as uow:
            token = uow.tokens.add(
                ApiToken(user.id or 0, token_hash(secret), label, self.ctx.clock.now(), prefix=prefix)
            )
            record(self.ctx, uow, actor, "token.created", "token", token.id, after={"user": user.email, "label": label})
            uow.commit()
        return secret

    def tokens(self, actor: Actor, user_id: int) -> builtins.list[ApiToken]:
        """A user's tokens, oldest first: one's own, or anyone's for an admin."""
        if actor is not None and actor.id != user_id:
            require_admin(actor)
        with self.ctx.uow(read_only=True) as uow:
            self._get(uow.users.get(user_id), user_id)
            return uow.tokens.list_for_user(user_id)

    def revoke_token(self, actor: Actor, user_id: int, token_id: int) -> ApiToken:
        """End one of ``user_id``'s tokens at once: its owner or an admin may."""
        if actor is not None and actor.id != user_id:
            require_admin(actor)
        with self.ctx.uow() as uow:
            token = uow.tokens.get(token_id)
            owner = uow.users.get(user_id)
            if token is None or owner is None or token.user_id != user_id:
                raise errors.NotFound("token", token_id)
            uow.tokens.delete(token_id)
            record(
                self.ctx,
                uow,
                actor,
                "token.revoked",
                "token",
                token_id,
                before={"user": owner.email, "label": token.label},
            )
            uow.commit()
        return token

    def find_token(self, reference: str) -> ApiToken:
        """The token an operator means: its id, the token itself, or its first characters (as ``tokens`` shows)."""
        reference = reference.strip()
        with self.ctx.uow(read_only=True) as uow:
            if reference.isdigit():
                found = [token] if (token := uow.tokens.get(int(reference))) else []
            elif len(reference) < TOKEN_PREFIX_LENGTH:
                raise errors.InvalidInput(
                    "give the token's id (`eventflow token list EMAIL`) or at least its first %(length)s characters",
                    "token",
                    length=TOKEN_PREFIX_LENGTH,
                )
            else:
                exact = uow.tokens.get_by_hash(token_hash(reference))
                found = [exact] if exact else uow.tokens.list_by_prefix(reference[:TOKEN_PREFIX_LENGTH])
        if not found:
            raise errors.NotFound("token", reference)
        if len(found) > 1:
            raise errors.Conflict(
                "%(count)s tokens start with %(reference)s; give the id of the one to revoke",
                count=len(found),
                reference=reference,
            )
        return found[0]

    def user_for_token(self, secret: str) -> User:
        with self.ctx.uow(read_only=True) as uow:
            token = uow.tokens.get_by_hash(token_hash(secret))
            user = uow.users.get(token.user_id) if token else None
        if token is None or user is None or not user.active:
            raise errors.NotAuthenticated("invalid or revoked token")
        now = self.ctx.clock.now()
        if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_PRECISION:
            with self.ctx.uow() as uow:
                token.last_used_at = now
                uow.tokens.update(token)
                uow.commit()
        return user

    # -- browser sessions ----------------------------------------------------
    def open_session(self, user: User) -> str:
        """A new session key (a fresh id at every login); the cookie carries it."""
        key = secrets.token_urlsafe(32)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            uow.sessions.add(Session(token_hash(key), user.id or 0, now, now + dt.timedelta(days=SESSION_DAYS)))
            uow.commit()
        return key

    def caller_for_session(self, key: str) -> SessionCaller:
        """The session, its user and the database's revision; the session slides to 30 days from now (written at most
        once an hour)."""
        now = self.ctx.clock.now()
        with self.ctx.uow(read_only=True) as uow:
            caller = uow.sessions.get_with_user(token_hash(key))
        if caller is None or not caller.user.active or caller.session.expires_at <= now:
            raise errors.NotAuthenticated("your session has expired; please log in again")
        session = caller.session
        if session.expires_at - now < dt.timedelta(days=SESSION_DAYS) - dt.timedelta(hours=1):
            with self.ctx.uow() as uow:
                session.expires_at = now + dt.timedelta(days=SESSION_DAYS)
                uow.sessions.update(session)
                uow.commit()
        return caller

    def close_session(self, key: str) -> None:
        with self.ctx.uow() as uow:
            session = uow.sessions.get_by_hash(token_hash(key))
            if session is not None and session.id is not None:
                uow.sessions.delete(session.id)
                uow.commit()
