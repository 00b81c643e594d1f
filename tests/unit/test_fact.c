/* test_fact: the typed facts (lw_fact) and their JSON made at the edge: each kind's keys in
 * the contract's order, the optional keys only when set, a copy that owns its strings, the
 * one duty emitter (names once, units with their roles, deadline offsets), the header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lw_duty_emit.h"
#include "lw_fact.h"

/* The fields' JSON of f, compact, owned. */
static char *fields(const lw_fact *f)
{
    json_t *j = lw_fact_fields_json(f, NULL);
    assert_non_null(j);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    assert_non_null(s);
    return s;
}

static void expect_fields(const lw_fact *f, const char *want)
{
    char *s = fields(f);
    assert_string_equal(s, want);
    free(s);
}

static void test_kinds_and_order(void **state)
{
    (void)state;
    lw_extraction *x = lw_extraction_new();
    assert_non_null(x);
    lw_fact *f = lw_extraction_add(x, LW_FACT_LEGAL_REF, NULL, 0, 10);
    assert_non_null(f);
    f->u.ref.type = strdup("Nghị định");
    f->u.ref.number = strdup("59");
    f->u.ref.year = 2012;
    f->u.ref.symbol = strdup("NĐ-CP");
    f->u.ref.id = strdup("59/2012/NĐ-CP");
    expect_fields(f, "{\"type\":\"Nghị định\",\"number\":\"59\",\"year\":2012,\"symbol\":\"NĐ-CP\","
                     "\"id\":\"59/2012/NĐ-CP\",\"title\":null,\"date\":null,\"pinpoint\":null}");
    f->u.ref.year_mismatch = 1;
    f->u.ref.alias = 1;
    expect_fields(f, "{\"type\":\"Nghị định\",\"number\":\"59\",\"year\":2012,\"symbol\":\"NĐ-CP\","
                     "\"id\":\"59/2012/NĐ-CP\",\"title\":null,\"date\":null,\"year_mismatch\":true,"
                     "\"pinpoint\":null,\"alias\":true}");

    f = lw_extraction_add(x, LW_FACT_AGENCY, NULL, 20, 30);
    f->u.agency.name = strdup("Sở Tư pháp");
    f->u.agency.level = strdup("province");
    expect_fields(f, "{\"name\":\"Sở Tư pháp\",\"province\":null,\"level\":\"province\"}");
    f->u.agency.role = strdup("issuer");
    expect_fields(f, "{\"name\":\"Sở Tư pháp\",\"province\":null,\"level\":\"province\",\"role\":\"issuer\"}");

    /* a copy owns its strings: the source may go */
    lw_fact *g = lw_extraction_add(x, LW_FACT_AGENCY, NULL, 40, 50);
    assert_int_equal(lw_fact_copy_fields(g, &x->facts[1]), LW_OK);
    assert_ptr_not_equal(g->u.agency.name, x->facts[1].u.agency.name);
    assert_string_equal(g->u.agency.name, "Sở Tư pháp");

    f = lw_extraction_add(x, LW_FACT_RELATION, NULL, 0, 5);
    f->u.rel.type = strdup("amends");
    f->u.rel.to = strdup("59/2012/NĐ-CP");
    expect_fields(f, "{\"type\":\"amends\",\"from\":null,\"to\":\"59/2012/NĐ-CP\"}");

    f = lw_extraction_add(x, LW_FACT_DEADLINE, NULL, 0, 5);
    f->u.dl.to = strdup("2025-09-30");
    f->u.dl.from = strdup("2025-07-01");
    f->u.dl.precision = strdup("quarter");
    f->u.dl.qualifier = strdup("during");
    expect_fields(f, "{\"from\":\"2025-07-01\",\"to\":\"2025-09-30\",\"precision\":\"quarter\","
                     "\"qualifier\":\"during\"}");

    /* facts on one span sort by the kinds' names, as the JSON always did */
    lw_fact a = {.kind = LW_FACT_RELATION, .start = 0, .end = 5}, b = {.kind = LW_FACT_DEADLINE, .start = 0, .end = 5};
    assert_true(lw_fact_cmp(&a, &b) > 0);
    lw_extraction_free(x);
}

static void test_duty_emit(void **state)
{
    (void)state;
    lw_extraction *x = lw_extraction_new();
    assert_non_null(x);
    lw_unit_list lead = {0}, partners = {0};
    assert_int_equal(lw_unit_list_add(&lead, 3, 13, "Sở Tư pháp", "province", NULL), 0);
    assert_int_equal(lw_unit_list_add(&lead, 20, 30, "Sở Tư pháp", "province", NULL), 0);
    assert_int_equal(lw_unit_list_add(&partners, 40, 50, "Sở Nội vụ", NULL, NULL), 0);
    lw_duty_spec d = {.start = 0,
                      .end = 100,
                      .activity = "xây dựng kế hoạch",
                      .source = "item",
                      .lead = &lead,
                      .partners = &partners,
                      .unique_names = 1,
                      .deadline = {1, "2025-01-01", "2025-03-31", "quarter", "during", 60, 70}};
    assert_int_equal(lw_duty_emit(x, &d), LW_OK);
    assert_int_equal(x->n, 1);
    expect_fields(&x->facts[0],
                  "{\"activity\":\"xây dựng kế hoạch\",\"lead\":[\"Sở Tư pháp\"],\"partners\":[\"Sở Nội vụ\"],"
                  "\"output\":null,\"deadline\":{\"from\":\"2025-01-01\",\"to\":\"2025-03-31\",\"precision\":"
                  "\"quarter\",\"qualifier\":\"during\",\"at\":60,\"at_end\":70},\"topic\":null,\"section\":null,"
                  "\"source\":\"item\",\"units\":[{\"name\":\"Sở Tư pháp\",\"level\":\"province\",\"role\":\"lead\","
                  "\"at\":3},{\"name\":\"Sở Tư pháp\",\"level\":\"province\",\"role\":\"lead\",\"at\":20},"
                  "{\"name\":\"Sở Nội vụ\",\"level\":null,\"role\":\"partner\",\"at\":40}]}");
    /* a table's duty: every name as given, and the key stage even when null */
    d.unique_names = 0;
    d.has_stage = 1;
    d.deadline.set = 0;
    d.source = "table";
    assert_int_equal(lw_duty_emit(x, &d), LW_OK);
    char *s = fields(&x->facts[1]);
    assert_non_null(strstr(s, "\"lead\":[\"Sở Tư pháp\",\"Sở Tư pháp\"]"));
    assert_non_null(strstr(s, "\"deadline\":null"));
    assert_non_null(strstr(s, "\"source\":\"table\",\"stage\":null,\"units\""));
    free(s);
    free(lead.v);
    free(partners.v);
    lw_extraction_free(x);
}

static void test_header(void **state)
{
    (void)state;
    lw_header h = {0};
    h.kind = "Công văn";
    json_t *j = lw_header_json(&h);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(s, "{\"issuer\":null,\"number\":null,\"kind\":\"Công văn\",\"place\":null,\"date\":null,"
                           "\"subject\":null,\"recipients\":[],\"signer\":null,\"distribution\":[]}");
    free(s);
    json_decref(j);
    h.has_signer = 1;
    h.signer.authority = "KT. CHỦ TỊCH";
    j = lw_header_json(&h);
    s = json_dumps(json_object_get(j, "signer"), JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(s, "{\"authority\":\"KT. CHỦ TỊCH\",\"position\":null,\"name\":null}");
    free(s);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_order),
        cmocka_unit_test(test_duty_emit),
        cmocka_unit_test(test_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
