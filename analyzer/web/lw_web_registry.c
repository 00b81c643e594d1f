/* lw_web_registry: /registry (every known legal document with its status) and /registry/ID
 * (one entry: its chain of amendments and replacements, the documents citing it). Not
 * written yet. */
#include "lw_web_pages.h"

void lw_web_page_registry(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    (void)req, (void)rest;
    lw_web_error_page(res, 501, "Trang này chưa có.", "Not implemented yet.");
}
