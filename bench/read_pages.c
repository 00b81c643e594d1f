/* read_pages: times lw_ocr_pdf / lw_ocr_image over files, in process, for bench/read_pages.py.
 * One JSON line: files, pages, seconds (wall, the OCR alone: reading the files is outside),
 * bytes of text, words, and the SHA-256 of the texts in order, so that runs with different job
 * counts can be checked to give the same answer.
 *
 *   read_pages --jobs N FILE...      (PDF: %PDF- in its first 1024 bytes; else an image) */
#define _GNU_SOURCE
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lw_ocr.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

int main(int argc, char **argv)
{
    int jobs = 1, i = 1;
    if (argc > 2 && !strcmp(argv[1], "--jobs")) {
        jobs = atoi(argv[2]);
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: read_pages [--jobs N] FILE...\n");
        return 2;
    }
    lw_read_options o;
    memset(&o, 0, sizeof o);
    o.jobs = jobs;
    o.no_sandbox = 1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    unsigned pages = 0;
    size_t bytes = 0, words = 0;
    double secs = 0;
    int files = 0;
    for (; i < argc; i++) {
        size_t len;
        unsigned char *raw = slurp(argv[i], &len);
        if (!raw) {
            fprintf(stderr, "read_pages: cannot read %s\n", argv[i]);
            return 1;
        }
        lw_source *s = NULL;
        lw_error err;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        lw_status st = (memmem(raw, len < 1024 ? len : 1024, "%PDF-", 5) ? lw_ocr_pdf : lw_ocr_image)(raw, len, &o, &s, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        free(raw);
        if (st) {
            fprintf(stderr, "read_pages: %s: %s\n", argv[i], err.msg);
            return 1;
        }
        secs += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        pages += s->pages;
        bytes += s->len;
        words += s->n_words;
        files++;
        EVP_DigestUpdate(md, s->text, s->len);
        lw_source_free(s);
    }
    unsigned char h[32];
    EVP_DigestFinal_ex(md, h, NULL);
    EVP_MD_CTX_free(md);
    printf("{\"jobs\": %d, \"files\": %d, \"pages\": %u, \"seconds\": %.3f, \"text_bytes\": %zu, \"words\": %zu, "
           "\"sha256\": \"",
           jobs, files, pages, secs, bytes, words);
    for (int k = 0; k < 32; k++)
        printf("%02x", h[k]);
    printf("\"}\n");
    return 0;
}
