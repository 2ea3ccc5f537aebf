"""Domain errors: raised by use cases, turned into HTTP answers in one place (`runtime.app`)."""


class DomainError(Exception):
    """A request the domain refuses; `status_code` is how HTTP says it."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the error itself."""
        return {}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class InvalidReference(DomainError):
    """The request names something (an organisation, a node) that does not exist."""

    status_code = 422
    code = "invalid_reference"


class Unauthorized(DomainError):
    """No credentials, or ones that are expired, revoked or unknown."""

    status_code = 401
    code = "unauthorized"


class Unprocessable(DomainError):
    """Well-formed, but not something the domain can accept (a cycle, a level out of place)."""

    status_code = 422
    code = "unprocessable"
