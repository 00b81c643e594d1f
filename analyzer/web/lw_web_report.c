/* lw_web_report: /report?as_of=&unit=&window=&since= (the nightly report, live, with its SVG
 * timeline) and /api/report (the JSON of `lawwatch report --format json`). Not written yet. */
#include "lw_web_pages.h"

void lw_web_page_report(const lw_web_request *req, lw_web_response *res)
{
    (void)req;
    lw_web_error_page(res, 501, "Trang này chưa có.", "Not implemented yet.");
}

void lw_web_page_api_report(const lw_web_request *req, lw_web_response *res)
{
    (void)req;
    lw_web_api_error(res, 501, "not implemented yet");
}
