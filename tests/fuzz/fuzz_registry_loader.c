/* fuzz_registry_loader: arbitrary bytes as a registry file (lw_registry_add_file), added to
 * a fresh registry and then added again (every entry replaced by itself: the override path).
 * A refused file must say why and leave the registry as it was; a loaded one must find each
 * of its entries by id (and by the id lower-cased), give their sources and amendments. */
#include "fuzz_common.h"

#include <ctype.h>

#include "lw_registry.h"

static void on_amended(void *ud, const lw_registry_entry *e)
{
    FUZZ_CHECK(e && e->id);
    ++*(size_t *)ud;
}

static void walk(const lw_registry *r)
{
    static const char *const facts[] = {"type", "title", "issuer", "issued", "effective", "status",
                                        "amended_by", "replaced_by", "nonsense"};
    for (size_t i = 0; i < lw_registry_count(r); i++) {
        const lw_registry_entry *e = lw_registry_at(r, i);
        FUZZ_CHECK(e && e->id && e->type && e->status);
        FUZZ_CHECK(lw_registry_status_valid(e->status));
        FUZZ_CHECK(lw_registry_find(r, e->id) != NULL);
        char low[512];
        size_t n = strlen(e->id);
        if (n < sizeof low) {
            for (size_t k = 0; k <= n; k++)
                low[k] = (char)tolower((unsigned char)e->id[k]);
            FUZZ_CHECK(lw_registry_find(r, low) != NULL);
        }
        for (size_t f = 0; f < sizeof facts / sizeof *facts; f++) {
            size_t ns = 0;
            const char *const *src = lw_registry_sources(e, facts[f], &ns);
            for (size_t k = 0; k < ns; k++)
                FUZZ_CHECK(src && src[k]);
        }
        for (size_t k = 0; k < e->n_amended_by; k++) {
            FUZZ_CHECK(e->amended_by[k] != NULL);
            size_t count = 0;
            lw_registry_each_amended(r, e->amended_by[k], on_amended, &count);
            FUZZ_CHECK(count >= 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *path = fuzz_write_temp(data, size, ".yaml");
    if (!path)
        return 0;
    lw_registry *r = NULL;
    lw_error err;
    lw_error_clear(&err);
    FUZZ_CHECK(lw_registry_create(&r, &err) == LW_OK);
    if (lw_registry_add_file(r, path, &err) != LW_OK) {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(lw_registry_count(r) == 0);
        if (getenv("LW_FUZZ_VERBOSE")) {
            char line[4096];
            fprintf(stderr, "refused: %s\n", lw_error_format(&err, line, sizeof line));
        }
    } else {
        size_t n = lw_registry_count(r);
        walk(r);
        lw_error_clear(&err);
        FUZZ_CHECK(lw_registry_add_file(r, path, &err) == LW_OK);
        FUZZ_CHECK(lw_registry_count(r) == n);
        walk(r);
    }
    (void)lw_registry_find(r, (const char *)"59/2012/nd-cp");
    lw_registry_free(r);
    return 0;
}
