"""The one domain error every service raises; views turn it into a form error, the API into a 4xx."""


class DomainError(Exception):
    status = 400

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class Conflict(DomainError):
    status = 409
