"""Freezing a plan as it stands, and comparing two frozen versions part by part.

A snapshot is plain JSON holding what people read (labels, not codes), so an agreed version
reads back exactly as it was agreed even if the app's wording changes later.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from .choices import PlanPart
from .models import TEXT_PARTS, Goal, GoalStep, RecoveryPlan

SNAPSHOT_FORMAT = 1

TEXT_PART_TITLES: dict[str, str] = {
    PlanPart.ABOUT: "About me",
    PlanPart.KEEPING_WELL: "Keeping well",
    PlanPart.CRISIS: "Crisis and contingency",
}
CONTACT_LABELS = {
    "name": "Name",
    "relationship": "Relationship or service",
    "phone": "Phone number",
    "when_to_call": "When to call",
}
GOAL_LABELS = {
    "life_area": "Life area",
    "description": "Goal",
    "why_it_matters": "Why it matters",
    "target_date": "Target date",
    "status": "Status",
    "progress": "How far along (1 to 10)",
    "steps": "Steps",
}
SUPPORTER_LABELS = {
    "name": "Name",
    "kind": "Who they are",
    "relationship": "Relationship",
    "contact": "Phone or email",
    "shared_parts": "Agreed to share",
    "consent_recorded_on": "Consent recorded on",
    "told_of_carer_assessment": "Told of their right to a carer's assessment",
}


def _date(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def _step_line(step: GoalStep) -> str:
    line = f"{step.what} ({step.get_who_display()}"
    if step.by_when:
        line += f", by {_date(step.by_when)}"
    if step.done_on:
        line += f", done {_date(step.done_on)}"
    return line + ")"


def field_label(name: str) -> str:
    """A free-text field's label, as the edit pages show it."""
    field = RecoveryPlan._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def plan_parts() -> list[Prefetch | str]:
    """The prefetches a whole plan needs: four queries whatever its size."""
    return [
        Prefetch("goals", queryset=Goal.objects.prefetch_related("steps")),
        "crisis_contacts",
        "supporters",
    ]


def plan_with_parts(plan_queryset):
    """A plan queryset with `plan_parts` prefetched."""
    return plan_queryset.prefetch_related(*plan_parts())


def plan_snapshot(plan: RecoveryPlan) -> dict[str, Any]:
    """The whole plan as JSON. Reads goals, steps, contacts and supporters (prefetched if asked)."""
    parts: dict[str, Any] = {"format": SNAPSHOT_FORMAT}
    for part, fields in TEXT_PARTS.items():
        parts[part] = {name: getattr(plan, name) for name in fields}
    parts["crisis_contacts"] = [
        {"id": str(c.public_id), **{name: getattr(c, name) for name in CONTACT_LABELS}}
        for c in plan.crisis_contacts.all()
    ]
    parts["goals"] = [
        {
            "id": str(g.public_id),
            "life_area": g.get_life_area_display(),
            "description": g.description,
            "why_it_matters": g.why_it_matters,
            "target_date": _date(g.target_date),
            "status": g.get_status_display(),
            "progress": "" if g.progress is None else str(g.progress),
            "steps": "\n".join(_step_line(s) for s in g.steps.all()),
        }
        for g in plan.goals.all()
    ]
    parts["supporters"] = [
        {
            "id": str(s.public_id),
            "name": s.name,
            "kind": s.get_kind_display(),
            "relationship": s.relationship,
            "contact": s.contact,
            "shared_parts": ", ".join(
                f"{label} (agreed {_date(on)})" if on else label
                for label, on in s.shared_consents()
            ),
            "consent_recorded_on": _date(s.consent_recorded_on),
            "told_of_carer_assessment": "Yes" if s.told_of_carer_assessment else "No",
        }
        for s in plan.supporters.all()
    ]
    return parts


# --- comparing -----------------------------------------------------------------------------


@dataclass
class Segment:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass
class Change:
    kind: str  # "added", "removed" or "changed"
    label: str
    old: str = ""
    new: str = ""
    segments: list[Segment] = field(default_factory=list)


@dataclass
class PartComparison:
    title: str
    changes: list[Change]


def word_diff(old: str, new: str) -> list[Segment]:
    """Words kept, removed and added between two texts, in reading order."""
    before, after = old.split(), new.split()
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", " ".join(before[a1:a2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("removed", " ".join(before[a1:a2])))
        if op in ("insert", "replace"):
            segments.append(Segment("added", " ".join(after[b1:b2])))
    return segments


def _field_change(label: str, old: str, new: str) -> Change | None:
    old, new = old or "", new or ""
    if old == new:
        return None
    if not old:
        return Change("added", label, new=new)
    if not new:
        return Change("removed", label, old=old)
    return Change("changed", label, old=old, new=new, segments=word_diff(old, new))


def _compare_items(
    old_items: list[dict], new_items: list[dict], labels: dict[str, str], noun: str, title_key: str
) -> list[Change]:
    changes: list[Change] = []
    old_by_id = {item["id"]: item for item in old_items}
    new_by_id = {item["id"]: item for item in new_items}
    for item in new_items:
        previous = old_by_id.get(item["id"])
        name = f"{noun}: {item[title_key]}"
        if previous is None:
            text = "\n".join(f"{labels[k]}: {item[k]}" for k in labels if item.get(k))
            changes.append(Change("added", name, new=text))
            continue
        for key, label in labels.items():
            change = _field_change(f"{name} – {label}", previous.get(key, ""), item.get(key, ""))
            if change:
                changes.append(change)
    for item in old_items:
        if item["id"] not in new_by_id:
            text = "\n".join(f"{labels[k]}: {item[k]}" for k in labels if item.get(k))
            changes.append(Change("removed", f"{noun}: {item[title_key]}", old=text))
    return changes


def compare_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[PartComparison]:
    """What was added, removed and changed from `old` to `new`, part by part."""
    comparisons: list[PartComparison] = []
    contacts = _compare_items(
        old.get("crisis_contacts", []),
        new.get("crisis_contacts", []),
        CONTACT_LABELS,
        "Crisis contact",
        "name",
    )
    comparisons.append(PartComparison("Crisis contacts", contacts))
    for part, fields in TEXT_PARTS.items():
        changes = [
            change
            for name in fields
            if (
                change := _field_change(
                    field_label(name),
                    old.get(part, {}).get(name, ""),
                    new.get(part, {}).get(name, ""),
                )
            )
        ]
        comparisons.append(PartComparison(TEXT_PART_TITLES[part], changes))
    comparisons.append(
        PartComparison(
            "Goals",
            _compare_items(
                old.get("goals", []), new.get("goals", []), GOAL_LABELS, "Goal", "description"
            ),
        )
    )
    comparisons.append(
        PartComparison(
            "Supporters",
            _compare_items(
                old.get("supporters", []),
                new.get("supporters", []),
                SUPPORTER_LABELS,
                "Supporter",
                "name",
            ),
        )
    )
    return comparisons
