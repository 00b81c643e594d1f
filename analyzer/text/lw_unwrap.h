/* lw_unwrap: the normalizer's lines pass. Trims lines and collapses space runs, drops artefact
 * lines, and decides for every line break whether it ends a paragraph or is a hard wrap to
 * join (with a space, without one, or dropping a hyphen): one line per paragraph out. */
#ifndef LW_UNWRAP_H
#define LW_UNWRAP_H

#include "lw_common.h"
#include "lw_textmap.h"

/* In place on b. unwrap = 0 keeps every line break and blank line; drop = 0 keeps artefact
 * lines. LW_OK or LW_ERR_NOMEM (b unchanged). */
lw_status lw_norm_pass_lines(lw_tmap *b, int unwrap, int drop);

#endif
