"""Contract testing a live server: checks on every response, findings, coverage, scenarios and reports."""

from .findings import CHECKS, ContractConfig, Finding
from .recorder import ContractRecorder

__all__ = ["CHECKS", "ContractConfig", "ContractRecorder", "Finding"]
