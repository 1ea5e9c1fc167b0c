"""Page-numbered lists: `?page=` (a page past the end is 404) and `?page_size=` (1 or more; more
than `max_page_size` gives `max_page_size`). A page size that is not a positive whole number is
refused with 400 rather than silently replaced by the default, so a client's mistake shows."""
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

PAGE_SIZE_ERROR = "A page size is a whole number from 1 up."


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_size_query_param: [PAGE_SIZE_ERROR]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = f"Results per page, from 1 (at most {self.max_page_size} are sent)."
        return parameters
