from django.template.loader import render_to_string


class KoreanErrorPagesMiddleware:
    """Give bare 405 responses (from require_GET & co.) a Korean page in the site's style."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
