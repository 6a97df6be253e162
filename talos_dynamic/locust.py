"""Contract checks under load with Locust: `from talos_dynamic.locust import ContractUser` in a locustfile.

See talos_dynamic.contract.locust. Importing this module imports Locust (which patches the standard
library for gevent): import it in locustfiles only.
"""

from .contract.locust import ContractUser, ContractViolation

__all__ = ["ContractUser", "ContractViolation"]
