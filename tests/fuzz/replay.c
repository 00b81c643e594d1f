/* replay: runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer, so the
 * regression inputs (tests/fuzz/regressions/NAME/) run under ctest in every build, plain,
 * ASan/UBSan and valgrind alike. Arguments are files or folders (their files, not recursive,
 * hidden ones left out). Exit 0 when every input ran (a crash aborts the process), 2 when an
 * argument cannot be read or names no input at all. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        return -1;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
    /* a copy of exactly n bytes, so ASan sees reads past the input */
    unsigned char *in = malloc(n ? n : 1);
    memcpy(in, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(in, n);
    free(in);
    return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    size_t ran = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such file or folder: %s\n", argv[i]);
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]))
                return 2;
            ran++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "replay: cannot open folder %s\n", argv[i]);
            return 2;
        }
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(de->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof *names, cmp);
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(argv[i]) + strlen(names[k]) + 2;
            char *p = malloc(len);
            snprintf(p, len, "%s/%s", argv[i], names[k]);
            struct stat fs;
            if (stat(p, &fs) == 0 && S_ISREG(fs.st_mode)) {
                if (run_file(p))
                    return 2;
                ran++;
            }
            free(p);
            free(names[k]);
        }
        free(names);
    }
    if (!ran) {
        fprintf(stderr, "replay: no input\n");
        return 2;
    }
    fprintf(stderr, "replay: %zu input(s) ran\n", ran);
    return 0;
}
