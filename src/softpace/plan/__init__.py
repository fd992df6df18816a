"""What to practise: the plan model, and loading it from the shipped data file."""

from softpace.plan.load import builtin_plan_path, load_plan, parse_plan
from softpace.plan.model import Exercise, Item, Modifier, Option, Plan, Span, Stage, Variant

__all__ = [
    "Exercise",
    "Item",
    "Modifier",
    "Option",
    "Plan",
    "Span",
    "Stage",
    "Variant",
    "builtin_plan_path",
    "load_plan",
    "parse_plan",
]
