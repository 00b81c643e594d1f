/* lw_web_doc: /doc/ID (the header card, the text with every fact highlighted, findings and
 * duties), /doc/ID/original (the stored document's original file) and /api/doc/ID (the JSON
 * of `lawwatch show --format json ID`). Not written yet: 501. */
#include "lw_web_pages.h"

void lw_web_page_doc(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    (void)req, (void)rest;
    lw_web_error_page(res, 501, "Trang này chưa có.", "Not implemented yet.");
}

void lw_web_page_api_doc(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    (void)req, (void)rest;
    lw_web_api_error(res, 501, "not implemented yet");
}
