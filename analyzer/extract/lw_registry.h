/* lw_registry: the legal-document registry, the documents lawwatch knows about (id, type,
 * title, issuer, dates of issue and effect, status, what amends or replaces them), read from
 * rules/registry.yaml so that `check` can tell a citation with a wrong date or a superseded
 * document. Every fact in the shipped file names the corpus line that states it (source:),
 * so the data stays honest; the format is described at the top of rules/registry.yaml.
 *
 * Ownership: a registry owns its entries and every string in them. Entry pointers and the
 * strings they hold are borrowed: valid until lw_registry_free, or until a later
 * lw_registry_add_file replaces that entry (same id). */
#ifndef LW_REGISTRY_H
#define LW_REGISTRY_H

#include <stddef.h>

#include "lw_common.h"

typedef struct {
    const char *id, *type, *title, *issuer; /* id canonical as DESIGN.md; title/issuer may be NULL */
    const char *issued, *effective;         /* ISO dates or NULL */
    const char *status;                     /* never NULL: "unknown" when absent */
    const char *const *amended_by;          /* ids, n_amended_by of them (NULL when 0) */
    size_t n_amended_by;
    const char *replaced_by; /* NULL when none */
    const char *note;        /* free text or NULL */
    const char *file;        /* the registry file that defines the entry, as given */
    int line;                /* and the entry's line in it */
    /* The first source ("path:line" or "path:first-last") of each fact, NULL when not
     * given; lw_registry_sources gives all of them. */
    const char *source_issued, *source_effective, *source_amended_by, *source_replaced_by;
    const char *source_type, *source_title, *source_issuer, *source_status;
} lw_registry_entry;

typedef struct lw_registry lw_registry;

/* An empty registry. *out is owned (lw_registry_free); NULL on failure. */
lw_status lw_registry_create(lw_registry **out, lw_error *err);
/* Adds every entry of one file. An id already present (from an earlier file) is replaced by
 * the later file's entry, in its old position: that is how a local file overrides the shipped
 * one. A bad entry, or an id twice in one file, is LW_ERR_DATA naming the file and the
 * entry's line; a file that cannot be read is LW_ERR_IO. On error nothing of the file is
 * added. */
lw_status lw_registry_add_file(lw_registry *r, const char *path, lw_error *err);
/* Convenience: create, then add rules_dir/registry.yaml when it exists (no file: an empty
 * registry). *out is owned (lw_registry_free), NULL on error. */
lw_status lw_registry_load_dir(const char *rules_dir, lw_registry **out, lw_error *err);
void lw_registry_free(lw_registry *r); /* accepts NULL */

size_t lw_registry_count(const lw_registry *r);
/* The i-th entry in file order (files in the order added), NULL past the end. Borrowed. */
const lw_registry_entry *lw_registry_at(const lw_registry *r, size_t i);
/* Lookup by id, ignoring differences of case and diacritics ("59/2012/nd-cp" finds
 * "59/2012/NĐ-CP"; Ð U+00D0 counts as Đ) and of the number's zero padding ("4/2021/TT-BTP"
 * finds "04/2021/TT-BTP"). A hash lookup; NULL when unknown, and when the lookup's small key cannot be
 * allocated (out of memory: the id then reads as unknown). Borrowed. */
const lw_registry_entry *lw_registry_find(const lw_registry *r, const char *id);
/* Calls fn for each entry whose amended_by lists id (compared as lw_registry_find does), in
 * file order: the documents that id amends. (What amends id is in id's own entry.) */
void lw_registry_each_amended(const lw_registry *r, const char *id,
                              void (*fn)(void *ud, const lw_registry_entry *e), void *ud);
/* All the sources of one fact of an entry of a registry: fact is one of "type", "title",
 * "issuer", "issued", "effective", "status", "amended_by", "replaced_by". Sets *n (may be
 * 0) and returns a borrowed array, NULL when none. */
const char *const *lw_registry_sources(const lw_registry_entry *e, const char *fact, size_t *n);

/* 1 when s is a registry status (in_force, amended, replaced, expired, unknown), else 0. */
int lw_registry_status_valid(const char *s);

#endif
