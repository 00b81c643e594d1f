/* lw_web_check: /check?unit=&code= (findings grouped by document) and /api/check (the JSON of
 * `lawwatch check --format json`). Not written yet. */
#include "lw_web_pages.h"

void lw_web_page_check(const lw_web_request *req, lw_web_response *res)
{
    (void)req;
    lw_web_error_page(res, 501, "Trang này chưa có.", "Not implemented yet.");
}

void lw_web_page_api_check(const lw_web_request *req, lw_web_response *res)
{
    (void)req;
    lw_web_api_error(res, 501, "not implemented yet");
}
