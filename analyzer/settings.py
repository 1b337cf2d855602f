"""Options shared by the library and the CLI."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

from .errors import SettingsError
from .model import ROLE_CHOICES



@dataclass(frozen=True)
class Settings:
    """vendor_role: override the detected provider (甲方 or 乙方); max_file_mb: input size limit;
    workers: threads for rapidfuzz; model: add the second opinion of the model learned from
    labeled contracts (see analyzer/learn.py) to the rules' findings; playbook: the customer's
    positions (a Playbook, or the path of a playbook file; None: the packaged one, which changes
    nothing)."""

    vendor_role: str | None = None
    max_file_mb: float = 20.0
    workers: int = 1
    model: bool = True
    playbook: object = None  # a playbook.Playbook, or the path of a playbook file

    def __post_init__(self):
        if not (self.playbook is None or isinstance(self.playbook, (str, os.PathLike))
                or hasattr(self.playbook, "apply")):
            raise SettingsError(f"playbook must be a Playbook or the path of a playbook file, not {self.playbook!r}")
        if self.vendor_role not in (None,) + ROLE_CHOICES:
            raise SettingsError(f"vendor_role {self.vendor_role!r} is not one of {', '.join(ROLE_CHOICES)}")
        mb = self.max_file_mb
        if isinstance(mb, bool) or not isinstance(mb, (int, float)) or not (math.isfinite(mb) and mb > 0):
            raise SettingsError(f"max_file_mb (--max-mb) must be a positive number of MB, such as 20, not {mb!r}")

    @classmethod
    def resolve(cls, value: "Settings | dict | None" = None, **overrides) -> "Settings":
        """None, a dict or a Settings → Settings; unknown keys are an error naming the valid ones."""
        if value is None:
            base = {}
        elif isinstance(value, Settings):
            base = {f.name: getattr(value, f.name) for f in fields(cls)}
        elif isinstance(value, dict):
            base = dict(value)
        else:
            raise SettingsError(f"settings must be None, a dict or Settings, not {type(value).__name__}")
        base.update({k: v for k, v in overrides.items() if v is not None})
        valid = {f.name for f in fields(cls)}
        unknown = set(base) - valid
        if unknown:
            raise SettingsError(f"unknown settings {sorted(unknown)}; valid: {sorted(valid)}")
        return cls(**base)
