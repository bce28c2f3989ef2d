/* replay.c - runs a fuzz target's LLVMFuzzerTestOneInput over files, without
   libFuzzer: every regular file in each directory given (or a file given
   by name), in name order. A finding aborts (the target's checks, ASan,
   UBSan with -fno-sanitize-recover); otherwise one line per directory and
   the total "N passed, 0 failed" (one pass per input file).
   usage: replay DIR_OR_FILE...   (make test runs it on tests/fuzz/corpus/) */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int g_passed, g_failed;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, k;
    if (!f) {
        printf("FAIL cannot open %s\n", path);
        g_failed++;
        return;
    }
    for (;;) {
        if (n == cap) {
            uint8_t *b;
            cap = cap ? 2 * cap : 4096;
            b = (uint8_t *)realloc(buf, cap);
            if (!b) {
                printf("FAIL out of memory reading %s\n", path);
                g_failed++;
                free(buf);
                fclose(f);
                return;
            }
            buf = b;
        }
        k = fread(buf + n, 1, cap - n, f);
        if (k == 0) break;
        n += k;
    }
    fclose(f);
    /* the input in a block of exactly its size, as libFuzzer passes it */
    {
        uint8_t *exact = (uint8_t *)malloc(n ? n : 1);
        if (!exact) {
            printf("FAIL out of memory reading %s\n", path);
            g_failed++;
            free(buf);
            return;
        }
        if (n) memcpy(exact, buf, n);
        free(buf);
        fprintf(stderr, "replay %s\n", path); /* names the input if it crashes */
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    g_passed++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int before = g_passed;
    if (!d) {
        printf("FAIL cannot open %s\n", dir);
        g_failed++;
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char *path;
        struct stat st;
        if (e->d_name[0] == '.') continue;
        path = (char *)malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (!path) break;
        sprintf(path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (n == cap) {
            char **nn;
            cap = cap ? 2 * cap : 256;
            nn = (char **)realloc(names, cap * sizeof *names);
            if (!nn) {
                free(path);
                break;
            }
            names = nn;
        }
        names[n++] = path;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, by_name);
    for (i = 0; i < n; i++) {
        run_file(names[i]);
        free(names[i]);
    }
    free(names);
    printf("ok   %s: %d inputs\n", dir, g_passed - before);
}

int main(int argc, char **argv)
{
    int i;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) run_dir(argv[i]);
        else run_file(argv[i]);
    }
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed != 0;
}
