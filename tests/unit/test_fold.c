/* test_fold: the one folding function. The expected keys below are what the store's own
 * folding (lw_store_fold before lw_fold existed) and the extractor's lw_text_fold_case made of
 * the same inputs, recorded when the two were merged into lw_fold: the store's folded columns
 * and every key compared against them must not change for any valid UTF-8 input. The inputs
 * are the tricky ones: white space runs, đ/Đ and its look-alikes, decomposed marks, case
 * folding that changes length (ß, ǰ, İ), ligatures, Hangul (decomposed by the key), symbols
 * and no-break spaces that are kept. Input that is not UTF-8 is folded the same way by both
 * variants (ASCII lower-cased, other bytes kept, white space collapsed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lw_fold.h"

typedef struct {
    const char *in;
    const char *key;  /* lw_fold(in, LW_FOLD_MARKS): the old lw_store_fold and lw_text_fold_all */
    const char *fcase; /* lw_fold(in, 0): the old lw_text_fold_case */
} fold_case;

static const fold_case cases[] = {
    {"  K\341\272\277   HO\341\272\240CH ", "ke hoach", "k\341\272\277 ho\341\272\241ch"},
    {"\341\273\246y ban nh\303\242n d\303\242n t\341\273\211nh S\303\263c Tr\304\203ng", "uy ban nhan dan tinh soc trang", "\341\273\247y ban nh\303\242n d\303\242n t\341\273\211nh s\303\263c tr\304\203ng"},
    {"59/2012/N\304\220-CP", "59/2012/nd-cp", "59/2012/n\304\221-cp"},
    {"\304\220\304\220\304\221", "ddd", "\304\221\304\221\304\221"},
    {"", "", ""},
    {" ", "", ""},
    {"\011\012\015 ", "", ""},
    {"a\011b\012c\015d", "a b c d", "a b c d"},
    {"A\013 B\014", "a\013 b\014", "a\013 b\014"},
    {"\303\220 \303\260 \306\211 \311\226", "\303\260 \303\260 \311\226 \311\226", "\303\260 \303\260 \311\226 \311\226"},
    {"\307\205 \307\204 \307\206", "\307\206 \307\206 \307\206", "\307\206 \307\206 \307\206"},
    {"Stra\303\237e STRASSE", "strasse strasse", "strasse strasse"},
    {"\304\260stanbul", "istanbul", "i\314\207stanbul"},
    {"\357\254\201nal \357\254\200", "final ff", "final ff"},
    {"\316\251 \316\251", "\317\211 \317\211", "\317\211 \317\211"},
    {"e\314\201 \314\201", "e", "\303\251 \314\201"},
    {"Ho\303\240 h\303\262a H\303\222A ho\303\240", "hoa hoa hoa hoa", "ho\303\240 h\303\262a h\303\262a ho\303\240"},
    {"NGHI\303\212NG nghi\303\252ng", "nghieng nghieng", "nghi\303\252ng nghi\303\252ng"},
    {"Qu\303\275 III/2025", "quy iii/2025", "qu\303\275 iii/2025"},
    {"x\302\240y", "x\302\240y", "x\302\240y"},
    {"\303\205NGSTR\303\226M", "angstrom", "\303\245ngstr\303\266m"},
    {"\357\274\241\357\274\242\357\274\243", "\357\275\201\357\275\202\357\275\203", "\357\275\201\357\275\202\357\275\203"},
    {"\355\225\234\352\265\255\354\226\264", "\341\204\222\341\205\241\341\206\253\341\204\200\341\205\256\341\206\250\341\204\213\341\205\245", "\355\225\234\352\265\255\354\226\264"},
    {"\360\237\230\200 Smile", "\360\237\230\200 smile", "\360\237\230\200 smile"},
    {"\307\260", "j", "\307\260"},
    {"\316\243\316\221\316\243 \317\203\316\261\317\202", "\317\203\316\261\317\203 \317\203\316\261\317\203", "\317\203\316\261\317\203 \317\203\316\261\317\203"},
    {"\342\205\253 \342\205\273", "\342\205\273 \342\205\273", "\342\205\273 \342\205\273"},
    {"a  b   c ", "a b c", "a b c"},
    {"\304\220 \304\221", "d d", "\304\221 \304\221"},
    {"\341\272\240 \341\272\241 \341\272\266 \341\272\267", "a a a a", "\341\272\241 \341\272\241 \341\272\267 \341\272\267"},
    {"\306\240\306\257 \306\241\306\260", "ou ou", "\306\241\306\260 \306\241\306\260"},
    {"\304\277l \305\200l", "\305\200l \305\200l", "\305\200l \305\200l"},
    {"\307\204", "\307\206", "\307\206"},
    {"1/2025/TT-BL\304\220TBXH", "1/2025/tt-bldtbxh", "1/2025/tt-bl\304\221tbxh"},
    {"S\341\273\221: 565 /TB-UBND", "so: 565 /tb-ubnd", "s\341\273\221: 565 /tb-ubnd"},
    {"T\341\273\210NH S\303\223C TR\304\202NG\012\341\273\246Y BAN", "tinh soc trang uy ban", "t\341\273\211nh s\303\263c tr\304\203ng \341\273\247y ban"},
    {"\342\200\223 dash \342\200\224", "\342\200\223 dash \342\200\224", "\342\200\223 dash \342\200\224"},
    {"\342\200\234quoted\342\200\235 \342\200\230x\342\200\231", "\342\200\234quoted\342\200\235 \342\200\230x\342\200\231", "\342\200\234quoted\342\200\235 \342\200\230x\342\200\231"},
    {"Vi\341\273\207t Nam", "viet nam", "vi\341\273\207t nam"},
    {"o\314\233\314\201", "o", "\341\273\233"},
    {"A\314\212", "a", "\303\245"},
    {"\307\272", "a", "\307\273"},
    {"\341\273\263\341\273\262\341\273\271\341\273\270", "yyyy", "\341\273\263\341\273\263\341\273\271\341\273\271"},
    {"\304\220\341\272\242NG C\341\273\230NG S\341\272\242N", "dang cong san", "\304\221\341\272\243ng c\341\273\231ng s\341\272\243n"},
    {"Q\304\220-TTg", "qd-ttg", "q\304\221-ttg"},
    {"\357\276\212\357\276\235", "\357\276\212\357\276\235", "\357\276\212\357\276\235"},
    {"\341\276\210", "\316\261\316\271", "\341\274\200\316\271"},
    {"D\305\275", "dz", "d\305\276"},
    /* not UTF-8: the store kept a key of the ASCII letters, now both variants do */
    {"AB\377\376", "ab\377\376", "ab\377\376"},
    {"  X\303  Y ", "x\303 y", "x\303 y"},
    {"\300\257 /\355\240\200", "\300\257 /\355\240\200", "\300\257 /\355\240\200"},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const fold_case *c = &cases[i];
        char *k = lw_fold(c->in, strlen(c->in), LW_FOLD_MARKS);
        char *f = lw_fold(c->in, strlen(c->in), 0);
        assert_non_null(k);
        assert_non_null(f);
        if (strcmp(k, c->key) || strcmp(f, c->fcase))
            print_error("case %zu: \"%s\" -> key \"%s\" (want \"%s\"), case \"%s\" (want \"%s\")\n", i,
                        c->in, k, c->key, f, c->fcase);
        assert_string_equal(k, c->key);
        assert_string_equal(f, c->fcase);
        char *k2 = lw_fold_key(c->in, strlen(c->in)), *f2 = lw_fold_case(c->in, strlen(c->in));
        assert_string_equal(k2, k);
        assert_string_equal(f2, f);
        free(k);
        free(f);
        free(k2);
        free(f2);
    }
}

/* A length shorter than the string folds only the prefix; a NUL ends the input. */
static void test_bounds(void **state)
{
    (void)state;
    char *k = lw_fold_key("ĐÀ NẴNG xyz", strlen("ĐÀ NẴNG"));
    assert_string_equal(k, "da nang");
    free(k);
    k = lw_fold_key("AB\0CD", 5);
    assert_string_equal(k, "ab");
    free(k);
    k = lw_fold_key("Ạ\0CD", 6);
    assert_string_equal(k, "a");
    free(k);
    assert_null(lw_fold(NULL, 0, 0));
}

/* Folding a key again gives the key (keys are compared with keys made from keys). */
static void test_idempotent(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *k = lw_fold_key(cases[i].key, strlen(cases[i].key));
        assert_string_equal(k, cases[i].key);
        free(k);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
