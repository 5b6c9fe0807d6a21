"""Security questions (seed 002 图10): three different questions chosen at
legal-person registration, answers kept as argon2 hashes of a normalised form
so that "  Tianjin " and "tianjin" are the same answer."""
from __future__ import annotations

import hashlib
import hmac
import unicodedata

from ..validators import SECURITY_QUESTIONS
from .passwords import hash_password, needs_rehash, verify_password

SLOTS = (1, 2, 3)


def normalise_answer(answer: str) -> str:
    # NFKC folds full-width letters and digits (common with Chinese input methods)
    return " ".join(unicodedata.normalize("NFKC", answer).split()).casefold()


def hash_answer(answer: str) -> str:
    return hash_password(normalise_answer(answer))


def set_questions(user, pairs: list[tuple[str, str]]) -> None:
    for slot, (question, answer) in zip(SLOTS, pairs):
        setattr(user, f"security_q{slot}", question)
        setattr(user, f"security_a{slot}", hash_answer(answer))


def has_questions(user) -> bool:
    return user is not None and all(getattr(user, f"security_q{s}") and getattr(user, f"security_a{s}") for s in SLOTS)


def questions_of(user) -> tuple[str, str, str]:
    return tuple(getattr(user, f"security_q{s}") for s in SLOTS)


def decoy_questions(secret: str, account: str) -> tuple[str, str, str]:
    """Three questions that look like a real account's, the same every time for
    the same account name, so the page does not tell which accounts exist."""
    digest = hmac.new(secret.encode(), account.casefold().encode(), hashlib.sha256).digest()
    pool = list(SECURITY_QUESTIONS)
    picked = []
    for byte in digest:
        if len(picked) == 3:
            break
        question = pool[byte % len(pool)]
        if question not in picked:
            picked.append(question)
    return tuple(picked) if len(picked) == 3 else tuple(pool[:3])


def answers_match(user, answers: list[str]) -> bool:
    """Verify all three (always three argon2 checks, so timing tells nothing)."""
    results = [
        verify_password(getattr(user, f"security_a{s}", None) if user is not None else None, normalise_answer(a))
        for s, a in zip(SLOTS, answers)
    ]
    matched = has_questions(user) and all(results)
    if matched:  # answers hashed at another argon2 cost take the current one
        for s, a in zip(SLOTS, answers):
            if needs_rehash(getattr(user, f"security_a{s}")):
                setattr(user, f"security_a{s}", hash_password(normalise_answer(a)))
    return matched
