/* fuzz_odt: lw_odt_read on a whole .odt, or on content.xml (+ styles.xml after a NUL byte)
 * zipped here with an ODT's mimetype (fuzz_office.h says what is checked). */
#include "fuzz_office.h"

#include "lw_odt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_office(data, size, lw_odt_read, LW_SOURCE_ODT, "content.xml", "styles.xml", "mimetype",
                "application/vnd.oasis.opendocument.text");
    return 0;
}
