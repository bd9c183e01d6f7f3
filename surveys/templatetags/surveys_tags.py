from django import template

from surveys.permissions import may_read_checkins as _may_read_checkins
from surveys.selectors import score_words

register = template.Library()


@register.filter
def may_read_checkins(user: object) -> bool:
    """Whether this user's role may ever open a person's check-ins (for links on shared pages)."""
    return _may_read_checkins(user)


@register.filter
def score(value: object) -> str:
    """A stored score as people write it (4, 3.5, 4.25), or a dash when there is none."""
    return "–" if value is None else score_words(value)  # type: ignore[arg-type]


@register.filter
def any_change(domains: list[dict]) -> bool:
    """Whether any domain of a journey has a change to put in words."""
    return any(d.get("since_first") or d.get("since_last") for d in domains)


@register.filter
def get_score(scores: dict[str, object], domain: str) -> object:
    """One domain's score from a check-in's scores, or None where it has none."""
    return scores.get(domain)
