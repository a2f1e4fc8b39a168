"""Validation: the field's published figures as targets, the ablation of each mechanism.

``district-sim validate`` (or :func:`target_table` over :func:`target_values`, and
:func:`ablation`) writes ``docs/validation.md``.
"""

from .evaluate import ablation, target_table, target_values
from .targets import TARGETS, Target

__all__ = ["TARGETS", "Target", "ablation", "target_table", "target_values"]
