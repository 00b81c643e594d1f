/* lw_rules: rule files to compiled PCRE2 patterns with their examples.
 *
 * A rule file is YAML with optional "macros" (NAME: pattern text, referenced as {{NAME}}
 * in patterns, expanded recursively) and a "rules" list. Any other top-level key is a
 * data section (doc types, symbols, the registry) kept as JSON for other modules.
 * Patterns are compiled with UTF | UCP | CASELESS | EXTENDED unless the rule says
 * "caseless: false" or "extended: false". */
#include "lw_rules.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_yaml.h"

struct lw_ruleset {
    lw_rule *rules;
    size_t n, cap;
    json_t *macros; /* name -> raw pattern text */
    json_t *data;   /* key -> data section */
    uint32_t max_pairs;
    char version[17];
};

struct lw_matcher {
    pcre2_match_data *md;
    pcre2_match_data *md_ctx; /* for not_after, which runs while md's ovector is in use */
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
};

/* Bounded work on hostile input: a match that needs more than this is an error naming
 * the rule (STYLE.md 9), not a silent miss. */
#define LW_MATCH_LIMIT 2000000u
#define LW_DEPTH_LIMIT 20000u
#define LW_HEAP_LIMIT (64u * 1024u) /* KiB */

static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

static void example_free(lw_example *e)
{
    free(e->text);
    json_decref(e->expect);
    json_decref(e->context);
}

static void rule_free(lw_rule *r)
{
    free(r->id);
    free(r->kind);
    free(r->resolve);
    free(r->file);
    free(r->pattern);
    pcre2_code_free(r->code);
    pcre2_code_free(r->not_after);
    json_decref(r->set);
    for (size_t i = 0; i < r->n_examples; i++)
        example_free(&r->examples[i]);
    free(r->examples);
    for (size_t i = 0; i < r->n_counter; i++)
        example_free(&r->counter[i]);
    free(r->counter);
}

void lw_ruleset_free(lw_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++)
        rule_free(&rs->rules[i]);
    free(rs->rules);
    json_decref(rs->macros);
    json_decref(rs->data);
    free(rs);
}

/* Expands {{NAME}} references; depth guards against a macro that names itself. */
static int expand(const lw_ruleset *rs, const char *src, lw_buf *out, int depth, char *bad, size_t badsz)
{
    if (depth > 16) {
        snprintf(bad, badsz, "macros nest too deep (a macro refers to itself?)");
        return -1;
    }
    const char *p = src;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            lw_buf_append(out, p, strlen(p));
            break;
        }
        lw_buf_append(out, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        if (!close) {
            snprintf(bad, badsz, "unclosed '{{' in pattern");
            return -1;
        }
        char name[128];
        size_t nl = (size_t)(close - open - 2);
        if (nl == 0 || nl >= sizeof name) {
            snprintf(bad, badsz, "bad macro name in pattern");
            return -1;
        }
        memcpy(name, open + 2, nl);
        name[nl] = '\0';
        json_t *m = json_object_get(rs->macros, name);
        if (!json_is_string(m)) {
            snprintf(bad, badsz, "unknown macro {{%s}}", name);
            return -1;
        }
        lw_buf_append(out, "(?:", 3);
        if (expand(rs, json_string_value(m), out, depth + 1, bad, badsz))
            return -1;
        lw_buf_append(out, ")", 1);
        p = close + 2;
    }
    return 0;
}

/* Line (1-based) and column of byte offset off in a pattern that starts at file line
 * base_line: good enough to point at the pattern line in the rule file. */
