/* lw_lines: what the normalizer knows about one line before deciding to join it with the
 * next: a list or section marker, a header block line ("Số:", "V/v", "Kính gửi", "Nơi nhận",
 * the date line), capitals, how it starts and ends (a sentence end, a function word, a hyphen),
 * a page number. The records are plain data owned by the lines pass (lw_unwrap). */
#ifndef LW_LINES_H
#define LW_LINES_H

#include <stddef.h>
#include <stdint.h>

/* Lines counted from the top of a document that may hold its header block ("Số ...",
 * "Về việc ..." without "V/v"): the header of the longest templates fits in 40. */
#define LW_LINES_HEADER_ZONE 40

/* The last word of a line is compared with the function words when it has fewer bytes than
 * this (the longest function word, "những", has 8). */
#define LW_LINES_WORD_BYTES 32

enum {
    LW_LF_LIST = 1 << 0,         /* opens with a list or section marker */
    LW_LF_LIST_LOWER = 1 << 1,   /* a bullet followed by a lower-case letter */
    LW_LF_CAPS = 1 << 2,         /* a heading in capitals */
    LW_LF_HEADER = 1 << 3,       /* a document header / signature block line */
    LW_LF_SUBJECT = 1 << 4,      /* "V/v ...", "Về việc ..." */
    LW_LF_NOALNUM = 1 << 5,      /* neither letters nor digits ("-------") */
    LW_LF_ENDSENT = 1 << 6,      /* ends a sentence: . ; : ! ? */
    LW_LF_ENDJOIN = 1 << 7,      /* ends with ',' or a function word ("và", "của") */
    LW_LF_END_SYMHYPH = 1 << 8,  /* "...NĐ-" */
    LW_LF_END_SPDASH = 1 << 9,   /* "... -" */
    LW_LF_END_LETHYPH = 1 << 10, /* "...thực-" */
    LW_LF_FIRST_LOWER = 1 << 11,
    LW_LF_FIRST_UPPER = 1 << 12,
    LW_LF_FIRST_DIGIT = 1 << 13,
    LW_LF_PN = 1 << 14,      /* only a 1-3 digit number */
    LW_LF_PN_SURE = 1 << 15, /* "- 2 -", "Trang 2" */
    LW_LF_DROP = 1 << 16,
    LW_LF_HASLETTER = 1 << 17,
    LW_LF_END_SEMI = 1 << 18,    /* ends with ';' */
    LW_LF_END_HYPH = 1 << 19,    /* ends with '-' right after a letter or digit */
    LW_LF_END_SLASH = 1 << 20,   /* ends with '/' right after a letter or digit ("01/2024/") */
    LW_LF_END_NAM = 1 << 21,     /* ends with "năm" (a year follows) */
    LW_LF_ENDJOIN_UP = 1 << 22,  /* a capitals line ending with a function word ("CỦA") or " -" */
    LW_LF_FIRST_SLASH = 1 << 23, /* starts with '/' ("/TB-UBND") */
    LW_LF_LIST_DASH = 1 << 24,   /* starts with an en or em dash */
    LW_LF_END_NAME = 1 << 25,    /* ends with a capitalized word ("... tỉnh Võ") */
    LW_LF_FIRST_NAME = 1 << 26,  /* starts with a capitalized word ("Phiên chủ trì") */
    LW_LF_END_ALNUM = 1 << 27,   /* ends with a letter or digit */
    LW_LF_DATE = 1 << 28,        /* the header's date line */
};

typedef struct {
    uint32_t a, b; /* trimmed content */
    uint32_t nl;   /* the '\n' ending the line, or the text length */
    uint32_t gap;  /* blank lines before */
    uint32_t flags;
    uint16_t nch;        /* characters (saturated) */
    uint16_t w1;         /* characters of the first word */
    uint16_t pn;         /* page number value */
    uint32_t up, lo, dg; /* upper- and lower-case letters, digits */
} lw_line;

typedef struct {
    lw_line *r;
    size_t n;
    int wrapped, double_spaced;
    unsigned W, slack;
} lw_line_doc;

/* A heading in capitals: 3+ capitals, (almost) no lower case, not mostly digits ("STT",
 * "KẾ HOẠCH", "ỦY BAN"; not "NĐ-" or "34/2018/TT-"). */
static inline int lw_line_caps(uint64_t up, uint64_t lo, uint64_t dg)
{
    return up >= 3 && lo * 10 <= up && up >= dg;
}

/* Classifies the non-blank line L->a..L->b of t (set by the caller with nl and gap) and fills
 * the rest of L. zone: the line lies in the header zone. */
void lw_line_classify(const char *t, lw_line *L, int zone);

#endif
