/* fuzz_docx: lw_docx_read on a whole .docx, or on word/document.xml (+ word/numbering.xml
 * after a NUL byte) zipped here (fuzz_office.h says what is checked). */
#include "fuzz_office.h"

#include "lw_docx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_office(data, size, lw_docx_read, LW_SOURCE_DOCX, "word/document.xml", "word/numbering.xml", NULL, NULL);
    return 0;
}
