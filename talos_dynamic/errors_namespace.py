"""ErrorsNamespace: the type of `client.errors` (the talos_dynamic.errors module), so that a type checker sees
`client.errors.NotFound` as the class it is (a module reached through an instance would be typed Any)."""

from __future__ import annotations

from typing import Protocol

from . import errors


class ErrorsNamespace(Protocol):
    """Every public name of talos_dynamic.errors (a test keeps the two lists equal)."""

    ApiError: type[errors.ApiError]
    BadRequest: type[errors.BadRequest]
    ConfigurationError: type[errors.ConfigurationError]
    Conflict: type[errors.Conflict]
    Forbidden: type[errors.Forbidden]
    GatewayTimeout: type[errors.GatewayTimeout]
    InternalServerError: type[errors.InternalServerError]
    NotFound: type[errors.NotFound]
    NotImplementedByServer: type[errors.NotImplementedByServer]
    RequestValidationError: type[errors.RequestValidationError]
    ResponseValidationError: type[errors.ResponseValidationError]
    ServerError: type[errors.ServerError]
    ServiceUnavailable: type[errors.ServiceUnavailable]
    SpecError: type[errors.SpecError]
    SpecValidationWarning: type[errors.SpecValidationWarning]
    TalosDynamicError: type[errors.TalosDynamicError]
    TooManyRequests: type[errors.TooManyRequests]
    TransportError: type[errors.TransportError]
    Unauthorized: type[errors.Unauthorized]
    Violation: type[errors.Violation]

    def error_class_for(self, http_status: int, /) -> type[errors.ApiError]: ...
