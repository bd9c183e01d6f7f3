from typing import Any

from django import template

from careplans.choices import PlanPart

register = template.Library()


@register.filter
def get_item(mapping: dict | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def part_title(part: str) -> str:
    return str(dict(PlanPart.choices).get(part, part))