static void pattern_place(const char *pat, size_t off, int base_line, int *line, int *col)
{
    int l = base_line, c = 1;
    for (size_t i = 0; i < off && pat[i]; i++) {
        if (pat[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)pat[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static lw_status compile(const char *file, int line, const char *id, const char *pat, uint32_t opts,
                         pcre2_code **out, lw_error *err)
{
    int ec;
    PCRE2_SIZE eoff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &ec, &eoff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        int l, c;
        pattern_place(pat, eoff, line, &l, &c);
        /* show the pattern line that holds the offset, with a caret under it (as jq does) */
        size_t ls = eoff, le = eoff;
        while (ls > 0 && pat[ls - 1] != '\n')
            ls--;
        while (pat[le] && pat[le] != '\n')
            le++;
        int caret = 0;
        for (size_t i = ls; i < eoff; i++)
            caret += ((unsigned char)pat[i] & 0xC0) != 0x80;
        return lw_error_set(err, LW_ERR_RULE, file, line, 0,
                            "rule %s: %s (PCRE2 error %d) at offset %zu of the pattern:\n  %.*s\n  %*s^",
                            id, (char *)msg, ec, (size_t)eoff, (int)(le - ls > 300 ? 300 : le - ls), pat + ls,
                            caret, "");
    }
    /* LAWWATCH_NO_JIT=1 leaves the interpreter: the JIT's vector code reads up to 15 bytes
     * past a subject's end (inside the page, harmless), which valgrind reports */
    const char *nojit = getenv("LAWWATCH_NO_JIT");
    if (!nojit || !*nojit || !strcmp(nojit, "0")) {
        int jrc = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
        (void)jrc; /* without JIT (unsupported CPU) PCRE2 falls back to the interpreter */
    }
    *out = code;
    return LW_OK;
}

static const char *str_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static lw_status load_examples(const char *file, const char *id, json_t *arr, int counter,
                               lw_example **out, size_t *n, lw_error *err)
{
    *out = NULL;
    *n = 0;
    if (!arr)
        return LW_OK;
    if (!json_is_array(arr))
        return lw_error_set(err, LW_ERR_RULE, file, 0, 0, "rule %s: '%s' must be a list", id,
                            counter ? "counter" : "examples");
    size_t cnt = json_array_size(arr);
    *out = calloc(cnt ? cnt : 1, sizeof **out);
    for (size_t i = 0; i < cnt; i++) {
        json_t *e = json_array_get(arr, i);
        lw_example *ex = &(*out)[i];
        if (json_is_string(e)) {
            ex->text = strdup(json_string_value(e));
        } else if (json_is_object(e) && str_field(e, "text")) {
            ex->text = strdup(str_field(e, "text"));
            ex->line = lw_yaml_line(e);
            if (!counter) {
                json_t *exp = json_object_get(e, "expect");
                ex->expect = exp ? json_deep_copy(exp) : json_object();
                json_object_del(ex->expect, "__line");
            }
            json_t *ctx = json_object_get(e, "context");
            if (ctx) {
                ex->context = json_deep_copy(ctx);
                json_object_del(ex->context, "__line");
            }
        } else {
            *n = i;
            return lw_error_set(err, LW_ERR_RULE, file, lw_yaml_line(e), 0,
                                "rule %s: an example must be a text or {text: ..., expect: ...}", id);
        }
        if (!counter && !ex->expect)
            ex->expect = json_object();
        *n = i + 1;
    }
    return LW_OK;
}

static lw_status add_rule(lw_ruleset *rs, const char *file, json_t *r, lw_error *err)
{
    int line = lw_yaml_line(r);
    if (!json_is_object(r))
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "each entry of 'rules' must be a mapping");
    const char *id = str_field(r, "id");
    const char *kind = str_field(r, "kind");
    const char *pattern = str_field(r, "pattern");
    if (!id)
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule without an 'id'");
    if (!kind)
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: missing 'kind'", id);
    if (!pattern)
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: missing 'pattern'", id);
    if (lw_ruleset_find(rs, id))
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: the id is used twice", id);
    const char *known[] = {"id", "kind", "pattern", "resolve", "priority", "set", "examples", "counter",
                           "not_after", "caseless", "extended", "description", "__line", NULL};
    const char *key;
    json_t *val;
    json_object_foreach(r, key, val) {
        int ok = 0;
        for (const char **k = known; *k; k++)
            ok |= !strcmp(*k, key);
        if (!ok)
            return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: unknown key '%s'", id, key);
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        lw_rule *p = realloc(rs->rules, cap * sizeof *p);
        if (!p)
            return lw_error_set(err, LW_ERR_NOMEM, file, line, 0, "out of memory");
        rs->rules = p;
        rs->cap = cap;
    }
    lw_rule *rule = &rs->rules[rs->n];
    memset(rule, 0, sizeof *rule);
    rs->n++;
    rule->id = xstrdup(id);
    rule->kind = xstrdup(kind);
    rule->resolve = xstrdup(str_field(r, "resolve") ? str_field(r, "resolve") : kind);
    rule->file = xstrdup(file);
    rule->line = line;
    json_t *pr = json_object_get(r, "priority");
    rule->priority = json_is_integer(pr) ? (int)json_integer_value(pr) : 0;
    json_t *set = json_object_get(r, "set");
    if (set && !json_is_object(set))
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: 'set' must be a mapping", id);
    rule->set = set ? json_deep_copy(set) : json_object();
    json_object_del(rule->set, "__line");

    char bad[256] = "";
    lw_buf pat = {0};
    if (expand(rs, pattern, &pat, 0, bad, sizeof bad)) {
        lw_buf_free(&pat);
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: %s", id, bad);
    }
    rule->pattern = lw_buf_detach(&pat, NULL);
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES;
    if (!json_is_false(json_object_get(r, "caseless")))
        opts |= PCRE2_CASELESS;
    if (!json_is_false(json_object_get(r, "extended")))
        opts |= PCRE2_EXTENDED;
    /* Point errors at the pattern's own line: the "pattern" key is usually a block scalar
     * a few lines below the rule start; we report the rule line, which is close enough to
     * find and always right. */
    lw_status st = compile(file, line, id, rule->pattern, opts, &rule->code, err);
    if (st)
        return st;
    uint32_t cnt = 0;
    pcre2_pattern_info(rule->code, PCRE2_INFO_CAPTURECOUNT, &cnt);
    if (cnt + 1 > rs->max_pairs)
        rs->max_pairs = cnt + 1;
    const char *na = str_field(r, "not_after");
    if (na) {
        lw_buf nb = {0};
        if (expand(rs, na, &nb, 0, bad, sizeof bad)) {
            lw_buf_free(&nb);
            return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: not_after: %s", id, bad);
        }
        /* searched anywhere in the sentence before the match (see lw_extract) */
        st = compile(file, line, id, nb.data ? nb.data : "", opts, &rule->not_after, err);
        lw_buf_free(&nb);
        if (st)
            return st;
    }
    st = load_examples(file, id, json_object_get(r, "examples"), 0, &rule->examples, &rule->n_examples, err);
    if (st)
        return st;
    return load_examples(file, id, json_object_get(r, "counter"), 1, &rule->counter, &rule->n_counter, err);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* FNV-1a over the files' bytes, as hex: cheap and stable. */
static void hash_update(uint64_t *h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        *h ^= p[i];
        *h *= 1099511628211ull;
    }
}

lw_status lw_ruleset_load_files(const char *const *paths, size_t n, lw_ruleset **out, lw_error *err)
{
    *out = NULL;
    lw_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    rs->macros = json_object();
    rs->data = json_object();
    rs->max_pairs = 1;
    json_t **docs = calloc(n ? n : 1, sizeof *docs);
    uint64_t h = 1469598103934665603ull;
    lw_status st = LW_OK;
    /* pass 1: parse, collect macros and data */
    for (size_t i = 0; i < n && !st; i++) {
        unsigned char *buf;
        size_t len;
        st = lw_read_file(paths[i], &buf, &len, err);
        if (st)
            break;
        hash_update(&h, buf, len);
        st = lw_yaml_parse(paths[i], buf, len, &docs[i], err);
        free(buf);
        if (st)
            break;
        if (!json_is_object(docs[i])) {
            st = lw_error_set(err, LW_ERR_RULE, paths[i], 1, 0, "the file must be a mapping at the top level");
            break;
        }
        const char *key;
        json_t *val;
        json_object_foreach(docs[i], key, val) {
            if (!strcmp(key, "rules") || !strcmp(key, "__line"))
                continue;
            if (!strcmp(key, "macros")) {
                const char *mk;
                json_t *mv;
                json_object_foreach(val, mk, mv) {
                    if (!strcmp(mk, "__line"))
                        continue;
                    if (!json_is_string(mv)) {
                        st = lw_error_set(err, LW_ERR_RULE, paths[i], lw_yaml_line(val), 0,
                                          "macro %s must be a pattern text", mk);
                        break;
                    }
                    if (json_object_get(rs->macros, mk)) {
                        st = lw_error_set(err, LW_ERR_RULE, paths[i], lw_yaml_line(val), 0,
                                          "macro %s is defined twice", mk);
                        break;
                    }
                    json_object_set(rs->macros, mk, mv);
                }
                if (st)
                    break;
                continue;
            }
            json_t *prev = json_object_get(rs->data, key);
            if (json_is_array(prev) && json_is_array(val))
                json_array_extend(prev, val);
            else
                json_object_set(rs->data, key, val);
        }
    }
    /* pass 2: rules */
    for (size_t i = 0; i < n && !st; i++) {
        json_t *rules = json_object_get(docs[i], "rules");
        if (!rules)
            continue;
        if (!json_is_array(rules)) {
            st = lw_error_set(err, LW_ERR_RULE, paths[i], 0, 0, "'rules' must be a list");
            break;
        }
        size_t k;
        json_t *r;
        json_array_foreach(rules, k, r) {
            st = add_rule(rs, paths[i], r, err);
            if (st)
                break;
        }
    }
    for (size_t i = 0; i < n; i++)
        json_decref(docs[i]);
    free(docs);
    if (st) {
        lw_ruleset_free(rs);
        return st;
    }
    snprintf(rs->version, sizeof rs->version, "%016llx", (unsigned long long)h);
    *out = rs;
    return LW_OK;
}

lw_status lw_ruleset_load_dir(const char *dir, lw_ruleset **out, lw_error *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return lw_error_set(err, LW_ERR_IO, dir, 0, 0, "cannot open the rules folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml"))
            continue;
        /* registry*.yaml is the legal-document registry (lw_registry), not rules: editing
         * it must not change the rules' version and force a re-extraction */
        if (!strncmp(de->d_name, "registry", 8))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
        }
        size_t pl = strlen(dir) + l + 2;
        names[n] = malloc(pl);
        snprintf(names[n], pl, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    if (n == 0) {
        free(names);
        return lw_error_set(err, LW_ERR_RULE, dir, 0, 0, "no rule files (*.yaml) in the rules folder");
    }
    qsort(names, n, sizeof *names, cmp_str);
    lw_status st = lw_ruleset_load_files((const char *const *)names, n, out, err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

size_t lw_ruleset_count(const lw_ruleset *rs) { return rs->n; }
const lw_rule *lw_ruleset_rule(const lw_ruleset *rs, size_t i) { return i < rs->n ? &rs->rules[i] : NULL; }
const char *lw_ruleset_version(const lw_ruleset *rs) { return rs->version; }
json_t *lw_ruleset_data(const lw_ruleset *rs, const char *key) { return json_object_get(rs->data, key); }

const lw_rule *lw_ruleset_find(const lw_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->rules[i].id, id))
            return &rs->rules[i];
    return NULL;
}

lw_matcher *lw_matcher_create(const lw_ruleset *rs)
{
    lw_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->md = pcre2_match_data_create(rs ? rs->max_pairs + 1 : 64, NULL);
    m->md_ctx = pcre2_match_data_create(4, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    m->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (!m->md || !m->md_ctx || !m->mctx || !m->jit) {
        lw_matcher_free(m);
        return NULL;
    }
    pcre2_set_match_limit(m->mctx, LW_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, LW_DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mctx, LW_HEAP_LIMIT);
    pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
    return m;
}

void lw_matcher_free(lw_matcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_match_data_free(m->md_ctx);
    pcre2_match_context_free(m->mctx);
    pcre2_jit_stack_free(m->jit);
    free(m);
}

lw_status lw_rule_match_all(lw_matcher *m, const lw_rule *rule, const char *text, size_t len,
                            lw_match_fn fn, void *ud, lw_error *err)
{
    size_t off = 0;
    uint32_t opts = 0;
    while (off <= len) {
        int rc = pcre2_match(rule->code, (PCRE2_SPTR)text, len, off, opts, m->md, m->mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            return LW_OK;
        if (rc < 0) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(rc, msg, sizeof msg);
            return lw_error_set(err, LW_ERR_LIMIT, rule->file, rule->line, 0,
                                "rule %s stopped at byte %zu of the text: %s", rule->id, off, (char *)msg);
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
        uint32_t np = pcre2_get_ovector_count(m->md);
        if (ov[1] < ov[0]) /* \K tricks: ignore */
            return LW_OK;
        if (fn(ud, rule, ov, np))
            return LW_OK;
        if (ov[1] == ov[0]) {
            if (ov[1] >= len)
                return LW_OK;
            off = ov[1] + 1;
            while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
                off++;
        } else {
            off = ov[1];
        }
    }
    return LW_OK;
}

lw_span lw_rule_group(const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs, const char *name)
{
    lw_span none = {SIZE_MAX, SIZE_MAX};
    int n = pcre2_substring_number_from_name(rule->code, (PCRE2_SPTR)name);
    if (n == PCRE2_ERROR_NOUNIQUESUBSTRING) {
        /* duplicate names ((?J) or branches): take the first set one */
        PCRE2_SPTR first, last;
        uint32_t esz;
        if (pcre2_substring_nametable_scan(rule->code, (PCRE2_SPTR)name, &first, &last) > 0) {
            pcre2_pattern_info(rule->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
            for (PCRE2_SPTR e = first; e <= last; e += esz) {
                uint32_t g = (uint32_t)((e[0] << 8) | e[1]);
                if (g < npairs && ovec[2 * g] != PCRE2_UNSET)
                    return (lw_span){ovec[2 * g], ovec[2 * g + 1]};
            }
        }
        return none;
    }
    if (n < 0 || (uint32_t)n >= npairs || ovec[2 * n] == PCRE2_UNSET)
        return none;
    return (lw_span){ovec[2 * n], ovec[2 * n + 1]};
}

int lw_rule_not_after_hits(lw_matcher *m, const lw_rule *rule, const char *text, size_t from, size_t to)
{
    if (!rule->not_after || to <= from)
        return 0;
    return pcre2_match(rule->not_after, (PCRE2_SPTR)(text + from), to - from, 0, 0, m->md_ctx, m->mctx) > 0;
}

void lw_rule_each_group(const lw_rule *rule, void (*fn)(void *ud, const char *name, int num), void *ud)
{
    uint32_t count, esz;
    PCRE2_SPTR table;
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + i * esz;
        fn(ud, (const char *)(e + 2), (e[0] << 8) | e[1]);
    }
}
