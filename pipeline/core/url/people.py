"""Path segments that name a person by position: the one after a collection of people
(`/users/taro-yamada/profile`, `/members/42`), and a leading `@handle` (`/@taro_yamada`).

Whatever its shape, such a segment identifies someone, so it becomes `[id]`; the words that sites
put in that place for their own pages (`/users/sign_in`, `/members/login`, `/profile/edit`) stay.
"""

from __future__ import annotations

_PEOPLE = frozenset((
    "users", "user", "u", "members", "member", "people", "person", "profile", "profiles",
    "customers", "customer", "author", "authors", "employees", "employee", "staff", "students", "student",
    "patients", "patient",
))  # fmt: skip
# Words sites put after such a collection for their own pages.
_ROUTES = frozenset((
    "new", "edit", "me", "self", "my", "login", "logout", "signin", "sign_in",
    "sign-in", "signout", "sign_out", "sign-out", "signup", "sign_up", "sign-up", "register", "registration",
    "password", "passwords", "reset", "settings", "setting", "preferences", "search", "list", "index",
    "all", "top", "home", "page", "auth", "confirm", "confirmation", "verify", "unlock",
    "invitation", "invitations", "profile", "orders", "mypage", "dashboard", "account", "info", "detail",
    "details", "about", "help", "faq", "guide", "terms", "privacy", "policy", "contact",
    "favorites", "favourites", "history", "points", "coupons", "notifications", "withdraw", "delete", "update",
    "create", "mail", "email", "address", "addresses", "payment", "cards", "card", "ranking",
    "reviews", "review",
))  # fmt: skip
_FILES = frozenset((
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "css", "js",
    "json", "html", "htm", "xml", "pdf", "txt",
))  # fmt: skip
_TOOLING = ("@vite", "@fs", "@id", "@react-refresh")  # dev-server paths, not handles


def names_a_person(segments: tuple[str, ...], i: int) -> bool:
    """Whether `segments[i]` (decoded, path parameters cut) names a person by its position."""
    segment = segments[i]
    if not segment or segment.startswith("["):  # empty, or already a marker
        return False
    if i == 0 and segment.startswith("@") and len(segment) > 1:
        return segment.lower() not in _TOOLING
    if i == 0 or segments[i - 1].lower() not in _PEOPLE:
        return False
    lowered = segment.lower()
    return lowered not in _ROUTES and lowered.rpartition(".")[2] not in _FILES
