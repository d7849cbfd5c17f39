"""Puts the request's IP, user agent and id where audit and logging code can read them without a request object."""

import re
import uuid

from .context import RequestMeta, client_ip, request_meta

# A request id from the proxy is kept when it looks like one (letters, digits, dashes); otherwise we make one.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = RequestMeta(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
            session_key=getattr(getattr(request, "session", None), "session_key", None),
        )
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        with request_meta(meta, request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
