/* lw_web_calendar: /calendar/UNIT.ics, a unit's deadlines as iCalendar (libical). Not written
 * yet. */
#include "lw_web_pages.h"

void lw_web_page_calendar(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    (void)req, (void)rest;
    lw_web_error_page(res, 501, "Trang này chưa có.", "Not implemented yet.");
}
