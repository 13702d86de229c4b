"""Staff users, Argon2 passwords and hashed API tokens."""

import pytest
from fastapi import APIRouter, Depends
from sqlmodel import select

from eventhub.accounts.deps import CurrentUser, allowed_to
from eventhub.accounts.permissions import Action
from eventhub.accounts.service import authenticate, create_token, create_user, revoke_token
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.models import ApiToken


def test_password_is_stored_hashed_with_argon2_and_checked(db) -> None:
    user = create_user(db, email="Org@Example.org", password="correct horse battery", role="organiser")
    assert user.email == "org@example.org"
    assert user.password_hash.startswith("$argon2")
    assert authenticate(db, "ORG@example.org", "correct horse battery") == user
    assert authenticate(db, "org@example.org", "wrong password!") is None
    assert authenticate(db, "nobody@example.org", "correct horse battery") is None


def test_a_password_hashed_with_older_parameters_is_rehashed_at_login(db) -> None:
    from argon2 import PasswordHasher

    user = create_user(db, email="old@example.org", password="correct horse battery", role="admin")
    user.password_hash = PasswordHasher().hash("correct horse battery")  # argon2-cffi's default: 64 MiB
    db.flush()
    assert "m=65536" in user.password_hash
    assert authenticate(db, "old@example.org", "wrong password!") is None
    assert "m=65536" in user.password_hash  # a wrong password changes nothing
    assert authenticate(db, "old@example.org", "correct horse battery") == user
    assert "m=19456,t=2,p=1" in user.password_hash
    assert authenticate(db, "old@example.org", "correct horse battery") == user


def test_duplicate_email_short_password_and_unknown_role_are_refused(db) -> None:
    create_user(db, email="a@example.org", password="a long passphrase", role="admin")
    with pytest.raises(Conflict):
        create_user(db, email="A@example.org", password="a long passphrase", role="admin")
    with pytest.raises(Invalid):
        create_user(db, email="b@example.org", password="short", role="admin")
    with pytest.raises(Invalid):
        create_user(db, email="c@example.org", password="a long passphrase", role="boss")


@pytest.fixture()
def protected(app):
    router = APIRouter()

    @router.get("/api/v1/_whoami")
    def whoami(user: CurrentUser) -> dict:
        return {"email": user.email}

    @router.get("/api/v1/_press_only")
    def press_only(user=Depends(allowed_to(Action.edit_press))) -> dict:  # noqa: B008
        return {"ok": True}

    app.include_router(router)
    return app


def test_bearer_token_authenticates_until_revoked(client, db, protected) -> None:
    user = create_user(db, email="t@example.org", password="a long passphrase", role="organiser")
    token, plain = create_token(db, user, "integration")
    db.commit()
    assert token.token_hash != plain and plain not in token.token_hash
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/_whoami", headers=headers).json() == {"email": "t@example.org"}
    assert client.get("/api/v1/_press_only", headers=headers).status_code == 403
    revoke_token(db, token.id)
    db.commit()
    response = client.get("/api/v1/_whoami", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_anonymous_and_bad_tokens_get_401(client, protected) -> None:
    assert client.get("/api/v1/_whoami").status_code == 401
    assert client.get("/api/v1/_whoami", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_only_the_hash_of_a_token_is_stored(db) -> None:
    user = create_user(db, email="h@example.org", password="a long passphrase", role="admin")
    _, plain = create_token(db, user)
    stored = db.exec(select(ApiToken)).all()
    assert all(plain not in (t.token_hash + t.prefix) or t.prefix == plain[:10] for t in stored)
    assert len(stored[0].token_hash) == 64


@pytest.fixture()
def form_route(app):
    from eventhub.accounts.csrf import CsrfDep

    router = APIRouter()

    @router.post("/admin/_form")
    def post_form(user: CurrentUser, _: CsrfDep) -> dict:
        return {"user": user.email}

    app.include_router(router)
    return app


def test_session_login_and_csrf_token_protect_form_posts(client, login_as, form_route) -> None:
    user, csrf = login_as("organiser")
    assert client.post("/admin/_form", data={"csrf_token": csrf}).json() == {"user": user.email}
    assert client.post("/admin/_form", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/admin/_form", data={}).status_code == 403
