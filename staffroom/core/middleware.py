"""Puts the request's IP and user agent where audit code can read them without a request object."""

from .context import RequestMeta, client_ip, request_meta


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = RequestMeta(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
            session_key=getattr(getattr(request, "session", None), "session_key", None),
        )
        with request_meta(meta):
            return self.get_response(request)
